/**
 * `npm run bench:etl`: throughput, memory and bundle measures of the ETL Lambda, all from one run.
 *
 * - Throughput on a ~120 MB synthetic CSV (syntheticCsv.ts) and its gzip: transform() exactly as processObject calls
 *   it (a file stream instead of the S3 body, a counting sink instead of the multipart upload), papaparse alone fed as
 *   readCsvRows feeds it, and a plain stream read. Target: transform ≥ 0.4× parse-only. The time the transform spends
 *   inside hyparquet-writer is measured too, and the bound it puts on that ratio printed.
 * - Peak RSS (maxRSS) of a transform of 100 MB and of 1 GB. Target: RSS(1 GB) ≤ 1.25× RSS(100 MB).
 * - The Lambda zip's size (target ≤ 300 KB) and the time to require() its index.js next to the same entry compiled
 *   with its packages left in node_modules (target ≤ 0.5×), median of fresh processes.
 *
 * Every measure runs in a fresh node process on code bundled by esbuild (measureWorker.ts through the Lambda's own
 * bundle()), so neither tsx nor an earlier measure's heap or JIT state is in the numbers. Generated files go to the
 * OS temp dir and are deleted at the end. Missed targets print MISS but do not fail the run; errors do.
 *
 * Knobs (env): BENCH_ETL_MB (throughput input, default 120), BENCH_ETL_RSS_MB (default "100,1000"),
 * BENCH_ETL_LOAD_RUNS (default 9).
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import { buildEtl } from '../scripts/build';
import { bundle } from '../scripts/bundle';
import { cleanUpOnInterrupt, median, printTable } from './benchReport';
import type { WorkerMode, WorkerResult } from './measureWorker';
import { HEADER, writeSyntheticCsv } from './syntheticCsv';

const run = promisify(execFile);

const ETL_ROOT = path.resolve(__dirname, '..');
const REPO_NODE_MODULES = path.resolve(ETL_ROOT, '..', 'node_modules');
/** Decimal units throughout: MB = 10^6 bytes, KB = 10^3 bytes (as the build prints the zip in bytes). */
const MB = 1e6;
const KB = 1e3;

const THROUGHPUT_BYTES = Number(process.env.BENCH_ETL_MB ?? 120) * MB;
const [RSS_SMALL_BYTES, RSS_LARGE_BYTES] = (process.env.BENCH_ETL_RSS_MB ?? '100,1000').split(',').map((mb) => Number(mb) * MB) as [number, number];
const LOAD_RUNS = Number(process.env.BENCH_ETL_LOAD_RUNS ?? 9);
/** Runs of the quick measures (read, parse-only); the median counts. Transforms run once: ~10 s each is stable. */
const QUICK_RUNS = 3;

const TARGETS = {
  transformVsParse: 0.4,
  rssGrowth: 1.25,
  zipBytes: 300 * KB,
  loadRatio: 0.5,
};

// Plain CommonJS: times require() of one file in a fresh process, nothing else.
const LOADER = `
const file = process.argv[1];
const started = process.hrtime.bigint();
require(file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ ms }) + '\\n');
`;

const log = (message: string): void => {
  process.stderr.write(`[bench:etl] ${message}\n`);
};

