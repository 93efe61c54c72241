import type { BootstrapState } from './bootstrap/BootstrapStack';
import { copyRecordSchema, type CopyRecord } from './config/ephemeralCopy';
import { EnvironmentError, FlagError } from './config/errors';
import { assumedEndpointNote, parseDeployTarget, type DeployTarget } from './stacks/deployTarget';
import { validatedJsonFile } from './config/validatedJsonFile';
import { strictFlags } from './strictFlags';

/** The one line shown under a flag mistake. */
export const SYNTH_USAGE =
  'usage: npm run synth -- [--env <name> ...] [--target aws|localstack|moto] [--environments <dir>] [--out <dir>]  |  --copy <copy.json>  |  --bootstrap [--bootstrap-state local|s3]  (--help for more)';

export const SYNTH_HELP = `usage: npm run synth -- [flags]

Synthesizes one Terraform stack per environment and region into <out>/stacks/<env>-<region>, after checking every
environment definition; with --bootstrap, the per-account bootstrap stacks (bootstrap-<account>) instead.

  --env <name>               only this environment; repeat for more (default: all of them; not with --bootstrap)
  --copy <copy.json>         only the on-demand copy this record describes (template, eph-… suffix, expiresAt,
                             createdBy), as npm run gitops -- copy writes it: stacks <suffix>-<region>, S3 state
                             under analytics/ephemeral/ (on an emulator too: its S3)
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
  | (Where & { readonly kind: 'stacks'; readonly environments: readonly string[]; readonly copy?: CopyRecord })
  | (Where & { readonly kind: 'bootstrap'; readonly state: BootstrapState });

/** `npm run synth -- …`; throws a FlagError naming the flag before any definition is read. */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SynthArgs {
  const flags = strictFlags(argv, {
    env: { type: 'string', multiple: true, default: [] },
    copy: { type: 'string' },
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
  if (flags.copy !== undefined && (flags.env.length > 0 || flags.bootstrap)) {
    throw new FlagError(`--copy ${flags.copy}: synthesizes that copy alone; leave out ${flags.bootstrap ? '--bootstrap' : '--env'}`);
  }
  if (!flags.bootstrap) {
    if (state !== undefined) throw new FlagError(`--bootstrap-state ${state}: only with --bootstrap; add --bootstrap or leave it out`);
    return { ...where, kind: 'stacks', environments: flags.env, ...(flags.copy === undefined ? {} : { copy: readCopyRecord(flags.copy) }) };
  }
  // every environment of an account shapes its bootstrap stack, so it is never built from a selection
  if (flags.env.length > 0) throw new FlagError('--bootstrap covers every environment of each account; leave out --env');
  if (state !== undefined && state !== 'local' && state !== 's3') {
    throw new FlagError(`--bootstrap-state ${state}: use local (first apply) or s3 (after migrating into the state bucket)`);
  }
  return { ...where, kind: 'bootstrap', state: state ?? 'local' };
}

/** The copy record `--copy` names; a wrong one is a definition problem (exit 1), named by file and field. */
function readCopyRecord(file: string): CopyRecord {
  const read = validatedJsonFile(file, copyRecordSchema);
  if (!read.ok) throw new EnvironmentError(read.problems);
  return read.data;
}
