import { type ParseArgsConfig, parseArgs } from 'node:util';
import { JOB_STATUSES, type JobStatus } from '../../etl/src/jobLedger';
import { UsageError } from './errors';
import { isJobStatus } from './jobQueries';
import type { TargetFlags } from './target';
import { type TimeWindow, resolveWindow } from './timeWindow';
import { DEFAULT_ENVIRONMENTS_DIR, DEFAULT_LIMIT, JOBS_USAGE, REDRIVE_USAGE } from './usage';

interface Common {
  readonly target: TargetFlags;
  readonly environmentsDir: string;
}

export type JobsArgs =
  | { readonly kind: 'help'; readonly usage: string }
  | (Common & {
      readonly kind: 'list';
      readonly statuses: JobStatus[];
      readonly window: TimeWindow;
      readonly limit: number;
      readonly json: boolean;
    })
  | (Common & { readonly kind: 'show'; readonly jobId: string; readonly json: boolean })
  | (Common & { readonly kind: 'replay'; readonly jobId: string });

export type RedriveArgs =
  | { readonly kind: 'help'; readonly usage: string }
  | (Common & { readonly kind: 'redrive'; readonly max: number | undefined });

const TARGET_OPTIONS = {
  env: { type: 'string' },
  suffix: { type: 'string' },
  region: { type: 'string' },
  environments: { type: 'string', default: DEFAULT_ENVIRONMENTS_DIR },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const LIST_OPTIONS = {
  ...TARGET_OPTIONS,
  status: { type: 'string', multiple: true },
  since: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

const SHOW_OPTIONS = { ...TARGET_OPTIONS, json: { type: 'boolean', default: false } } as const satisfies ParseArgsConfig['options'];
const REDRIVE_OPTIONS = { ...TARGET_OPTIONS, max: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

/** `jobs list …` / `jobs show <id> …`; `now` anchors `--since`. */
export function parseJobsArgs(argv: readonly string[], now: Date): JobsArgs {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    return { kind: 'help', usage: JOBS_USAGE.full };
  }
  if (subcommand === 'list') {
    const { values } = parse(rest, LIST_OPTIONS, false);
    if (values.help) return { kind: 'help', usage: JOBS_USAGE.full };
    return {
      kind: 'list',
      ...common(values),
      statuses: parseStatuses(values.status),
      window: resolveWindow(values, now),
      limit: values.limit === undefined ? DEFAULT_LIMIT : positiveInt('--limit', values.limit),
      json: values.json,
    };
  }
  if (subcommand === 'show') {
    const { values, positionals } = parse(rest, SHOW_OPTIONS, true);
    if (values.help) return { kind: 'help', usage: JOBS_USAGE.full };
    return { kind: 'show', ...common(values), jobId: oneJobId(subcommand, positionals), json: values.json };
  }
  if (subcommand === 'replay') {
    const { values, positionals } = parse(rest, TARGET_OPTIONS, true);
    if (values.help) return { kind: 'help', usage: JOBS_USAGE.full };
    return { kind: 'replay', ...common(values), jobId: oneJobId(subcommand, positionals) };
  }
  throw new UsageError(`unknown jobs command "${subcommand}"; expected list, show or replay`);
}

export function parseRedriveArgs(argv: readonly string[]): RedriveArgs {
  const { values } = parse(argv, REDRIVE_OPTIONS, false);
  if (values.help) return { kind: 'help', usage: REDRIVE_USAGE.full };
  return { kind: 'redrive', ...common(values), max: values.max === undefined ? undefined : positiveInt('--max', values.max) };
}

function common(values: { env?: string; suffix?: string; region?: string; environments: string }): Common {
  return { target: { env: values.env, suffix: values.suffix, region: values.region }, environmentsDir: values.environments };
}

/** node's parseArgs, its errors turned into usage errors of one line (node's name the flag, some over three lines). */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\s*\n\s*/g, ' '));
  }
}

function oneJobId(subcommand: string, positionals: readonly string[]): string {
  const [jobId, ...extra] = positionals;
  if (jobId === undefined || jobId === '') throw new UsageError(`${subcommand} needs a job id: npm run jobs -- ${subcommand} <job-id> --env <name> --region <region>`);
  if (extra.length > 0) throw new UsageError(`${subcommand} takes one job id, got also: ${extra.join(' ')}`);
  return jobId;
}

function parseStatuses(flags: readonly string[] | undefined): JobStatus[] {
  if (flags === undefined) return [...JOB_STATUSES];
  const statuses: JobStatus[] = [];
  for (const given of flags.flatMap((flag) => flag.split(','))) {
    const status = given.trim().toUpperCase();
    if (!isJobStatus(status)) throw new UsageError(`--status "${given}": unknown status; allowed: ${JOB_STATUSES.join(', ')}`);
    if (!statuses.includes(status)) statuses.push(status);
  }
  return statuses;
}

function positiveInt(flag: string, text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag} "${text}": expected a whole number of at least 1, e.g. ${flag} 10`);
  return value;
}
