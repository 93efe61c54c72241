import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildEtl } from '../../etl/scripts/build';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { run } from '../../infra/src/terraform/terraformCli';
import { startEmulator } from '../src/emulator';
import { startPlatform } from '../src/platform';
import { selectRegions, type UpArgs } from './args';
import { formatBatch, formatFunctionLog, nextSteps } from './consoleText';
import type { WorkFolder } from './leftBehind';

export interface LocalPlatformOptions {
  readonly args: Extract<UpArgs, { kind: 'up' }>;
  /** Aborted when the user asks to tear down; honoured at any point (a deploy under way finishes first). */
  readonly stop: AbortSignal;
  readonly print: (line: string) => void;
  /** Told the working folder as soon as it exists: a forced quit leaves it behind. */
  readonly onWorkFolder: (folder: WorkFolder) => void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The environment on an emulator until `stop` aborts, then torn down: buckets emptied, stacks destroyed, the emulator
 * stopped (when started here) and the synthesized stacks removed. Throws with one readable message on failure.
 */
export async function runLocalPlatform({ args, stop, print, onWorkFolder }: LocalPlatformOptions): Promise<void> {
  const regions = selectRegions(args, loadEnvironments('environments'));
  // `terraform version` first: a missing terraform is reported before anything is started.
  await run(process.cwd(), ['version']);
  const ownsEmulator = !process.env.AWS_ENDPOINT_URL;
  const emulator = await startEmulator();
  const outdir = mkdtempSync(path.join(tmpdir(), `local-${args.environment}-`));
  onWorkFolder({ kind: 'workFolder', path: outdir, externalEndpoint: ownsEmulator ? undefined : emulator.target.endpoint });
  let keepOutdir = false;
  try {
    print(`${emulator.name} at ${emulator.target.endpoint}${ownsEmulator ? '' : ' (AWS_ENDPOINT_URL)'}`);
    print(`built etl/dist/${(await buildEtl()).file}`);
    if (stop.aborted) return;
    print(`deploying ${args.environment} (${regions.join(', ')}) in parallel; terraform takes a few minutes…`);
    const started = performance.now();
    const platform = await startPlatform({
      environment: args.environment,
      regions,
      emulator,
      outdir,
      log: (line) => print(`  ${line}`),
      onFunctionLog: (region, line) => printIf(formatFunctionLog(region, line)),
      onBatch: (region, batch) => printIf(formatBatch(region, batch)),
      onPollError: (region, error) => print(`[${region}] ERROR polling the queue failed (retrying): ${messageOf(error)}`),
    });
    print(`deployed in ${seconds(performance.now() - started)}\n`);
    if (!stop.aborted) {
      print(nextSteps({
        environment: args.environment,
        emulator: emulator.name,
        endpoint: emulator.target.endpoint,
        ownsEmulator,
        regions: platform.regions.map((r) => ({ region: r.region, bucketName: r.outputs.bucketName, stackDir: r.stack.dir })),
      }));
      await once(stop, 'abort');
    }
    print('tearing down: stopping the queue loops, emptying the buckets, terraform destroy…');
    try {
      print(`destroyed in ${seconds(await platform.stop())}`);
    } catch (error) {
      if (ownsEmulator) throw error;
      // The emulator outlives us: its state is what lets you destroy the rest by hand.
      keepOutdir = true;
      throw new Error(`${messageOf(error)}\nthe stacks and their terraform state are kept in ${outdir}/stacks`);
    }
  } finally {
    await emulator.stop();
    if (!keepOutdir) rmSync(outdir, { recursive: true, force: true });
  }

  function printIf(line: string | undefined): void {
    if (line !== undefined) print(line);
  }
}
