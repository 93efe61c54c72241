import { type CopyRecord, isoSeconds } from '../../infra/src/config/ephemeralCopy';
import { FlagError } from '../../infra/src/config/errors';
import type { Environment } from '../../infra/src/config/loadEnvironments';
import { listAllCopies, type ListedCopy } from './copyRegistry';
import { UsageError } from './errors';

/** Whether the copy's time is up at `now`: the reaper destroys it from then on. */
export function isExpired(record: CopyRecord, now: Date): boolean {
  return Date.parse(record.expiresAt) <= now.getTime();
}

/** The `copies` table: one row per copy in every template's state bucket, expired ones marked. */
export function renderCopies(copies: readonly ListedCopy[], now: Date): string {
  const rows = copies.map(({ suffix, record, problem, regions, bucket }) => {
    const state = regions.length > 0 ? regions.join(', ') : 'none';
    if (!record) return `| ${suffix} | :warning: ${problem} | | | | ${state} | ${bucket.bucket} |`;
    const expires = `${record.expiresAt}${isExpired(record, now) ? ' :hourglass: **expired**' : ''}`;
    return `| ${suffix} | ${record.template} | ${expires} | ${record.createdBy} | ${record.pullRequest === undefined ? '' : `#${record.pullRequest}`} | ${state} | ${bucket.bucket} |`;
  });
  const expired = copies.filter((c) => c.record && isExpired(c.record, now)).length;
  return [
    `## On-demand copies at ${isoSeconds(now)}`,
    '',
    copies.length === 0
      ? 'No copies in the state buckets of the templates.'
      : `${copies.length} cop${copies.length === 1 ? 'y' : 'ies'}, ${expired} expired (the reaper destroys those on its next run).`,
    '',
    ...(copies.length === 0
      ? []
      : ['| suffix | template | expires | created by | pull request | regions with state | state bucket |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, '']),
  ].join('\n');
}

/** `--now <ISO time>`: the clock the expiry is read against (tests; a look ahead); the real one without it. */
export function parseNow(value: string | undefined, usage: string): Date {
  if (value === undefined) return new Date();
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) throw new UsageError(`--now ${value}: not an ISO 8601 time such as 2026-12-04T18:00:00Z\nusage: ${usage}`);
  return new Date(time);
}

/** `[--template <name>] [--account <id>]`: which templates' copies a command reads (a job's role reaches one account). */
export interface TemplateFilter {
  readonly template?: string;
  readonly account?: string;
}

/**
 * The copies in the state buckets of the templates the filter leaves: all by default; with `--template`, that
 * template's copies (and any without a readable record in its bucket, for the refusals to name).
 */
export async function listTemplateCopies(environments: readonly Environment[], filter: TemplateFilter): Promise<ListedCopy[]> {
  const templates = environments.filter((env) => env.ephemeral);
  const names = templates.map((env) => `${env.name} (account ${env.account})`).join(', ') || 'none';
  const chosen = templates.filter((env) => (filter.template === undefined || env.name === filter.template) && (filter.account === undefined || env.account === filter.account));
  if (chosen.length === 0 && filter.template !== undefined) {
    throw new FlagError(`--template ${filter.template}${filter.account === undefined ? '' : ` --account ${filter.account}`}: no such template; templates (ephemeral environments): ${names}`);
  }
  if (chosen.length === 0 && filter.account !== undefined) throw new FlagError(`--account ${filter.account}: no template (ephemeral environment) in that account; templates: ${names}`);
  const copies = await listAllCopies(chosen);
  return filter.template === undefined ? copies : copies.filter((copy) => !copy.record || copy.record.template === filter.template);
}
