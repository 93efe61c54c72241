/**
 * One measurement of `npm run bench:etl`, run in a fresh node process (etlBenchmark.ts bundles this file with esbuild
 * first, so neither tsx nor another measurement's heap is in the numbers):
 *
 *   node measureWorker.js <mode> <file>     mode: transform | parse | read
 *
 * Prints one JSON line (WorkerResult). Exits non-zero when the measured code throws.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { ParquetWriter } from 'hyparquet-writer';
import Papa from 'papaparse';
import { checkDeadline } from '../src/deadline';
import { sniffDialect } from '../src/transform/readCsvRows';
import { transform } from '../src/transform/transform';

export type WorkerMode = 'transform' | 'parse' | 'read';

export interface WorkerResult {
  readonly mode: WorkerMode;
  /** Bytes read from the file as stored (compressed size for .gz). */
  readonly storedBytes: number;
  readonly ms: number;
  /** Data rows (transform and parse; 0 for read). */
  readonly rows: number;
  readonly parquetBytes: number;
  /** process.resourceUsage().maxRSS at the end, in bytes. */
  readonly maxRssBytes: number;
  /** Time inside hyparquet-writer's ParquetWriter (row-group encoding with its GZIP pages, the footer); 0 unless transform. */
  readonly parquetWriterMs: number;
}

/** What a runner measures; main() adds the mode, the time and the process-wide numbers. */
type Measured = Omit<WorkerResult, 'mode' | 'ms' | 'maxRssBytes' | 'parquetWriterMs'>;

/** Same batch size as readCsvRows.ts (BATCH_CHARS). */
const BATCH_CHARS = 64 * 1024;

/** Counts and drops what it is given, as fast as possible: the benchmark is about the transform, not about S3. */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

/**
 * Sums the time spent in ParquetWriter's write() and finish() from here on. Both do all their work before returning
 * (write() encodes and compresses the row group synchronously; a promise it returns is only the stream hand-off), so
 * their durations are hyparquet-writer's whole share of a transform, measured in the same run at no noticeable cost
 * (a few calls per row group). GC pauses that fall inside those calls count too, which makes the bound a little low.
 */
function timeParquetWriter(): { ms: number } {
  const spent = { ms: 0 };
  const prototype = ParquetWriter.prototype as unknown as Record<'write' | 'finish', (...args: unknown[]) => unknown>;
  for (const method of ['write', 'finish'] as const) {
    const original = prototype[method];
    prototype[method] = function (this: ParquetWriter, ...args: unknown[]): unknown {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        spent.ms += performance.now() - started;
      }
    };
  }
  return spent;
}

/** The Lambda path: processObject's transform() call with a file stream in place of the S3 GetObject body. */
async function runTransform(file: string): Promise<Measured> {
  const parquet = new CountingSink();
  const deadline = Date.now() + 15 * 60 * 1000;
  const result = await transform({
    key: `input/bench/${file.slice(file.lastIndexOf('/') + 1)}`,
    body: createReadStream(file),
    parquet,
    openRejected: () => new CountingSink(),
    metadata: {
      etl_version: 'bench',
      source_bucket: 'bench',
      source_key: file,
      source_version_id: 'bench',
      job_id: 'bench',
    },
    maxRejectedShare: 0.05,
    // what processObject passes: the deadline check against a 15-minute invocation
    checkpoint: () => checkDeadline(() => deadline - Date.now(), 20_000),
  });
  return { storedBytes: result.bytesIn, rows: result.recordsIn, parquetBytes: result.parquetBytes };
}

/**
 * papaparse alone, fed exactly as readCsvRows feeds it (core Parser, sniffed dialect, ≥64 KB of text per call, the
 * unfinished record carried over), with the rows dropped.
 */
async function runParse(file: string): Promise<Measured> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  let parser: Papa.Parser | undefined;
  let storedBytes = 0;
  let rows = 0;
  let carry = '';
  let parts: string[] = [];
  let chars = 0;
  const parse = (text: string, ignoreLastRow: boolean): void => {
    parser ??= new Papa.Parser(sniffDialect(text, ','));
    const result = parser.parse(text, 0, ignoreLastRow) as { data: string[][]; meta: { cursor: number } };
    // counted as readCsvRows counts them: blank lines are not records
    for (const fields of result.data) if (fields.length > 1 || fields[0] !== '') rows++;
    carry = ignoreLastRow ? text.slice(result.meta.cursor) : '';
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    parts.push(chunk);
    chars += chunk.length;
    if (chars < Math.max(BATCH_CHARS, carry.length)) continue;
    const text = carry + parts.join('');
    parts = [];
    chars = 0;
    parse(text, true);
  }
  parse(carry + parts.join(''), false);
  storedBytes = stream.bytesRead;
  // the header is a record too; transform counts data rows only
  return { storedBytes, rows: rows - 1, parquetBytes: 0 };
}

/** The floor: the file read to the end through a stream, chunks dropped. */
async function runRead(file: string): Promise<Measured> {
  let storedBytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) storedBytes += chunk.length;
  return { storedBytes, rows: 0, parquetBytes: 0 };
}

const RUNNERS: Record<WorkerMode, (file: string) => Promise<Measured>> = {
  transform: runTransform,
  parse: runParse,
  read: runRead,
};

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if (!file || !mode || !Object.hasOwn(RUNNERS, mode)) throw new Error(`usage: measureWorker <transform|parse|read> <file>`);
  const parquetWriter = timeParquetWriter();
  const started = process.hrtime.bigint();
  const measured = await RUNNERS[mode as WorkerMode](file);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result: WorkerResult = {
    mode: mode as WorkerMode,
    ...measured,
    ms,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    parquetWriterMs: parquetWriter.ms,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
