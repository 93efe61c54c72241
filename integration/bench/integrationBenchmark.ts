/**
 * `npm run bench:integration`: what the end-to-end harness costs on top of plain terraform, and what applying an
 * environment's regions in parallel saves. Every measure runs against a fresh moto_server of its own (so no state and no
 * request log carry over) and in a fresh temp directory; neither the emulator's start nor the ETL build is timed.
 *
 * (a) bare:    synth of dev for moto (infra's synth, as deployment.ts does), then terraform init, apply -auto-approve and
 *              destroy -auto-approve of dev-us-east-1 (terraformCli);
 * (b) harness: startPlatform({ environment: 'dev', regions: ['us-east-1'] }) then platform.stop(), i.e. the same synth and
 *              terraform plus outputs, the function runtime, the played queue mapping and the emptied bucket;
 *              target harness / bare <= 1.5x;
 * (c) dev's three regions through deployEnvironment, applied and destroyed in parallel vs one after another.
 *
 * moto's provider waits (SQS create, lifecycle configuration: ~25-55 s each) vary from run to run, so one run of each is
 * a rough number; BENCH_INTEGRATION_RUNS=n takes the median of n. Misses print MISS but do not fail the run; errors do.
 * AWS_ENDPOINT_URL is ignored (dropped from this process's environment, so terraform cannot pick it up either).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { cleanUpOnInterrupt, median, printTable } from '../../etl/bench/benchReport';
import { buildEtl } from '../../etl/scripts/build';
import { synth } from '../../infra/src/app';
import { stackName } from '../../infra/src/stacks/RegionalStack';
import { apply, destroy, init, run } from '../../infra/src/terraform/terraformCli';
import { deployEnvironment } from '../src/deployment';
import { type Emulator, startEmulator } from '../src/emulator';
import { startPlatform } from '../src/platform';

const ENVIRONMENT = 'dev';
const REGION = 'us-east-1';
const RUNS = Number(process.env.BENCH_INTEGRATION_RUNS ?? 1);
const TARGET_HARNESS_RATIO = 1.5;

const log = (message: string): void => {
  process.stderr.write(`[bench:integration] ${message}\n`);
};

/** Every temp dir still in use, removed on Ctrl-C too (each holds provider links and state). */
const workDirs = new Set<string>();

/** A fresh moto_server and temp dir for one measure; both go away afterwards, whatever happens. */
async function onFreshMoto<T>(measure: (emulator: Emulator, outdir: string) => Promise<T>): Promise<T> {
  // An empty environment: never the emulator at AWS_ENDPOINT_URL, always one started here.
  const emulator = await startEmulator({});
  const outdir = mkdtempSync(path.join(tmpdir(), 'integration-bench-'));
  workDirs.add(outdir);
  try {
    return await measure(emulator, outdir);
  } finally {
    await emulator.stop();
    rmSync(outdir, { recursive: true, force: true });
    workDirs.delete(outdir);
  }
}

interface Bare {
  readonly synth: number;
  readonly init: number;
  readonly apply: number;
  readonly destroy: number;
  readonly total: number;
}

async function bare(): Promise<Bare> {
  return onFreshMoto(async (emulator, outdir) => {
    const lap = lapTimer();
    synth({ environments: [ENVIRONMENT], outdir, target: emulator.target });
    const synthMs = lap();
    const dir = path.join(outdir, 'stacks', stackName(ENVIRONMENT, REGION));
    await init(dir);
    const initMs = lap();
    await apply(dir);
    const applyMs = lap();
    await destroy(dir);
    const destroyMs = lap();
    return { synth: synthMs, init: initMs, apply: applyMs, destroy: destroyMs, total: synthMs + initMs + applyMs + destroyMs };
  });
}

interface Harness {
  readonly synth: number;
  /** init + apply + outputs, as deployEnvironment times it. */
  readonly terraform: number;
  /** From the end of the apply to startPlatform returning: clients, function runtime, played mapping. */
  readonly played: number;
  /** platform.stop(): mapping stopped, bucket emptied, terraform destroy. */
  readonly stop: number;
  readonly total: number;
}

async function harness(): Promise<Harness> {
  return onFreshMoto(async (emulator, outdir) => {
    const started = performance.now();
    const platform = await startPlatform({ environment: ENVIRONMENT, regions: [REGION], emulator, outdir });
    const up = performance.now() - started;
    const stopStarted = performance.now();
    await platform.stop();
    const stop = performance.now() - stopStarted;
    const { synthMs, applyMs } = platform.deployment.timings;
    return { synth: synthMs, terraform: applyMs, played: up - synthMs - applyMs, stop, total: up + stop };
  });
}

interface AllRegions {
  readonly regions: number;
  readonly apply: number;
  readonly destroy: number;
  readonly total: number;
}

