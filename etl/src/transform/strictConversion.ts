import { sqlIdentifier, sqlString } from './duckDb';
import type { Column } from './types';

/**
 * Past its sniffer's sample, DuckDB's CSV reader converts some text leniently that its sniffer would not have typed
 * (duckdb/duckdb#25824, open in 1.5.6; measured in docs/etl.md): into a BIGINT `1.5` becomes 2, `1e3` 1000, `007` 7,
 * `0x10` 16, `1_000` 1000; into a DATE `2024-01-02 12:00` keeps its date; into a TIMESTAMP an offset (`+02:00`) is
 * dropped, shifting the time; into a TIMESTAMP WITH TIME ZONE a value that is no date-time becomes NULL. Those
 * columns are read as text and converted here instead, strictly: a value in the form the sniffer accepts converts,
 * any other makes its record rejected. One cheap test per value (a small RE2 match, a length, a character search)
 * before DuckDB's own cast.
 */
const FORMS: Readonly<Record<string, StrictForm>> = {
  BIGINT: {
    // digits with an optional minus, no leading zero, spaces around (the sniffer's integer)
    plain: (value) => `regexp_full_match(${value}, ' *-?(0|[1-9][0-9]*) *')`,
    problem: (value, converted) =>
      `'"' || ${value} || '" is not an integer in plain digits (it has a fraction, an exponent, leading zeros, a sign or a separator); DuckDB would have stored ' || ${converted}`,
  },
  DATE: {
    // anything after the 10 characters of a date is a time of day or an offset (strlen, in bytes, costs nothing; a
    // value with spaces around is trimmed)
    plain: (value) => `(strlen(${value}) <= 10 OR length(trim(${value})) <= 10)`,
    problem: (value, converted) => `'"' || ${value} || '" is more than a date (a time of day or an offset); DuckDB would have kept only ' || ${converted}`,
  },
  TIMESTAMP: {
    // an offset: a plus, or a third minus after the date's two (-05:00); Z and UTC shift nothing, and the sniffer reads
    // ' UTC' as TIMESTAMP too. Plain string searches: a regular expression here measured 3× the cost.
    plain: (value) => `(NOT contains(${value}, '+') AND ${value} NOT LIKE '%-%-%-%')`,
    problem: (value, converted) =>
      `'"' || ${value} || '" has a UTC offset, which a TIMESTAMP column (no time zone) cannot keep; DuckDB would have dropped it, storing ' || ${converted}`,
  },
  'TIMESTAMP WITH TIME ZONE': {
    plain: () => 'true',
    problem: () => 'NULL',
  },
};

interface StrictForm {
  /** SQL: whether a non-NULL text is in the form the sniffer accepts for the type. */
  plain(value: string): string;
  /** SQL: why a text that converts leniently is rejected (`converted`: what DuckDB would have made of it). */
  problem(value: string, converted: string): string;
}

/** The marker of the error the fast read raises at the first value that needs the strict path. */
export const NOT_PLAIN = 'ETL: a value is not in its column type form';

/** The sniffed columns the ETL converts itself (their names go to read_csv as VARCHAR). */
export function strictColumns(columns: readonly Column[]): Column[] {
  return columns.filter(({ type }) => type in FORMS);
}

/**
 * The SELECT list replacement for a file in the expected form: every strict column converted, and an error (NOT_PLAIN,
 * or DuckDB's conversion error) at the first value that is not, so the caller takes the rejecting path.
 */
export function convertedOrError(columns: readonly Column[]): string {
  return columns
    .map(({ name, type }) => {
      const value = sqlIdentifier(name);
      return `CASE WHEN ${value} IS NULL OR ${FORMS[type]!.plain(value)} THEN CAST(${value} AS ${type}) ELSE error(${sqlString(NOT_PLAIN)}) END AS ${value}`;
    })
    .join(', ');
}

/** The SELECT list replacement for the accepted rows of the rejecting path: each strict column converted. */
export function converted(columns: readonly Column[]): string {
  return columns.map(({ name, type }) => `TRY_CAST(${sqlIdentifier(name)} AS ${type}) AS ${sqlIdentifier(name)}`).join(', ');
}

/**
 * SQL: why a row is rejected, in DuckDB's words for a value that does not convert (as its reader says it), or NULL
 * for a row every strict column of which converts strictly. Several columns' reasons are joined by "; ".
 */
export function rejectReason(columns: readonly Column[]): string {
  const reasons = columns.map(({ name, type }) => {
    const value = sqlIdentifier(name);
    const form = FORMS[type]!;
    const tried = `TRY_CAST(${value} AS ${type})`;
    const prefix = sqlString(`cast: Error when converting column ${sqlIdentifier(name)}. `);
    return (
      `CASE WHEN ${value} IS NULL OR trim(${value}) = '' THEN NULL ` +
      `WHEN ${tried} IS NULL THEN ${prefix} || 'Could not convert string "' || ${value} || '" to ' || ${sqlString(`'${type}'`)} ` +
      `WHEN NOT (${form.plain(value)}) THEN ${prefix} || ${form.problem(value, `CAST(${tried} AS VARCHAR)`)} END`
    );
  });
  return `NULLIF(concat_ws('; ', ${reasons.join(', ')}), '')`;
}
