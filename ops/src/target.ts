import { existsSync } from 'node:fs';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { SUFFIX_PATTERN, regionalNames } from '../../infra/src/config/names';
import { KNOWN_REGIONS, isKnownRegion } from '../../infra/src/config/regions';
import { UsageError } from './errors';

/** One region of one deployment, and the names of what the operator commands touch there. */
export interface Target {
  readonly region: string;
  readonly suffix: string;
  /** The environment's name when it came from `--env`. */
  readonly env: string | undefined;
  readonly jobTable: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
}

export interface TargetFlags {
  readonly env?: string | undefined;
  readonly suffix?: string | undefined;
  readonly region?: string | undefined;
}

/** The flags that name `target` again, for the commands a message suggests. */
export function targetFlags(target: Target): string {
  return `${target.env === undefined ? `--suffix ${target.suffix}` : `--env ${target.env}`} --region ${target.region}`;
}

/**
 * `--env` reads the suffix from `environments/<env>/environment.json` (through infra's validated loader, so the
 * names are the ones infra creates) and checks the region is one the environment is deployed to. `--suffix` skips
 * the definitions, for a deployment whose definition is not in this checkout.
 */
export function resolveTarget(flags: TargetFlags, environmentsDir: string): Target {
  if (flags.env !== undefined && flags.suffix !== undefined) throw new UsageError('give either --env or --suffix, not both');
  if (flags.env === undefined && flags.suffix === undefined) {
    throw new UsageError('--env <name> is required (the environment folder under environments/), or --suffix <suffix> for the resource names directly');
  }
  if (flags.region === undefined) throw new UsageError('--region is required, e.g. --region us-east-1');
  const region = flags.region;

  let suffix: string;
  if (flags.env !== undefined) {
    if (!existsSync(environmentsDir)) {
      throw new UsageError(`--environments ${environmentsDir}: folder not found; run from the repository root or pass --environments <dir>`);
    }
    const all = loadEnvironments(environmentsDir);
    const env = all.find((e) => e.name === flags.env);
    if (env === undefined) throw new UsageError(`--env ${flags.env}: no such environment; defined: ${all.map((e) => e.name).join(', ')}`);
    const regions: string[] = env.regions.map((r) => r.name);
    if (!regions.includes(region)) {
      throw new UsageError(`--region ${region}: environment "${env.name}" is not deployed there; its regions: ${regions.join(', ')}`);
    }
    suffix = env.suffix;
  } else {
    suffix = flags.suffix ?? '';
    if (!SUFFIX_PATTERN.test(suffix)) {
      throw new UsageError(`--suffix "${suffix}": lowercase letters, digits and hyphens, starting and ending with a letter or digit`);
    }
    if (!isKnownRegion(region)) throw new UsageError(`--region ${region}: unknown region; known regions: ${KNOWN_REGIONS.join(', ')}`);
  }

  const names = regionalNames(region, suffix);
  return { region, suffix, env: flags.env, jobTable: names.jobTable, queue: names.queue, deadLetterQueue: names.deadLetterQueue };
}
