import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../errors';
import { writeChunk } from './backpressure';
import type { CopiedTable, Rejection } from './copiedTable';
import { duckDbMessage, sqlString } from './duckDb';
import { copyToParquet, type ParquetTarget } from './parquetCopy';

/** Largest JSON line DuckDB reads (its default, 16 MiB: the same bound as a CSV record). */
const MAX_JSON_LINE_BYTES = 16 * 1024 * 1024;
/** DuckDB's words for a file that is not all JSON objects. */
const NOT_ALL_OBJECTS = /Malformed JSON|expected records|JSON transform error/;

/**
 * JSON Lines through DuckDB's read_json: one object per line, the columns the union of all keys, typed from every line
 * (sample_size=-1: a key or a type seen late still shapes its column, so no value is rejected for its type); nested
 * objects and arrays become STRUCT and LIST columns, mixed types JSON. read_json has no reject table: when a line is not
 * a JSON object, the lines are checked one by one here, the bad ones rejected with their line, and DuckDB reads the rest.
 */
export async function copyJsonLines(connection: DuckDBConnection, path: string, cleanPath: string, target: ParquetTarget): Promise<CopiedTable> {
  const select = (file: string): string =>
    `SELECT * FROM read_json(${sqlString(file)}, format='newline_delimited', records='true', sample_size=-1, maximum_object_size=${MAX_JSON_LINE_BYTES})`;
  try {
    const recordsOut = await copyToParquet(connection, select(path), target);
    return { format: 'jsonl', recordsOut, rejectedCount: 0, rejections: async () => [] };
  } catch (error) {
    if (!NOT_ALL_OBJECTS.test(duckDbMessage(error))) throw error;
  }
  const { rejected, keyed } = await keepObjectLines(path, cleanPath, target.checkpoint);
  if (!keyed) {
    throw new DataError('EMPTY_FILE', 'No columns found: no line of the file is a JSON object with any key. Upload JSON Lines with one object per line.');
  }
  const recordsOut = await copyToParquet(connection, select(cleanPath), target);
  return { format: 'jsonl', recordsOut, rejectedCount: rejected.length, rejections: async () => rejected };
}

/** Copies the lines that are JSON objects to `cleanPath`; the others are rejections. Blank lines are skipped, yet counted. */
async function keepObjectLines(path: string, cleanPath: string, checkpoint?: () => void): Promise<{ rejected: Rejection[]; keyed: boolean }> {
  const rejected: Rejection[] = [];
  let keyed = false;
  const clean = createWriteStream(cleanPath);
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line++;
    const raw = line === 1 ? text.replace(/^\ufeff/, '') : text;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      rejected.push({ line, reason: `not valid JSON (${(error as Error).message})`, raw });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rejected.push({ line, reason: `the line is ${describeJson(value)}, not a JSON object`, raw });
      continue;
    }
    keyed ||= Object.keys(value).length > 0;
    const drained = writeChunk(clean, `${raw}\n`);
    if (drained) await drained;
    if (line % 10_000 === 0) checkpoint?.();
  }
  clean.end();
  await finished(clean);
  return { rejected, keyed };
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
