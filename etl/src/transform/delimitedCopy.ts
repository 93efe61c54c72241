import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../errors';
import type { CopiedTable, Rejection } from './copiedTable';
import { checkHeader, readHeader } from './csvHeader';
import { duckDbMessage, sqlIdentifier, sqlString } from './duckDb';
import { copyToParquet, type ParquetTarget } from './parquetCopy';
import { lineBreaks, linesAtOffsets } from './sourceLines';

/** Longest record DuckDB reads (its default is 2 MB); a longer one is rejected (LINE SIZE OVER MAXIMUM). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/**
 * DuckDB's read buffer: it must hold the longest record. Its default is 16 × max_line_size (256 MiB here, 1 GiB for
 * 64 MiB lines, which a 1 GB function's memory_limit refused); twice the longest record is enough.
 */
const BUFFER_BYTES = 2 * MAX_LINE_BYTES;
const REJECT_ERRORS = 'etl_reject_errors';
const REJECT_SCANS = 'etl_reject_scans';
/** How DuckDB's messages for a failed cast begin. */
const CONVERSION_FAILED = 'Conversion Error';
/**
 * DuckDB's words when its sniffer could not read the sample: a quote that is not closed in the first rows, or a record
 * longer than max_line_size among them.
 */
const SNIFF_FAILED = /Error when sniffing file|Maximum line size of \d+ bytes exceeded/;

/**
 * CSV, TSV and TXT through DuckDB's read_csv in one pass straight into the Parquet file: RFC 4180 quoting with the
 * delimiter we know from the extension (`undefined`: sniffed by DuckDB, for .txt), the first non-blank line the header, column
 * types sniffed by DuckDB from the first 20,480 rows. Records that do not fit (wrong number of fields, a value that
 * does not convert to its column's type, a quote not closed) are stored by DuckDB (store_rejects) and come back here as
 * rejected records with their physical line. When the sniffer cannot read the sample at all (a quote not closed within
 * it, a record longer than MAX_LINE_BYTES), the file is read with every column as text and the broken record rejected.
 */
export async function copyDelimited(
  connection: DuckDBConnection,
  path: string,
  knownDelimiter: string | undefined,
  target: ParquetTarget,
): Promise<CopiedTable> {
  const delimiter = knownDelimiter ?? (await sniffDelimiter(connection, path));
  const names = checkHeader(await readHeader(path, delimiter));
  let attempt = 0;
  // each attempt stores its rejects in tables of its own, so a retried read does not count a record twice
  const read = (extra: readonly string[]): string => {
    attempt++;
    const options = [
      `delim=${sqlString(delimiter)}`,
      `quote='"'`,
      `escape='"'`,
      'header=true',
      `max_line_size=${MAX_LINE_BYTES}`,
      `buffer_size=${BUFFER_BYTES}`,
      'store_rejects=true',
      `rejects_table='${rejectErrors(attempt)}'`,
      `rejects_scan='${REJECT_SCANS}_${attempt}'`,
      ...extra,
    ];
    return `read_csv(${sqlString(path)}, ${options.join(', ')})`;
  };
  let recordsOut: number;
  try {
    const zoned = await zonedColumns(connection, read([]));
    recordsOut = await copyZoned(connection, read, zoned, target);
  } catch (error) {
    if (!sniffFailed(error)) throw error;
    const columns = names.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ');
    recordsOut = await copyToParquet(connection, `SELECT * FROM ${read(['auto_detect=false', `columns={${columns}}`])}`, target);
  }
  const rejects = rejectErrors(attempt);
  const counted = await connection.runAndReadAll(`SELECT count(DISTINCT line) FROM ${rejects}`);
  return {
    format: delimiter === '\t' ? 'tsv' : 'csv',
    recordsOut,
    rejectedCount: Number(counted.getRows()[0]![0]),
    rejections: () => rejections(connection, rejects, path),
  };
}

function rejectErrors(attempt: number): string {
  return `${REJECT_ERRORS}_${attempt}`;
}

/** The columns DuckDB's sniffer types TIMESTAMP WITH TIME ZONE. */
async function zonedColumns(connection: DuckDBConnection, read: string): Promise<string[]> {
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${read}`);
  return described.getRowObjectsJson().flatMap((row) => (row['column_type'] === 'TIMESTAMP WITH TIME ZONE' ? [String(row['column_name'])] : []));
}

/**
 * DuckDB's CSV reader turns a value that is no date-time into NULL in a TIMESTAMP WITH TIME ZONE column, without a
 * reject (it casts those after reading, leniently). So those columns are read as text and cast strictly here; if a
 * value after the sample does not convert, the file is read again with those columns as text: nothing is lost.
 */
async function copyZoned(connection: DuckDBConnection, read: (extra: readonly string[]) => string, zoned: readonly string[], target: ParquetTarget): Promise<number> {
  if (zoned.length === 0) return copyToParquet(connection, `SELECT * FROM ${read([])}`, target);
  const asText = `types={${zoned.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ')}}`;
  const casts = zoned.map((name) => `CAST(${sqlIdentifier(name)} AS TIMESTAMPTZ) AS ${sqlIdentifier(name)}`).join(', ');
  try {
    return await copyToParquet(connection, `SELECT * REPLACE (${casts}) FROM ${read([asText])}`, target);
  } catch (error) {
    if (!duckDbMessage(error).startsWith(CONVERSION_FAILED)) throw error;
    return copyToParquet(connection, `SELECT * FROM ${read([asText])}`, target);
  }
}

/** DuckDB's sniffer on the first rows (.txt): the delimiter, with RFC 4180 quotes and a header row. */
async function sniffDelimiter(connection: DuckDBConnection, path: string): Promise<string> {
  try {
    const result = await connection.runAndReadAll(
      `SELECT Delimiter FROM sniff_csv(${sqlString(path)}, quote='"', escape='"', header=true, max_line_size=${MAX_LINE_BYTES}, buffer_size=${BUFFER_BYTES})`,
    );
    return String(result.getRows()[0]![0]);
  } catch (error) {
    if (!sniffFailed(error)) throw error;
    throw new DataError(
      'UNSUPPORTED_FORMAT',
      'DuckDB could not detect the delimiter of this .txt file (a quote that is not closed in its first rows, or no ' +
        'delimiter used consistently). Fix the quoting, or name the file .csv (comma) or .tsv (tab).',
    );
  }
}

function sniffFailed(error: unknown): boolean {
  return SNIFF_FAILED.test(duckDbMessage(error));
}

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
 * One rejection per record (a record may fail in several columns), in file order. DuckDB's csv_line starts with the
 * blank lines before the record; the physical line is counted from the record's byte offset.
 */
async function rejections(connection: DuckDBConnection, table: string, path: string): Promise<Rejection[]> {
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
