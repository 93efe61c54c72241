import { FlagError } from '../../infra/src/config/errors';
import { strictFlags } from '../../infra/src/strictFlags';

/** The line shown under a flag mistake. */
export const USAGE_LINE = 'usage: npm run local:up -- --env <name> [--region <region> ...]   (--help for more)';

export const USAGE = `usage: npm run local:up -- --env <name> [--region <region> ...]

Runs an environment of the platform on this machine: builds the ETL, starts moto_server (or uses the emulator at
AWS_ENDPOINT_URL), applies the environment's region stacks with terraform in parallel and runs the ETL from each
region's queue. Ctrl-C empties the buckets, destroys the stacks and stops the emulator; a second Ctrl-C quits at once
and says what it leaves behind.

  --env <name>        environment under environments/ (required), e.g. dev
  --region <region>   deploy only this region; repeat or comma-separate (default: all of the environment's)
  -h, --help          this text
`;

export type UpArgs = { readonly kind: 'help' } | { readonly kind: 'up'; readonly environment: string; readonly regions?: readonly string[] };

/** `--env dev --region us-east-1,eu-west-1`; throws a FlagError that names the flag and what to give instead. */
export function parseUpArgs(argv: readonly string[]): UpArgs {
  const values = strictFlags(argv, { env: { type: 'string' }, region: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) return { kind: 'help' };
  if (!values.env) throw new FlagError('--env <name> is required, e.g. npm run local:up -- --env dev');
  if (values.region === undefined) return { kind: 'up', environment: values.env };
  const regions = [...new Set(values.region.flatMap((flag) => flag.split(',')).map((r) => r.trim()))];
  if (regions.includes('')) throw new FlagError('--region needs a region name, e.g. --region us-east-1');
  return { kind: 'up', environment: values.env, regions };
}

interface Defined {
  readonly name: string;
  readonly regions: readonly { readonly name: string }[];
}

/**
 * The regions to deploy, checked against the environment definitions before anything is built or started (a typo
 * would otherwise surface only after the ETL build, the emulator start and the synth).
 */
export function selectRegions(args: Extract<UpArgs, { kind: 'up' }>, environments: readonly Defined[]): string[] {
  const environment = environments.find((e) => e.name === args.environment);
  if (!environment) throw new FlagError(`--env ${args.environment}: no such environment; defined: ${environments.map((e) => e.name).join(', ')}`);
  const defined = environment.regions.map((r) => r.name);
  const unknown = (args.regions ?? []).filter((r) => !defined.includes(r));
  if (unknown.length > 0) throw new FlagError(`--region ${unknown.join(', ')}: environment "${environment.name}" has no such region; its regions: ${defined.join(', ')}`);
  return args.regions ? [...args.regions] : defined;
}
