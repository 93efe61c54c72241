import type { JobItem } from '../../etl/src/jobReader';
import type { JobList } from './jobQueries';
import type { TimeWindow } from './timeWindow';

const MAX_KEY_CHARS = 60;
const MAX_DETAIL_CHARS = 100;

export interface ListHeading {
  readonly table: string;
  readonly statuses: readonly string[];
  readonly window: TimeWindow;
  readonly limit: number;
}

/** One line per job, oldest first, under a line saying what was asked, and a count (with a hint when cut). */
export function formatJobTable(list: JobList, heading: ListHeading): string {
  const what = `${heading.statuses.join('/')} jobs created ${heading.window.from} .. ${heading.window.to} in ${heading.table}`;
  if (list.jobs.length === 0) return `No ${what}.\n`;

  const rows = list.jobs.map((job) => [
    text(job.job_id),
    text(job.status),
    text(job.created_at),
    shortenStart(text(job.key), MAX_KEY_CHARS),
    shortenEnd(oneLine(detail(job)), MAX_DETAIL_CHARS),
  ]);
  const lines = alignColumns([['JOB ID', 'STATUS', 'CREATED AT', 'SOURCE KEY', 'DETAIL'], ...rows]);
  const count =
    list.total > list.jobs.length
      ? `${list.jobs.length} of ${list.total} jobs shown (the newest); raise --limit or narrow the window for the rest.`
      : `${list.total} job${list.total === 1 ? '' : 's'}.`;
  return `${what}:\n\n${lines.join('\n')}\n\n${count}\n`;
}

/** What a person looks for first: why a job failed, what a success produced, how far a running job got. */
export function detail(job: JobItem): string {
  switch (job.status) {
    case 'FAILED':
      return `${text(job.error_code)}: ${text(job.error_message)}`;
    case 'SUCCEEDED':
      return `records out ${text(job.records_out)} (in ${text(job.records_in)}, rejected ${text(job.records_rejected)})`;
    case 'RUNNING': {
      const progress = `stage ${text(job.stage)}, attempt ${text(job.attempt)}, lease until ${text(job.lease_expires_at)}`;
      return job.last_error === undefined ? progress : `${progress}; last error ${text(job.last_error)}`;
    }
    case 'REPLAY_REQUESTED':
      return `replay requested at ${text(job.replay_requested_at)}: runs as attempt ${Number(job.attempt) + 1}`;
    default:
      return '';
  }
}

// Identity and state first, then timing, then the source object, then everything else alphabetically.
const SHOW_ORDER = [
  'job_id',
  'status',
  'stage',
  'attempt',
  'error_code',
  'error_message',
  'last_error',
  'replays',
  'replay_requested_at',
  'created_at',
  'started_at',
  'lease_expires_at',
  'finished_at',
  'duration_ms',
  'bucket',
  'key',
  'version_id',
  'size',
  'etag',
  'dataset',
];

/** Every attribute of the item, one per line, names aligned. */
export function formatJob(job: JobItem): string {
  const rank = (name: string): number => {
    const index = SHOW_ORDER.indexOf(name);
    return index === -1 ? SHOW_ORDER.length : index;
  };
  const names = Object.keys(job).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(...names.map((name) => name.length));
  const indent = ' '.repeat(width + 2);
  return `${names.map((name) => `${name.padEnd(width)}  ${text(job[name]).replaceAll('\n', `\n${indent}`)}`).join('\n')}\n`;
}

/** For `--json`: stable, indented, and safe for the values DynamoDB returns (sets become arrays). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (v instanceof Set ? [...v] : v), 2)}\n`;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return toJson(value).trimEnd();
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function shortenEnd(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** Keeps the end of a key: the file name says more than the prefix. */
function shortenStart(value: string, max: number): string {
  return value.length <= max ? value : `…${value.slice(value.length - max + 1)}`;
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