/** dev's regions, synthesized once, applied then destroyed (init + apply + outputs; destroy). */
async function allRegions(parallel: boolean): Promise<AllRegions> {
  return onFreshMoto(async (emulator, outdir) => {
    const deployment = await deployEnvironment({ environment: ENVIRONMENT, target: emulator.target, outdir, parallel });
    const destroyMs = await deployment.destroy();
    const { applyMs } = deployment.timings;
    return { regions: deployment.regions.length, apply: applyMs, destroy: destroyMs, total: applyMs + destroyMs };
  });
}

/** Milliseconds since the previous call (or since it was made). */
function lapTimer(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const lap = now - last;
    last = now;
    return lap;
  };
}

/** Each field's median over the runs (every field is a number). */
function medianOf<T extends object>(runs: readonly T[]): T {
  const keys = Object.keys(runs[0]!) as (keyof T)[];
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((r) => r[key] as number))])) as T;
}

async function repeat<T extends { readonly total: number }>(what: string, measure: () => Promise<T>): Promise<{ median: T; totals: number[] }> {
  const runs: T[] = [];
  for (let index = 1; index <= RUNS; index++) {
    log(`${what}${RUNS > 1 ? ` (run ${index} of ${RUNS})` : ''}`);
    runs.push(await measure());
  }
  return { median: medianOf(runs), totals: runs.map((r) => r.total) };
}

// ---- report ----

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function terraformVersion(): Promise<string> {
  const { stdout } = await run(process.cwd(), ['version', '-json']);
  return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadavg()[0]!;
  delete process.env.AWS_ENDPOINT_URL;
  cleanUpOnInterrupt(() => {
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });

  const terraform = await terraformVersion();
  log(`built etl/dist/${(await buildEtl()).file}`);
  const bareRuns = await repeat(`(a) bare terraform: synth, init, apply, destroy of ${ENVIRONMENT}-${REGION}`, bare);
  const harnessRuns = await repeat(`(b) harness: startPlatform + stop of ${ENVIRONMENT} (${REGION})`, harness);
  const parallelRuns = await repeat(`(c) all of ${ENVIRONMENT}'s regions, applied and destroyed in parallel`, () => allRegions(true));
  const sequentialRuns = await repeat(`(c) all of ${ENVIRONMENT}'s regions, applied and destroyed one after another`, () => allRegions(false));

  const a = bareRuns.median;
  const b = harnessRuns.median;
  const p = parallelRuns.median;
  const s = sequentialRuns.median;
  const harnessRatio = b.total / a.total;
  const parallelRatio = p.total / s.total;
  const runs = (totals: readonly number[]): string => (RUNS > 1 ? ` [${totals.map(secs).join(', ')}]` : '');

  console.log('');
  console.log(
    `integration benchmark, node ${process.version}, terraform ${terraform}, ${process.platform}/${process.arch}, ${cpus().length} CPUs; ` +
      `each measure on a fresh moto_server; ${RUNS === 1 ? 'one run each' : `median of ${RUNS} runs`}`,
  );
  console.log('');
  printTable([
    { measure: `(a) bare terraform, ${ENVIRONMENT}-${REGION}: synth`, value: secs(a.synth) },
    { measure: '    terraform init', value: secs(a.init) },
    { measure: '    terraform apply -auto-approve', value: secs(a.apply) },
    { measure: '    terraform destroy -auto-approve', value: secs(a.destroy) },
    { measure: `    total${runs(bareRuns.totals)}`, value: secs(a.total) },
    { measure: `(b) harness, startPlatform(${REGION}): synth`, value: secs(b.synth) },
    { measure: '    terraform init + apply + outputs', value: secs(b.terraform) },
    { measure: '    function runtime + played mapping', value: secs(b.played) },
    { measure: '    platform.stop(): empty bucket + destroy', value: secs(b.stop) },
    { measure: `    total${runs(harnessRuns.totals)}`, value: secs(b.total) },
    {
      measure: '    harness / bare',
      value: `${harnessRatio.toFixed(2)}x`,
      target: `<= ${TARGET_HARNESS_RATIO}x`,
      pass: harnessRatio <= TARGET_HARNESS_RATIO,
    },
    { measure: `(c) ${ENVIRONMENT}, ${p.regions} regions in parallel: init + apply`, value: secs(p.apply) },
    { measure: '    destroy', value: secs(p.destroy) },
    { measure: `    total${runs(parallelRuns.totals)}`, value: secs(p.total) },
    { measure: `    ${s.regions} regions one after another: init + apply`, value: secs(s.apply) },
    { measure: '    destroy', value: secs(s.destroy) },
    { measure: `    total${runs(sequentialRuns.totals)}`, value: secs(s.total) },
    { measure: '    parallel / sequential', value: `${parallelRatio.toFixed(2)}x` },
  ]);
  console.log('');
  console.log(harnessRatio <= TARGET_HARNESS_RATIO ? 'all targets PASS' : 'MISS: harness / bare (0 of 1 targets pass)');
  console.log(
    `total ${secs(performance.now() - started)}; load average (1 min) ${loadAtStart.toFixed(2)} at the start, ` +
      `${loadavg()[0]!.toFixed(2)} at the end on ${cpus().length} CPUs (above that, other processes skew the numbers)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
