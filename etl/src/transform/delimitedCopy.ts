import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../errors';
import type { CopiedTable } from './copiedTable';
import { csvRejections } from './csvRejections';
import { checkHeader, readHeader } from './csvHeader';
import { duckDbMessage, runChecked, sqlString } from './duckDb';
import { copyToParquet, type ParquetTarget } from './parquetCopy';
import { converted, convertedOrError, NOT_PLAIN, rejectReason, strictColumns } from './strictConversion';
import type { Column } from './types';

/** Longest record DuckDB reads (its default is 2 MB); a longer one is rejected (LINE SIZE OVER MAXIMUM). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/**
 * DuckDB's read buffer: it must hold the longest record. Its default is 16 × max_line_size (256 MiB here, 1 GiB for
 * 64 MiB lines, which a 1 GB function's memory_limit refused); twice the longest record is enough.
 */
const BUFFER_BYTES = 2 * MAX_LINE_BYTES;
const REJECT_ERRORS = 'etl_reject_errors';
const REJECT_SCANS = 'etl_reject_scans';
/** The rows copyStrict left out, with their reasons. */
const STRICT_REJECTS = 'etl_strict_rejects';
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
 * it, a record longer than MAX_LINE_BYTES), see copyUnsniffable.
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
  const read = (extra: readonly string[], file = path): string => {
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
    return `read_csv(${sqlString(file)}, ${options.join(', ')})`;
  };
  const lastRejects = (): string => rejectErrors(attempt);
  let copied: Copied;
  try {
    const sniffed = await describe(connection, read([]));
    copied = await copyStrict(connection, { read: (asText) => read(asText.length > 0 ? [typesOption(asText)] : []), lastRejects }, sniffed, target);
  } catch (error) {
    if (!sniffFailed(error)) throw error;
    copied = await copyUnsniffable(connection, { path, names, read, lastRejects }, target);
  }
  const { recordsOut, rejects, strictRejects } = copied;
  const strictCount = strictRejects === undefined ? '0' : `(SELECT count(*) FROM ${strictRejects})`;
  const counted = await connection.runAndReadAll(`SELECT count(DISTINCT line) + ${strictCount} FROM ${rejects}`);
  return {
    format: delimiter === '\t' ? 'tsv' : 'csv',
    recordsOut,
    rejectedCount: Number(counted.getRows()[0]![0]),
    rejections: () => csvRejections(connection, path, rejects, strictRejects),
  };
}

function rejectErrors(attempt: number): string {
  return `${REJECT_ERRORS}_${attempt}`;
}

