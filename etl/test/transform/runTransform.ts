import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { PARQUET_DECOMPRESSORS } from '../support/parquet';
import { DataError } from '../../src/errors';
import { transform } from '../../src/transform/transform';
import type { Column, TransformResult } from '../../src/transform/types';

/** Committed hand-written source files: real bytes on disk (BOM, CRLF, quoting) that no editor or git may "fix". */
export const FIXTURES = join(__dirname, '..', 'fixtures');
export const ETL_VERSION = '0.0.0-test';

/** Every hand-written fixture, under the key extension that selects its format. */
export const FIXTURE_KEYS = [
  ['orders.csv', 'input/sales/orders.csv'],
  ['orders-crlf.csv', 'input/sales/orders-crlf.csv'],
  ['orders-bom.csv', 'input/sales/orders-bom.csv'],
  ['cities.tsv', 'input/geo/cities.tsv'],
  ['prices-semicolon.txt', 'input/shop/prices-semicolon.txt'],
  ['stock-pipe.txt', 'input/shop/stock-pipe.txt'],
  ['ragged.csv', 'input/misc/ragged.csv'],
  ['unterminated-quote.csv', 'input/misc/unterminated-quote.csv'],
  ['events.jsonl', 'input/app/events.jsonl'],
  ['events.ndjson', 'input/app/events.ndjson'],
  ['bad-lines.jsonl', 'input/app/bad-lines.jsonl'],
] as const;

/** DuckDB's reason for a record with the wrong number of fields. */
export function RAGGED(fields: number, columns: number): string {
  return `${fields > columns ? 'too many' : 'missing'} columns: Expected Number of Columns: ${columns} Found: ${fields}`;
}

export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
  readonly raw: string;
}

export interface TransformRun {
  readonly result: TransformResult;
  /** The Parquet file as written. */
  readonly parquet: Buffer;
  /** The Parquet file read back with hyparquet (an independent reader). */
  readonly rows: Record<string, unknown>[];
  /** Top-level column types as the Parquet schema declares them, mapped back to DuckDB's type names. */
  readonly parquetColumns: { name: string; type: string }[];
  readonly metadata: Record<string, string | undefined>;
  readonly rowGroupSizes: number[];
  /** Per row group, column name → min, max and null count of the chunk statistics, as hyparquet reads them. */
  readonly statistics: Record<string, { min: unknown; max: unknown; nulls: bigint | undefined }>[];
  /** Compression codecs of the column chunks, each once. */
  readonly codecs: (string | undefined)[];
  /** The rejected output, gunzipped and parsed line by line; empty when it was never opened. */
  readonly rejected: RejectedLine[];
  readonly rejectedOpened: boolean;
}

export interface RunOptions {
  /** Defaults to 1 (never fail for rejected rows), so tests that are not about the limit see every rejection. */
  readonly maxRejectedShare?: number;
}

/** DuckDB's memory_limit in the tests: what a 1 GB function gets (60%, config.ts), so a buffer too large shows here. */
const MEMORY_LIMIT_MB = 614;

export interface TransformFailure {
  readonly error: DataError;
  /** transform ends its outputs on success only; a caller must never see a finished Parquet file of a failed run. */
  readonly parquetEnded: boolean;
  readonly parquetBytesWritten: number;
  readonly rejectedEnded: boolean;
}