async function runNode(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`node ${args.slice(0, 3).join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

async function measure(worker: string, mode: WorkerMode, file: string): Promise<WorkerResult> {
  const stdout = await runNode([worker, mode, file]);
  const line = stdout.trim().split('\n').pop();
  if (!line) throw new Error(`measureWorker ${mode} printed nothing`);
  return JSON.parse(line) as WorkerResult;
}

async function measureMedian(worker: string, mode: WorkerMode, file: string, runs: number): Promise<WorkerResult> {
  const results: WorkerResult[] = [];
  for (let index = 0; index < runs; index++) results.push(await measure(worker, mode, file));
  const ms = median(results.map((result) => result.ms));
  return { ...results[0]!, ms };
}

async function generateCsv(file: string, bytes: number): Promise<{ bytes: number; rows: number; ms: number }> {
  const started = Date.now();
  const rows = writeSyntheticCsv(file, bytes);
  return { bytes: (await stat(file)).size, rows, ms: Date.now() - started };
}

async function gzipFile(source: string, target: string): Promise<number> {
  await pipeline(createReadStream(source), createGzip(), createWriteStream(target));
  return (await stat(target)).size;
}

/** The worker through the Lambda's bundle(): same esbuild settings and dependency resolution as the zip's code. */
async function bundleWorker(workDir: string): Promise<string> {
  const file = path.join(workDir, 'measureWorker.js');
  await writeFile(file, (await bundle(path.relative(ETL_ROOT, path.join(__dirname, 'measureWorker.ts')), ETL_ROOT)).code);
  return file;
}

interface LoadSetup {
  readonly zipFile: string;
  readonly zipBytes: number;
  readonly bundled: string;
  readonly unbundled: string;
}

/**
 * The Lambda zip (buildEtl, as `npm run build:etl`, into the temp dir) with its index.js unpacked next to no
 * node_modules, and src/index.ts compiled with every package left external, next to a node_modules link to the
 * checkout's: what a zip of index.js + node_modules would load.
 */
async function prepareLoad(workDir: string): Promise<LoadSetup> {
  const zipDir = path.join(workDir, 'zip');
  const manifest = await buildEtl({ outDir: zipDir });
  const code = unzipSync(await readFile(path.join(zipDir, manifest.file)))['index.js'];
  if (!code) throw new Error(`index.js missing from ${manifest.file}`);
  const bundled = path.join(workDir, 'bundled', 'index.js');
  await mkdir(path.dirname(bundled));
  await writeFile(bundled, code);

  const unbundled = path.join(workDir, 'unbundled', 'index.js');
  await mkdir(path.dirname(unbundled));
  await build({
    absWorkingDir: ETL_ROOT,
    entryPoints: ['src/index.ts'],
    outfile: unbundled,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await symlink(REPO_NODE_MODULES, path.join(path.dirname(unbundled), 'node_modules'), 'dir');
  return { zipFile: manifest.file, zipBytes: manifest.bytes, bundled, unbundled };
}

async function timeLoads(setup: LoadSetup): Promise<{ bundled: number[]; unbundled: number[] }> {
  const times = { bundled: [] as number[], unbundled: [] as number[] };
  const loadOnce = async (file: string): Promise<number> => (JSON.parse(await runNode(['-e', LOADER, file])) as { ms: number }).ms;
  // one unrecorded load each first: the files (and node_modules) into the page cache
  await loadOnce(setup.bundled);
  await loadOnce(setup.unbundled);
  for (let index = 0; index < LOAD_RUNS; index++) {
    // alternating, so both see the same machine state
    times.bundled.push(await loadOnce(setup.bundled));
    times.unbundled.push(await loadOnce(setup.unbundled));
  }
  return times;
}

// ---- report ----

const mbps = (bytes: number, ms: number): number => bytes / MB / (ms / 1000);
const fixed = (value: number, digits: number): string => value.toFixed(digits);
const mb = (bytes: number): string => `${fixed(bytes / MB, 1)} MB`;

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  const workDir = await mkdtemp(path.join(tmpdir(), 'etl-bench-'));
  // an interrupted run would otherwise leave up to a gigabyte of CSV behind
  cleanUpOnInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  try {
    log(`work dir ${workDir}`);
    log('bundling the worker and building the Lambda zip');
    const worker = await bundleWorker(workDir);
    const load = await prepareLoad(workDir);

    log(`timing require() of the bundle and of the unbundled entry, ${LOAD_RUNS} runs each`);
    const loads = await timeLoads(load);

    const csv = path.join(workDir, 'events.csv');
    const gz = `${csv}.gz`;
    log(`generating ${mb(THROUGHPUT_BYTES)} of CSV and its gzip`);
    const input = await generateCsv(csv, THROUGHPUT_BYTES);
    const gzBytes = await gzipFile(csv, gz);

    log('measuring raw read, parse-only, transform, transform of the gzip');
    const read = await measureMedian(worker, 'read', csv, QUICK_RUNS);
    const parse = await measureMedian(worker, 'parse', csv, QUICK_RUNS);
    const transformed = await measure(worker, 'transform', csv);
    const transformedGz = await measure(worker, 'transform', gz);
    for (const result of [parse, transformed, transformedGz]) {
      if (result.rows !== input.rows) throw new Error(`${result.mode} saw ${result.rows} rows, the generator wrote ${input.rows}`);
    }
    await rm(csv);
    await rm(gz);

    const rss: { bytes: number; result: WorkerResult }[] = [];
    for (const bytes of [RSS_SMALL_BYTES, RSS_LARGE_BYTES]) {
      const file = path.join(workDir, `rss-${bytes / MB}mb.csv`);
      log(`peak RSS: generating ${mb(bytes)} and transforming it in a fresh process`);
      const generated = await generateCsv(file, bytes);
      const result = await measure(worker, 'transform', file);
      if (result.rows !== generated.rows) throw new Error(`transform saw ${result.rows} rows, the generator wrote ${generated.rows}`);
      rss.push({ bytes: generated.bytes, result });
      await rm(file);
    }

    const readMbps = mbps(input.bytes, read.ms);
    const parseMbps = mbps(input.bytes, parse.ms);
    const transformMbps = mbps(input.bytes, transformed.ms);
    const transformGzMbps = mbps(input.bytes, transformedGz.ms);
    // a transform parses and writes Parquet one after the other: even if reading and typing took no time at all,
    // transform / parse-only could not exceed this
    const writerBound = parse.ms / (parse.ms + transformed.parquetWriterMs);
    const [small, large] = rss as [(typeof rss)[0], (typeof rss)[0]];
    const rssRatio = large.result.maxRssBytes / small.result.maxRssBytes;
    const loadBundled = median(loads.bundled);
    const loadUnbundled = median(loads.unbundled);
    const loadRatio = loadBundled / loadUnbundled;
    const sizeLabel = (bytes: number): string => (bytes >= 1e9 ? `${fixed(bytes / 1e9, 2)} GB` : mb(bytes));

    console.log('');
    console.log(`ETL benchmark, node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs; MB = 10^6 bytes, KB = 10^3 bytes`);
    console.log(
      `throughput input: ${mb(input.bytes)} CSV (${HEADER}), ${input.rows.toLocaleString('en-US')} rows; ` +
        `gzip ${mb(gzBytes)}; parquet ${mb(transformed.parquetBytes)}`,
    );
    console.log(`MB/s are of the CSV text (for the .gz: its decompressed content); read and parse-only: median of ${QUICK_RUNS}`);
    console.log('');
    printTable([
      { measure: 'raw read (fs stream to the end)', value: `${fixed(readMbps, 1)} MB/s` },
      { measure: 'papaparse parse-only (readCsvRows settings)', value: `${fixed(parseMbps, 1)} MB/s` },
      { measure: 'transform CSV -> Parquet', value: `${fixed(transformMbps, 1)} MB/s` },
      {
        measure: '  transform / parse-only',
        value: `${fixed(transformMbps / parseMbps, 3)}x`,
        target: `>= ${TARGETS.transformVsParse}x`,
        pass: transformMbps / parseMbps >= TARGETS.transformVsParse,
      },
      {
        measure: '  of which inside hyparquet-writer',
        value: `${fixed(transformed.parquetWriterMs / 1000, 2)} s (${fixed((100 * transformed.parquetWriterMs) / transformed.ms, 0)}%)`,
      },
      { measure: '  bound: parse / (parse + hyparquet-writer)', value: `${fixed(writerBound, 3)}x` },
      { measure: '  transform / raw read', value: `${fixed(transformMbps / readMbps, 3)}x` },
      { measure: '  parse-only / raw read', value: `${fixed(parseMbps / readMbps, 3)}x` },
      {
        measure: 'transform CSV.gz -> Parquet',
        value: `${fixed(transformGzMbps, 1)} MB/s`,
      },
      { measure: '  (stored gzip bytes)', value: `${fixed(mbps(gzBytes, transformedGz.ms), 1)} MB/s` },
      { measure: '  transform.gz / parse-only', value: `${fixed(transformGzMbps / parseMbps, 3)}x` },
      { measure: '  transform.gz / transform', value: `${fixed(transformGzMbps / transformMbps, 3)}x` },
      {
        measure: `peak RSS, transform of ${sizeLabel(small.bytes)}`,
        value: mb(small.result.maxRssBytes),
      },
      {
        measure: `peak RSS, transform of ${sizeLabel(large.bytes)}`,
        value: mb(large.result.maxRssBytes),
      },
      {
        measure: `  RSS(${sizeLabel(large.bytes)}) / RSS(${sizeLabel(small.bytes)})`,
        value: `${fixed(rssRatio, 3)}x`,
        target: `<= ${TARGETS.rssGrowth}x`,
        pass: rssRatio <= TARGETS.rssGrowth,
      },
      {
        measure: `Lambda zip ${load.zipFile}`,
        value: `${fixed(load.zipBytes / KB, 2)} KB (${load.zipBytes} B)`,
        target: `<= ${TARGETS.zipBytes / KB} KB`,
        pass: load.zipBytes <= TARGETS.zipBytes,
      },
      { measure: `require() bundled index.js, median of ${LOAD_RUNS}`, value: `${fixed(loadBundled, 1)} ms` },
      { measure: `require() unbundled, from node_modules`, value: `${fixed(loadUnbundled, 1)} ms` },
      {
        measure: '  bundled / unbundled',
        value: `${fixed(loadRatio, 3)}x`,
        target: `<= ${TARGETS.loadRatio}x`,
        pass: loadRatio <= TARGETS.loadRatio,
      },
    ]);
    console.log('');
    console.log(
      `transforms: ${fixed(transformed.ms / 1000, 1)} s (CSV), ${fixed(transformedGz.ms / 1000, 1)} s (gzip), ` +
        `${fixed(small.result.ms / 1000, 1)} s and ${fixed(large.result.ms / 1000, 1)} s (RSS runs: ` +
        `${fixed(mbps(small.bytes, small.result.ms), 1)} and ${fixed(mbps(large.bytes, large.result.ms), 1)} MB/s)`,
    );
    console.log(
      `hyparquet-writer: time inside ParquetWriter write() + finish() during the CSV transform (row-group encoding, ` +
        `GZIP pages, footer); the bound is what transform / parse-only would be if everything else took no time`,
    );
    console.log(
      `load times (ms): bundled [${loads.bundled.map((ms) => fixed(ms, 0)).join(', ')}], ` +
        `unbundled [${loads.unbundled.map((ms) => fixed(ms, 0)).join(', ')}]`,
    );
    const missed = [
      transformMbps / parseMbps >= TARGETS.transformVsParse ? undefined : 'transform/parse-only',
      rssRatio <= TARGETS.rssGrowth ? undefined : 'RSS growth',
      load.zipBytes <= TARGETS.zipBytes ? undefined : 'zip size',
      loadRatio <= TARGETS.loadRatio ? undefined : 'load time',
    ].filter((name) => name !== undefined);
    console.log(missed.length === 0 ? 'all targets PASS' : `MISS: ${missed.join(', ')} (${4 - missed.length} of 4 targets pass)`);
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
