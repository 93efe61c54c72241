import type { BootstrapState } from './bootstrap/BootstrapStack';
import { FlagError } from './config/errors';
import { assumedEndpointNote, parseDeployTarget, type DeployTarget } from './stacks/deployTarget';
import { strictFlags } from './strictFlags';

/** The one line shown under a flag mistake. */
export const SYNTH_USAGE =
  'usage: npm run synth -- [--env <name> ...] [--target aws|localstack|moto] [--environments <dir>] [--out <dir>]  |  --bootstrap [--bootstrap-state local|s3]  (--help for more)';

export const SYNTH_HELP = `usage: npm run synth -- [flags]

Synthesizes one Terraform stack per environment and region into <out>/stacks/<env>-<region>, after checking every
environment definition; with --bootstrap, the per-account bootstrap stacks (bootstrap-<account>) instead.

  --env <name>               only this environment; repeat for more (default: all of them; not with --bootstrap)
  --target <target>          aws (default): the environment's account, S3 state
                             localstack | moto: the emulator at AWS_ENDPOINT_URL (default http://localhost:4566 |
                             http://localhost:5000), local state
  --environments <dir>       the environment folders (default: environments)
  --out <dir>                where the stacks go (default: $CDKTF_OUTDIR or cdktf.out)
  --bootstrap                the bootstrap stacks, applied once per account by an administrator
  --bootstrap-state <state>  with --bootstrap: local (the first apply, default) or s3 (after migrating into the state bucket)
  -h, --help                 this text
`;

interface Where {
  readonly environmentsDir: string;
  readonly outdir: string;
  readonly target: DeployTarget;
  /** What was assumed rather than given (an emulator's usual endpoint), for stderr. */
  readonly assumption: string | undefined;
}

export type SynthArgs =
  | { readonly kind: 'help' }
  | (Where & { readonly kind: 'stacks'; readonly environments: readonly string[] })
  | (Where & { readonly kind: 'bootstrap'; readonly state: BootstrapState });

/** `npm run synth -- …`; throws a FlagError naming the flag before any definition is read. */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SynthArgs {
  const flags = strictFlags(argv, {
    env: { type: 'string', multiple: true, default: [] },
    target: { type: 'string' },
    environments: { type: 'string', default: 'environments' },
    out: { type: 'string', default: env.CDKTF_OUTDIR || 'cdktf.out' },
    bootstrap: { type: 'boolean', default: false },
    'bootstrap-state': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (flags.help) return { kind: 'help' };
  const where: Where = {
    environmentsDir: flags.environments,
    outdir: flags.out,
    target: parseDeployTarget(flags.target, env),
    assumption: assumedEndpointNote(flags.target, env),
  };
  const state = flags['bootstrap-state'];
  if (!flags.bootstrap) {
    if (state !== undefined) throw new FlagError(`--bootstrap-state ${state}: only with --bootstrap; add --bootstrap or leave it out`);
    return { ...where, kind: 'stacks', environments: flags.env };
  }
  // every environment of an account shapes its bootstrap stack, so it is never built from a selection
  if (flags.env.length > 0) throw new FlagError('--bootstrap covers every environment of each account; leave out --env');
  if (state !== undefined && state !== 'local' && state !== 's3') {
    throw new FlagError(`--bootstrap-state ${state}: use local (first apply) or s3 (after migrating into the state bucket)`);
  }
  return { ...where, kind: 'bootstrap', state: state ?? 'local' };
}
