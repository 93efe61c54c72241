/**
 * One measurement of `npm run bench:etl`, run in a fresh node process (etlBenchmark.ts bundles this file with the
 * Lambda's own bundle() and puts it beside the unpacked zip's index.js, so DuckDB's binding is the zip's):
 *
 *   node measureWorker.js <mode> <file> <scratchDir>     mode: copy | transform | parse | init
 *
 * Prints one JSON line (WorkerResult). Exits non-zero when the measured code throws.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import Papa from 'papaparse';
import { readConfig } from '../src/config';
import { checkDeadline } from '../src/deadline';
import { transform } from '../src/transform/transform';

export type WorkerMode = 'copy' | 'transform' | 'parse' | 'init';

export interface WorkerResult {
  readonly mode: WorkerMode;
  /** Wall time of the measured work. */
  readonly ms: number;
  /** CPU time of the measured work: user + system of the whole process, every thread (DuckDB's included). */
  readonly cpuMs: number;
  /** Data rows (copy, transform, parse); 0 for init. */
  readonly rows: number;
  readonly parquetBytes: number;
  /** process.resourceUsage().maxRSS at the end, in bytes. */
  readonly maxRssBytes: number;
  /** init only: require() of the Lambda's index.js, and DuckDB's instance + connection after it. */
  readonly loadMs?: number;
  readonly instanceMs?: number;
}

/** What a runner measures; main() adds the mode, the times and the process-wide numbers. */
type Measured = Pick<WorkerResult, 'rows' | 'parquetBytes'> & Partial<Pick<WorkerResult, 'loadMs' | 'instanceMs'>>;

/**
 * The settings the Lambda runs with at its default 1,769 MB, read as processObject reads them: DuckDB's memory_limit a
 * share of AWS_LAMBDA_FUNCTION_MEMORY_SIZE, its threads the function's vCPUs (one, whatever this machine has).
 */
const LAMBDA_MEMORY_MB = '1769';

function lambdaConfig(scratchDir: string): ReturnType<typeof readConfig> {
  return readConfig({ JOB_TABLE_NAME: 'bench', RAW_BUCKET_NAME: 'bench', ETL_VERSION: 'bench', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: LAMBDA_MEMORY_MB, SCRATCH_DIR: scratchDir });
}

/** Counts and drops what it is given: the benchmark is about the transform, not about S3. */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

/** The offline instance the transform opens (no extension installed or loaded at run time), with the Lambda's limits. */
async function lambdaInstance(scratchDir: string): Promise<DuckDBInstance> {
  const config = lambdaConfig(scratchDir);
  return DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: String(config.duckDbThreads),
    memory_limit: `${config.duckDbMemoryMb}MiB`,
    temp_directory: path.join(scratchDir, 'duckdb-spill'),
  });
}

/** The peer: DuckDB alone, CSV (or its gzip) to ZSTD Parquet with its defaults; no checks, no rejects, no upload. */
async function runCopy(file: string, scratchDir: string): Promise<Measured> {
  const connection = await (await lambdaInstance(scratchDir)).connect();
  const output = path.join(scratchDir, 'copy.parquet');
  const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;
  const copied = await connection.runAndReadAll(`COPY (SELECT * FROM read_csv(${quoted(file)})) TO ${quoted(output)} (FORMAT parquet, COMPRESSION zstd)`);
  const rows = Number(copied.getRows()[0]?.[0] ?? 0);
  return { rows, parquetBytes: (await stat(output)).size };
}

/** The Lambda path: processObject's transform() call with a file stream in place of the S3 GetObject body. */
async function runTransform(file: string, scratchDir: string): Promise<Measured> {
  const config = lambdaConfig(scratchDir);
  const parquet = new CountingSink();
  const deadline = Date.now() + 15 * 60 * 1000;
  const result = await transform({
    key: `input/bench/${path.basename(file)}`,
    body: createReadStream(file),
    parquet,
    openRejected: () => new CountingSink(),
    metadata: { etl_version: 'bench', source_bucket: 'bench', source_key: file, source_version_id: 'bench', job_id: 'bench' },
    maxRejectedShare: config.maxRejectedShare,
    // what processObject passes: the deadline check against a 15-minute invocation
    checkpoint: () => checkDeadline(() => deadline - Date.now(), config.timeSafetyMarginMs),
    scratchDir: config.scratchDir,
    maxTextBytes: config.maxObjectBytes,
    ...(config.duckDbMemoryMb === undefined ? {} : { memoryLimitMb: config.duckDbMemoryMb }),
    threads: config.duckDbThreads,
  });
  if (result.recordsRejected > 0) throw new Error(`the bench file should have no rejects, got ${result.recordsRejected}`);
  return { rows: result.recordsOut, parquetBytes: parquet.bytes };
}

/** ETL 0.2.0's anchor: papaparse alone over the text (comma, header row), ≥ 64 KB per call as 0.2.0 fed it, rows dropped. */
async function runParse(file: string): Promise<Measured> {
  const parser = new Papa.Parser({ delimiter: ',', newline: '\n' });
  let rows = 0;
  let carry = '';
  const parse = (text: string, ignoreLastRow: boolean): void => {
    const result = parser.parse(text, 0, ignoreLastRow) as { data: string[][]; meta: { cursor: number } };
    for (const fields of result.data) if (fields.length > 1 || fields[0] !== '') rows++;
    carry = ignoreLastRow ? text.slice(result.meta.cursor) : '';
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 }) as AsyncIterable<string>) parse(carry + chunk, true);
  parse(carry, false);
  // the header is a record too
  return { rows: rows - 1, parquetBytes: 0 };
}

/**
 * Cold init: require() of the Lambda's index.js (the SDK, Powertools and DuckDB's binding: what Lambda's init phase
 * loads), then what the first job adds, DuckDB's instance and a connection.
 */
async function runInit(indexJs: string, scratchDir: string): Promise<Measured> {
  const started = performance.now();
  require(indexJs);
  const loaded = performance.now();
  const connection = await (await lambdaInstance(scratchDir)).connect();
  await connection.run('SELECT 1');
  return { rows: 0, parquetBytes: 0, loadMs: loaded - started, instanceMs: performance.now() - loaded };
}

const RUNNERS: Record<WorkerMode, (file: string, scratchDir: string) => Promise<Measured>> = {
  copy: runCopy,
  transform: runTransform,
  parse: runParse,
  init: runInit,
};

async function main(): Promise<void> {
  const [mode, file, scratchDir] = process.argv.slice(2);
  if (!mode || !file || !scratchDir || !Object.hasOwn(RUNNERS, mode)) throw new Error('usage: measureWorker <copy|transform|parse|init> <file> <scratchDir>');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const measured = await RUNNERS[mode as WorkerMode](file, scratchDir);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const result: WorkerResult = { mode: mode as WorkerMode, ...measured, ms, cpuMs: (user + system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