/** The columns of a read as DuckDB types them (its sniffer, unless the read names them). */
async function describe(connection: DuckDBConnection, read: string): Promise<Column[]> {
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${read}`);
  return described.getRowObjectsJson().map((row) => ({ name: String(row['column_name']), type: String(row['column_type']) }));
}

function typesOption(textColumns: readonly string[]): string {
  return `types={${textColumns.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ')}}`;
}

function columnsOption(columns: readonly Column[]): string {
  return `columns={${columns.map(({ name, type }) => `${sqlString(name)}: ${sqlString(type)}`).join(', ')}}`;
}

/**
 * Reads the file into the Parquet file with the columns DuckDB's reader would convert leniently read as text and
 * converted strictly (strictConversion.ts). A file whose values all have their column's form is read once; at the
 * first value that does not, the file is read again, the rows with such a value left out and kept, with their reasons,
 * in a table of their own (they get their lines from the file: DuckDB numbers no row it returns).
 */
async function copyStrict(connection: DuckDBConnection, reads: StrictReads, columns: readonly Column[], target: ParquetTarget): Promise<Copied> {
  const strict = strictColumns(columns);
  const read = (): string => reads.read(strict.map(({ name }) => name));
  if (strict.length === 0) return { recordsOut: await copyToParquet(connection, `SELECT * FROM ${read()}`, target), rejects: reads.lastRejects() };
  try {
    const recordsOut = await copyToParquet(connection, `SELECT * REPLACE (${convertedOrError(strict)}) FROM ${read()}`, target);
    return { recordsOut, rejects: reads.lastRejects() };
  } catch (error) {
    const message = duckDbMessage(error);
    if (!message.includes(NOT_PLAIN) && !message.startsWith(CONVERSION_FAILED)) throw error;
  }
  const reason = rejectReason(strict);
  const recordsOut = await copyToParquet(connection, `SELECT * REPLACE (${converted(strict)}) FROM ${read()} WHERE ${reason} IS NULL`, target);
  await runChecked(
    connection,
    // `whole` uses every column: DuckDB reads (and rejects) only the columns a query uses, and these row numbers must
    // count the rows the COPY read
    `CREATE OR REPLACE TEMP TABLE ${STRICT_REJECTS} AS SELECT row, reason FROM (SELECT row_number() OVER () AS row, ${reason} AS reason, ` +
      `hash(*COLUMNS(*)) AS whole FROM ${read()}) WHERE reason IS NOT NULL AND whole IS NOT NULL`,
    target.checkpoint,
  );
  return { recordsOut, rejects: reads.lastRejects(), strictRejects: STRICT_REJECTS };
}

/** How copyStrict reads the file: read_csv with the given columns as text, and where its last read stored its rejects. */
interface StrictReads {
  read(textColumns: readonly string[]): string;
  lastRejects(): string;
}

/**
 * Rows written to the Parquet file, the table where the read that wrote them stored its rejects, and the table of the
 * rows left out for a value not in its column's form (copyStrict), when there were such.
 */
interface Copied {
  readonly recordsOut: number;
  readonly rejects: string;
  readonly strictRejects?: string;
}

/** How the reads of one file are built, and where the last one stored its rejects. */
interface CsvReads {
  readonly path: string;
  /** The header's names, as checked. */
  readonly names: readonly string[];
  /** A read_csv call with the file's dialect, the given options and reject tables of its own. */
  read(extra: readonly string[], file?: string): string;
  lastRejects(): string;
}

/**
 * The sniffer could not read its sample (a quote not closed, or an overlong record, in the first rows). The file is
 * read with every column as text, which finds the broken records; then the types are sniffed from the rows before
 * the first of them and the file is read again with those types. With no row before it, every column stays text.
 */
async function copyUnsniffable(connection: DuckDBConnection, source: CsvReads, target: ParquetTarget): Promise<Copied> {
  const { path, names, read } = source;
  const asText = names.map((name) => ({ name, type: 'VARCHAR' }));
  const text = {
    recordsOut: await copyToParquet(connection, `SELECT * FROM ${read(['auto_detect=false', columnsOption(asText)])}`, target),
    rejects: source.lastRejects(),
  };
  const firstBroken = await connection.runAndReadAll(`SELECT min(line_byte_position) - 1 FROM ${text.rejects}`);
  const brokenAt = firstBroken.getRows()[0]![0];
  if (typeof brokenAt !== 'bigint' || brokenAt <= 0n) return text;
  const prefix = `${path}.before-broken`;
  await pipeline(createReadStream(path, { end: Number(brokenAt) - 1 }), createWriteStream(prefix));
  let sniffed: Column[];
  try {
    sniffed = await describe(connection, read([], prefix));
  } catch (error) {
    if (!sniffFailed(error)) throw error;
    return text;
  } finally {
    await rm(prefix, { force: true });
  }
  if (sniffed.length !== names.length || sniffed.every(({ type }) => type === 'VARCHAR')) return text;
  const typed = (textColumns: readonly string[]): Column[] =>
    sniffed.map((column, index) => ({ name: names[index]!, type: textColumns.includes(column.name) ? 'VARCHAR' : column.type }));
  return copyStrict(connection, { read: (textColumns) => read(['auto_detect=false', columnsOption(typed(textColumns))]), lastRejects: source.lastRejects }, sniffed, target);
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
