import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { JobStatus } from '../../etl/src/jobLedger';
import { UsageError } from './errors';
import { JOB_STATUSES, isJobStatus } from './jobQueries';
import type { TargetFlags } from './target';
import { DEFAULT_SINCE, DURATION_EXAMPLE, type TimeWindow, resolveWindow } from './timeWindow';

export const DEFAULT_LIMIT = 50;
export const DEFAULT_ENVIRONMENTS_DIR = 'environments';

const TARGET_HELP = `  --env <name>          environment under environments/ (its suffix names the resources), or
  --suffix <suffix>     the resource-name suffix directly
  --region <region>     the region to look in (required)
  --environments <dir>  where the environment definitions are (default: ${DEFAULT_ENVIRONMENTS_DIR})`;

export const JOBS_USAGE = `Usage:
  npm run jobs -- list --env <name> --region <region> [--status <status>[,...]] [--since <duration> | --from <time> [--to <time>]] [--limit <n>] [--json]
  npm run jobs -- show <job-id> --env <name> --region <region> [--json]

list: jobs by status and creation time, from the job table's status index (one Query per status).
  --status <status>     ${JOB_STATUSES.join(', ')}; repeat or comma-separate (default: all)
  --since <duration>    created in the last <duration>, ${DURATION_EXAMPLE} (default: ${DEFAULT_SINCE})
  --from <time>         created at or after <time> (ISO-8601, e.g. 2026-10-05T14:00:00Z)
  --to <time>           created at or before <time> (default: now)
  --limit <n>           show the newest <n> (default: ${DEFAULT_LIMIT})
  --json                print JSON instead of a table
show: one job's full item.
${TARGET_HELP}

Endpoint: AWS_ENDPOINT_URL when set (e.g. an emulator), else AWS. Credentials: the AWS SDK's usual sources.
`;

export const REDRIVE_USAGE = `Usage:
  npm run dlq:redrive -- --env <name> --region <region> [--max <n>]

Moves messages from the dead-letter queue analytics-dlq-<region>-<suffix> back to analytics-queue-<region>-<suffix>
(each is deleted from the DLQ only after it was sent to the queue). Fix the cause first: the ETL processes them again.
  --max <n>             move at most <n> messages (default: all)
${TARGET_HELP}

Endpoint: AWS_ENDPOINT_URL when set (e.g. an emulator), else AWS. Credentials: the AWS SDK's usual sources.
`;

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
  | (Common & { readonly kind: 'show'; readonly jobId: string; readonly json: boolean });

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
    return { kind: 'help', usage: JOBS_USAGE };
  }
  if (subcommand === 'list') {
    const { values } = parse(rest, LIST_OPTIONS, false, JOBS_USAGE);
    if (values.help) return { kind: 'help', usage: JOBS_USAGE };
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
    const { values, positionals } = parse(rest, SHOW_OPTIONS, true, JOBS_USAGE);
    if (values.help) return { kind: 'help', usage: JOBS_USAGE };
    const [jobId, ...extra] = positionals;
    if (jobId === undefined || jobId === '') throw new UsageError('show needs a job id: npm run jobs -- show <job-id> --env <name> --region <region>');
    if (extra.length > 0) throw new UsageError(`show takes one job id, got also: ${extra.join(' ')}`);
    return { kind: 'show', ...common(values), jobId, json: values.json };
  }
  throw new UsageError(`unknown jobs command "${subcommand}"; expected list or show (npm run jobs -- --help)`);
}

export function parseRedriveArgs(argv: readonly string[]): RedriveArgs {
  const { values } = parse(argv, REDRIVE_OPTIONS, false, REDRIVE_USAGE);
  if (values.help) return { kind: 'help', usage: REDRIVE_USAGE };
  return { kind: 'redrive', ...common(values), max: values.max === undefined ? undefined : positiveInt('--max', values.max) };
}

function common(values: { env?: string; suffix?: string; region?: string; environments: string }): Common {
  return { target: { env: values.env, suffix: values.suffix, region: values.region }, environmentsDir: values.environments };
}

/** node's parseArgs, its errors turned into usage errors that point at --help. */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O, allowPositionals: boolean, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    const command = usage.includes('dlq:redrive') ? 'npm run dlq:redrive -- --help' : 'npm run jobs -- --help';
    throw new UsageError(`${(error as Error).message} (see ${command})`);
  }
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
