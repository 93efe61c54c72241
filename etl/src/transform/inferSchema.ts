/**
 * # How column types are inferred
 *
 * Types come from a sample: the first 1,000 well-formed data rows of the file (rows that are malformed — wrong
 * number of fields, broken quotes, invalid JSON, a JSON line that is not an object — are skipped, not counted),
 * looked for among the first 10,000 records and 16 Mi characters at most, so a file of mostly malformed rows is not
 * held in memory while the search goes on (sampleSearch.ts). The rule is deterministic: the same file always gets the
 * same schema.
 *
 * CSV / TSV / TXT — every value is text; the header row names the columns:
 * - An empty field is null. Values are not trimmed (" 42" is text, not a number).
 * - int64: every non-null sample value is an integer: optional sign, digits without leading zeros ("0" is fine),
 *   within -2^63 … 2^63-1. So identifiers such as zip code "02134" stay text.
 * - double: every non-null sample value is a decimal number: an integer as above, optionally with a fraction and/or
 *   exponent ("3.14", "-0.5", "1e-3", "2.5E+10"); no thousands separators, no NaN or Infinity.
 * - boolean: every non-null sample value is true or false, in any letter case.
 * - timestamp: every non-null sample value is an ISO-8601 date ("2024-05-01") or date-time ("2024-05-01T12:30",
 *   "2024-05-01T12:30:45.123Z", "2024-05-01 12:30:45+02:00"). A date-time without offset is taken as UTC.
 * - string: anything else, and every column that is null throughout the sample.
 * The first of int64, double, boolean, timestamp, string that fits wins.
 *
 * JSON Lines — each line is a JSON object; the columns are the union of the sample's keys, in first-seen order;
 * a missing key or a JSON null is null:
 * - int64: every non-null sample value is a number with a whole value within ±(2^53-1) (JSON.parse cannot tell
 *   1.0 from 1).
 * - double: every non-null sample value is a number, not all of them int64.
 * - boolean: every non-null sample value is true or false.
 * - timestamp: every non-null sample value is a string in the ISO-8601 form above.
 * - string: every non-null sample value is a string, not all ISO-8601; or the values mix JSON types; or a value is
 *   an object or array. Non-string values are stored as their JSON text.
 *
 * Timestamps are stored as Parquet TIMESTAMP(MILLIS, UTC); digits beyond milliseconds are truncated.
 *
 * After the sample, types are fixed. A value that does not fit its column is never converted (no "1.5" into an
 * int64, no "abc" into a double, no JSON "5" into an int64): its row goes to the rejected output, with its source
 * line and the column named in the reason. So does a JSON line with a key that is not a column.
 */
import { DataError } from '../errors';
import { INVALID, parseBooleanText, parseDoubleText, parseInt64Text, parseTimestampText } from './coerceValue';
import type { Column, ColumnType } from './types';

export const SAMPLE_ROWS = 1000;

/** Header names as column names: each must be non-blank and unique, else the file is a DataError BAD_HEADER. */
export function checkHeader(header: readonly string[], line: number): string[] {
  const problems: string[] = [];
  const blank = header.flatMap((name, index) => (name.trim() === '' ? [index + 1] : []));
  if (blank.length > 0) problems.push(`column(s) ${blank.join(', ')} have no name`);
  const positions = new Map<string, number[]>();
  header.forEach((name, index) => {
    if (name.trim() !== '') positions.set(name, [...(positions.get(name) ?? []), index + 1]);
  });
  for (const [name, at] of positions) {
    if (at.length > 1) problems.push(`"${name}" names columns ${at.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new DataError(
      'BAD_HEADER',
      `The header row (line ${line}) is not usable: ${problems.join('; ')}. Give every column a unique, non-empty name.`,
    );
  }
  return [...header];
}

/** Delimited text: the column types by the rule above, from sample rows that have one field per column. */
export function inferTextColumns(names: readonly string[], sample: readonly (readonly string[])[]): Column[] {
  return names.map((name, index) => ({ name, type: textType(sample, index) }));
}

function textType(rows: readonly (readonly string[])[], index: number): ColumnType {
  let int64 = true;
  let double = true;
  let boolean = true;
  let timestamp = true;
  let seen = false;
  for (const row of rows) {
    const text = row[index] ?? '';
    if (text === '') continue;
    seen = true;
    int64 &&= parseInt64Text(text) !== INVALID;
    double &&= parseDoubleText(text) !== INVALID;
    boolean &&= parseBooleanText(text) !== INVALID;
    timestamp &&= parseTimestampText(text) !== INVALID;
    if (!double && !boolean && !timestamp) return 'string';
  }
  if (!seen) return 'string';
  if (int64) return 'int64';
  if (double) return 'double';
  if (boolean) return 'boolean';
  return timestamp ? 'timestamp' : 'string';
}

/** JSON kinds seen in a column, as bits so a column's mix is one number. */
const KIND = { int: 1, fraction: 2, boolean: 4, isoText: 8, text: 16, nested: 32 } as const;

/** JSON Lines: the union of the sample objects' keys in first-seen order, typed by the rule above. */
export function inferJsonColumns(sample: readonly unknown[]): Column[] {
  const kinds = new Map<string, number>();
  for (const record of sample) {
    if (!isJsonObject(record)) continue;
    for (const [key, value] of Object.entries(record)) kinds.set(key, (kinds.get(key) ?? 0) | jsonKind(value));
  }
  return [...kinds].map(([name, mask]) => ({ name, type: jsonType(mask) }));
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) ? KIND.int : KIND.fraction;
    case 'boolean':
      return KIND.boolean;
    case 'string':
      return parseTimestampText(value) === INVALID ? KIND.text : KIND.isoText;
    default:
      return value === null ? 0 : KIND.nested;
  }
}

function jsonType(mask: number): ColumnType {
  if (mask === KIND.int) return 'int64';
  if ((mask & ~(KIND.int | KIND.fraction)) === 0 && mask !== 0) return 'double';
  if (mask === KIND.boolean) return 'boolean';
  if (mask === KIND.isoText) return 'timestamp';
  return 'string';
}
