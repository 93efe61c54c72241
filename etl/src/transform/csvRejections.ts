import type { DuckDBConnection } from '@duckdb/node-api';
import type { Rejection } from './copiedTable';
import { csvRecordsAt } from './csvRecords';
import { lineBreaks, linesAtOffsets } from './sourceLines';

interface RejectRow {
  /** DuckDB's record number: rows of one record share it. */
  readonly record: bigint;
  /** 1-based offset of the record's first byte, blank lines before it included. */
  readonly offset: bigint;
  readonly type: string;
  readonly message: string;
  readonly text: string;
}

/**
 * One rejection per record, in file order: the records DuckDB's reader rejected (`table`, its store_rejects table) and
 * the rows the ETL left out for a value not in its column's form (`strictTable`: row number and reason).
 */
export async function csvRejections(connection: DuckDBConnection, path: string, table: string, strictTable?: string): Promise<Rejection[]> {
  const read = await readerRejections(connection, table, path);
  if (strictTable === undefined) return read;
  const rows = await connection.runAndReadAll(`SELECT row, reason FROM ${strictTable} ORDER BY row`);
  const reasons = rows.getRows().map(([, reason]) => String(reason));
  const starts = await connection.runAndReadAll(
    `SELECT DISTINCT line_byte_position - 1 + length(csv_line) - length(ltrim(csv_line, chr(13) || chr(10))) FROM ${table}`,
  );
  const records = await csvRecordsAt(
    path,
    rows.getRows().map(([row]) => Number(row)),
    new Set(starts.getRows().map(([start]) => Number(start))),
  );
  const strict = records.map(({ line, raw }, index) => ({ line, reason: reasons[index]!, raw }));
  return [...read, ...strict].sort((a, b) => a.line - b.line);
}

/**
 * One rejection per record DuckDB's reader rejected (a record may fail in several columns). DuckDB's csv_line starts
 * with the blank lines before the record; the physical line is counted from the record's byte offset.
 */
async function readerRejections(connection: DuckDBConnection, table: string, path: string): Promise<Rejection[]> {
  const result = await connection.runAndReadAll(
    `SELECT line, line_byte_position, error_type, error_message, csv_line FROM ${table} ORDER BY line, column_idx`,
  );
  const records = new Map<bigint, RejectRow[]>();
  for (const [record, offset, type, message, text] of result.getRows()) {
    const row = { record: record as bigint, offset: offset as bigint, type: String(type), message: String(message), text: String(text ?? '') };
    records.set(row.record, [...(records.get(row.record) ?? []), row]);
  }
  const grouped = [...records.values()];
  const starts = await linesAtOffsets(
    path,
    grouped.map((rows) => Number(rows[0]!.offset) - 1),
  );
  return grouped.map((rows, index) => {
    const first = rows[0]!;
    const blank = /^[\r\n]*/.exec(first.text)![0];
    const raw = first.text.slice(blank.length);
    const line = starts[index]! + lineBreaks(blank);
    return { line, reason: rows.map((row) => reason(row, line, raw)).join('; '), raw };
  });
}

function reason(row: RejectRow, line: number, raw: string): string {
  const text = `${row.type.toLowerCase()}: ${row.message}`;
  if (row.type !== 'UNQUOTED VALUE') return text;
  const advice = `${text} (a quoted field must be closed by a quote right before the delimiter or the line break, and quotes inside it must be doubled)`;
  // a quote left open swallows the lines up to the next quote: say which lines went into this one record
  const last = line + lineBreaks(raw.replace(/\r?\n$/, ''));
  return last > line ? `${advice}; lines ${line}–${last} were read as this one record` : advice;
}
