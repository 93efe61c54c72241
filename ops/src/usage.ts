import { JOB_STATUSES } from '../../etl/src/jobLedger';
import { DEFAULT_SINCE, DURATION_EXAMPLE } from './timeWindow';

export const DEFAULT_LIMIT = 50;
export const DEFAULT_ENVIRONMENTS_DIR = 'environments';

/** What a command prints for `--help`, and the part of it (the synopsis) that follows a usage error. */
export interface Usage {
  readonly synopsis: string;
  readonly full: string;
  /** The command that prints `full`. */
  readonly helpCommand: string;
}

const TARGET_HELP = `  --env <name>          environment under environments/ (its suffix names the resources), or
  --suffix <suffix>     the resource-name suffix directly
  --region <region>     the region to look in (required)
  --environments <dir>  where the environment definitions are (default: ${DEFAULT_ENVIRONMENTS_DIR})`;

const ACCESS_HELP = `AWS: the SDK's usual credentials (AWS_PROFILE, SSO, environment variables, a role) for the account.
An emulator instead: AWS_ENDPOINT_URL, e.g. AWS_ENDPOINT_URL=http://127.0.0.1:5000 (any credentials, e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test).
Exit codes: 0 done, 1 failed (AWS unreachable, no credentials, not found, refused), 2 wrong command line.`;

const JOBS_SYNOPSIS = `Usage:
  npm run jobs -- list --env <name> --region <region> [--status <status>[,...]] [--since <duration> | --from <time> [--to <time>]] [--limit <n>] [--json]
  npm run jobs -- show <job-id> --env <name> --region <region> [--json]
  npm run jobs -- replay <job-id> --env <name> --region <region>
`;

export const JOBS_USAGE: Usage = {
  synopsis: JOBS_SYNOPSIS,
  helpCommand: 'npm run jobs -- --help',
  full: `${JOBS_SYNOPSIS}
list: jobs by status and creation time, from the job table's status index (one Query per status).
  --status <status>     ${JOB_STATUSES.join(', ')}; repeat or comma-separate (default: all)
  --since <duration>    created in the last <duration>, ${DURATION_EXAMPLE} (default: ${DEFAULT_SINCE})
  --from <time>         created at or after <time> (ISO-8601, e.g. 2026-10-05T14:00:00Z)
  --to <time>           created at or before <time> (default: now)
  --limit <n>           show the newest <n> (default: ${DEFAULT_LIMIT})
  --json                print JSON instead of a table
show: one job's full item.
replay: runs a FAILED job again, after its cause was fixed, as its next attempt: the job becomes REPLAY_REQUESTED and
  its object version (still in the raw bucket) goes through the region's queue to the deployed ETL again.
  Refused for RUNNING and SUCCEEDED jobs and when the object version is gone.
${TARGET_HELP}

${ACCESS_HELP}
`,
};

const REDRIVE_SYNOPSIS = `Usage:
  npm run dlq:redrive -- --env <name> --region <region> [--max <n>]
`;

export const REDRIVE_USAGE: Usage = {
  synopsis: REDRIVE_SYNOPSIS,
  helpCommand: 'npm run dlq:redrive -- --help',
  full: `${REDRIVE_SYNOPSIS}
Moves messages from the dead-letter queue analytics-dlq-<region>-<suffix> back to analytics-queue-<region>-<suffix>
(each is deleted from the DLQ only after it was sent to the queue). Fix the cause first: the ETL processes them again.
  --max <n>             move at most <n> messages (default: all)
${TARGET_HELP}

${ACCESS_HELP}
`,
};