/** A real file on disk as the body, read in chunks of `highWaterMark` bytes (small values move chunk boundaries). */
export function fixtureStream(name: string, highWaterMark?: number): Readable {
  return createReadStream(join(FIXTURES, name), highWaterMark === undefined ? {} : { highWaterMark });
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** In-memory bytes as the body, in chunks like an S3 response body rather than one giant chunk. */
export function bytesStream(bytes: Buffer | string, chunkBytes = 64 * 1024): Readable {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  function* chunks(): Generator<Buffer> {
    for (let at = 0; at < buffer.length; at += chunkBytes) yield buffer.subarray(at, at + chunkBytes);
  }
  return Readable.from(chunks(), { objectMode: false });
}

class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  ended = false;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ended = true;
    callback();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Sinks {
  readonly parquet: Collector;
  rejected: Collector | undefined;
}

function start(key: string, body: Readable, options: RunOptions): { sinks: Sinks; running: Promise<TransformResult> } {
  const sinks: Sinks = { parquet: new Collector(), rejected: undefined };
  const running = transform({
    key,
    body,
    parquet: sinks.parquet,
    openRejected: () => {
      if (sinks.rejected) throw new Error('openRejected called twice');
      sinks.rejected = new Collector();
      return sinks.rejected;
    },
    metadata: { etl_version: ETL_VERSION, source_key: key },
    maxRejectedShare: options.maxRejectedShare ?? 1,
    memoryLimitMb: MEMORY_LIMIT_MB,
  });
  return { sinks, running };
}

/** Runs the real transform with in-memory outputs and reads both outputs back. */
export async function runTransform(key: string, body: Readable, options: RunOptions = {}): Promise<TransformRun> {
  const { sinks, running } = start(key, body, options);
  const result = await running;
  expect(sinks.parquet.ended).toBe(true);
  expect(sinks.rejected?.ended ?? true).toBe(true);

  const bytes = sinks.parquet.bytes();
  expect(result.parquetBytes).toBe(bytes.length);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const footer = parquetMetadata(file);
  const rows = await parquetReadObjects({ file, compressors: PARQUET_DECOMPRESSORS });
  const rejectedBytes = sinks.rejected?.bytes() ?? Buffer.alloc(0);
  expect(result.rejectedBytes).toBe(rejectedBytes.length);
  const rejected = sinks.rejected ? parseRejected(rejectedBytes) : [];
  // the counters must agree with what was actually written
  expect(result.recordsOut).toBe(rows.length);
  expect(result.recordsRejected).toBe(rejected.length);
  expect(result.recordsIn).toBe(result.recordsOut + result.recordsRejected);
  return {
    result,
    parquet: bytes,
    rows,
    parquetColumns: topLevel(footer.schema).map((element) => ({ name: element.name, type: columnType(element) })),
    metadata: Object.fromEntries((footer.key_value_metadata ?? []).map(({ key: name, value }) => [name, value])),
    rowGroupSizes: footer.row_groups.map((group) => Number(group.num_rows)),
    statistics: footer.row_groups.map((group) =>
      Object.fromEntries(
        group.columns.map(({ meta_data }) => [
          meta_data?.path_in_schema.join('.'),
          { min: meta_data?.statistics?.min_value, max: meta_data?.statistics?.max_value, nulls: meta_data?.statistics?.null_count },
        ]),
      ),
    ),
    codecs: [...new Set(footer.row_groups.flatMap((group) => group.columns.map((column) => column.meta_data?.codec)))],
    rejected,
    rejectedOpened: sinks.rejected !== undefined,
  };
}

/** Runs the transform expecting a DataError (any other outcome fails the test). */
export async function transformFailure(key: string, body: Readable, options: RunOptions = {}): Promise<TransformFailure> {
  const { sinks, running } = start(key, body, options);
  const error = await running.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(DataError);
  return {
    error: error as DataError,
    parquetEnded: sinks.parquet.ended,
    parquetBytesWritten: sinks.parquet.bytes().length,
    rejectedEnded: sinks.rejected?.ended ?? false,
  };
}

/**
 * The checks every clean success shares: declared columns (in the result and in the Parquet schema), the rows read back
 * row for row with their JS types (bigint, number, boolean, Date, string, null), nothing rejected, the metadata.
 */
export function expectClean(run: TransformRun, key: string, columns: readonly Column[], rows: readonly Record<string, unknown>[]): void {
  expect(run.result.columns).toEqual(columns);
  expect(run.parquetColumns).toEqual(columns);
  expect(run.rows).toEqual(rows);
  expect(run.result).toMatchObject({ recordsIn: rows.length, recordsOut: rows.length, recordsRejected: 0, rejectedBytes: 0 });
  expect(run.rejectedOpened).toBe(false);
  expect(run.metadata).toMatchObject({ etl_version: ETL_VERSION, source_key: key });
}

/**
 * Row-for-row comparison for large outputs (jest's toEqual takes seconds on 100k rows): same keys, same JS type, same
 * value (Dates by time); the first difference is reported through toEqual so the message shows both rows.
 */
export function expectRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[]): void {
  const index = actual.findIndex((row, at) => !sameRow(row, expected[at]));
  if (index !== -1) expect({ index, row: actual[index] }).toEqual({ index, row: expected[index] });
  expect(actual.length).toBe(expected.length);
}

/**
 * The globals sameRow needs, looked up once: in jest's sandbox each lookup of a global goes through the vm context, which
 * made the lookups ten times the cost of the comparison itself (0.9 s → 0.08 s for 250k rows).
 */
const { is: sameValue, keys: keysOf } = Object;
const DateType = Date;

function sameRow(actual: Record<string, unknown>, expected: Record<string, unknown> | undefined): boolean {
  if (!expected) return false;
  const keys = keysOf(expected);
  if (keysOf(actual).length !== keys.length) return false;
  return keys.every((key) => {
    const [a, b] = [actual[key], expected[key]];
    if (a instanceof DateType || b instanceof DateType) return a instanceof DateType && b instanceof DateType && a.getTime() === b.getTime();
    return typeof a === typeof b && sameValue(a, b);
  });
}

/** The root's children, skipping the elements nested under them (schema is a depth-first list). */
function topLevel(schema: ReturnType<typeof parquetMetadata>['schema']): ReturnType<typeof parquetMetadata>['schema'] {
  const columns: ReturnType<typeof parquetMetadata>['schema'] = [];
  let at = 1;
  const skip = (index: number): number => {
    let next = index + 1;
    for (let child = 0; child < (schema[index]!.num_children ?? 0); child++) next = skip(next);
    return next;
  };
  while (at < schema.length) {
    columns.push(schema[at]!);
    at = skip(at);
  }
  return columns;
}

function parseRejected(gzipped: Buffer): RejectedLine[] {
  const text = gunzipSync(gzipped).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as RejectedLine);
}

function columnType(element: ReturnType<typeof parquetMetadata>['schema'][number]): string {
  const logical = element.logical_type;
  if (logical?.type === 'TIMESTAMP') return logical.isAdjustedToUTC ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  if (logical?.type === 'STRING' || element.converted_type === 'UTF8') return 'VARCHAR';
  if (logical?.type === 'JSON' || element.converted_type === 'JSON') return 'JSON';
  if (logical?.type === 'DATE' || element.converted_type === 'DATE') return 'DATE';
  if (element.num_children) return 'nested';
  switch (element.type) {
    case 'INT64':
      return 'BIGINT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'BOOLEAN':
      return 'BOOLEAN';
    default:
      return `unexpected ${element.type}`;
  }
}

/** Bytes that contain every byte value (NUL included) in a fixed pseudo-random order: "binary garbage", reproducibly. */
export function garbage(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let at = 0; at < length; at++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    bytes[at] = state >>> 24;
  }
  return bytes;
}
