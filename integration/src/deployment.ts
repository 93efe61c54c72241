import path from 'node:path';
import { synth } from '../../infra/src/app';
import type { Environment } from '../../infra/src/config/loadEnvironments';
import { regionKey } from '../../infra/src/config/regions';
import type { EmulatorTarget } from '../../infra/src/stacks/deployTarget';
import { stackName } from '../../infra/src/stacks/RegionalStack';
import { apply, destroy, init, outputs } from '../../infra/src/terraform/terraformCli';
import { readSynthesizedStack, type SynthesizedStack } from './synthesizedStack';

/** The outputs every regional stack declares (RegionalStack), read back after apply. */
export interface StackOutputs {
  readonly bucketName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly tableName: string;
  readonly functionArn: string;
}

export interface RegionDeployment {
  readonly region: string;
  readonly stack: SynthesizedStack;
  readonly outputs: StackOutputs;
}

export interface DeployOptions {
  /** Environment folder name, e.g. `dev`. */
  readonly environment: string;
  readonly target: EmulatorTarget;
  /** Where to synthesize; stacks go to `<outdir>/stacks/<env>-<region>`. */
  readonly outdir: string;
  /** Regions to deploy. @default every region of the environment */
  readonly regions?: readonly string[];
  /** Apply the regions at the same time (they share nothing) instead of one after another. @default true */
  readonly parallel?: boolean;
  readonly environmentsDir?: string;
  readonly log?: (line: string) => void;
}

export interface Deployment {
  readonly environment: Environment;
  readonly regions: readonly RegionDeployment[];
  readonly timings: { readonly synthMs: number; readonly applyMs: number };
  /** `terraform destroy` of every region; resolves with how long it took. */
  destroy(): Promise<number>;
}

async function inOrder<T, R>(items: readonly T[], parallel: boolean, each: (item: T) => Promise<R>): Promise<R[]> {
  if (parallel) {
    // allSettled: every apply finishes (or fails) before the caller cleans up, so none is left running.
    const settled = await Promise.allSettled(items.map(each));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
  }
  const results: R[] = [];
  for (const item of items) results.push(await each(item));
  return results;
}

function readOutputs(values: Record<string, unknown>, region: string, stackDir: string): StackOutputs {
  const key = regionKey(region);
  const output = (name: string): string => {
    const value = values[`${name}_${key}`];
    if (typeof value !== 'string') throw new Error(`${stackDir}: output ${name}_${key} is missing after apply`);
    return value;
  };
  return {
    bucketName: output('s3_bucket_name'),
    queueUrl: output('sqs_queue_url'),
    deadLetterQueueUrl: output('sqs_dead_letter_queue_url'),
    tableName: output('dynamodb_table_name'),
    functionArn: output('lambda_function_arn'),
  };
}

/**
 * Synthesizes an environment for the emulator and applies its region stacks with the real terraform CLI.
 * When any apply fails, whatever was applied is destroyed before the error is rethrown.
 */
export async function deployEnvironment(options: DeployOptions): Promise<Deployment> {
  const log = options.log ?? (() => {});
  const parallel = options.parallel ?? true;
  const started = performance.now();
  const { environments } = synth({
    environments: [options.environment],
    environmentsDir: options.environmentsDir,
    outdir: options.outdir,
    target: options.target,
  });
  const environment = environments[0]!;
  const regions = options.regions ?? environment.regions.map((r) => r.name);
  const unknown = regions.filter((r) => !environment.regions.some((defined) => defined.name === r));
  if (unknown.length > 0) throw new Error(`${environment.file}: no region ${unknown.join(', ')}; it defines ${environment.regions.map((r) => r.name).join(', ')}`);
  const dirs = regions.map((region) => path.join(options.outdir, 'stacks', stackName(environment.name, region)));
  const synthMs = performance.now() - started;

  const destroyStacks = async (stackDirs: readonly string[]): Promise<number> => {
    const start = performance.now();
    await inOrder(stackDirs, parallel, async (dir) => {
      log(`terraform destroy ${path.basename(dir)}`);
      await destroy(dir);
    });
    return performance.now() - start;
  };
  const destroyAll = (): Promise<number> => destroyStacks(dirs);
  // Only a stack whose apply began can hold resources; destroying one whose init failed fails too, and hides the cause.
  const applying = new Set<string>();

  const applyStart = performance.now();
  let deployed: RegionDeployment[];
  try {
    deployed = await inOrder(regions, parallel, async (region) => {
      const dir = path.join(options.outdir, 'stacks', stackName(environment.name, region));
      log(`terraform init + apply ${path.basename(dir)}`);
      await init(dir);
      applying.add(dir);
      await apply(dir);
      return { region, stack: readSynthesizedStack(dir), outputs: readOutputs(await outputs(dir), region, dir) };
    });
  } catch (error) {
    await destroyStacks(dirs.filter((dir) => applying.has(dir))).catch((cleanup: unknown) => log(`cleanup after the failed apply also failed: ${String(cleanup)}`));
    throw error;
  }
  return { environment, regions: deployed, timings: { synthMs, applyMs: performance.now() - applyStart }, destroy: destroyAll };
}
