/**
 * On-demand copies of the platform: an ephemeral environment folder (e.g. environments/dev) is a template, and a copy
 * is that template under a suffix given at deploy time. Copies' suffixes carry a reserved prefix that no environment
 * folder may use, so their names, state keys and IAM scopes can never meet prod's or staging's.
 *
 * What a copy is lives in one record, `analytics/ephemeral/<suffix>/copy.json` in the template's state bucket, next
 * to its regions' state: the deploy writes it before applying (a half-applied copy is still found and reaped), the
 * reaper lists the records, the destroy removes the states and then the record.
 */
import { z } from 'zod';
import { EnvironmentError } from './errors';
import { environmentSchema } from './environmentSchema';
import type { Environment } from './loadEnvironments';
import { issueMessages, formatIssues } from './formatIssues';

/** Every copy's suffix starts with it; environment folders may not (their suffix, their folder name). */
export const COPY_PREFIX = 'eph-';

/** Where copies keep their state and records; the copies' deploy role reaches only this prefix of the state bucket. */
export const COPY_STATE_PREFIX = 'analytics/ephemeral/';

export const DEFAULT_TTL_HOURS = 24;
/** A week: past that a copy is no longer a preview; give it an environment folder. */
export const MAX_TTL_HOURS = 168;

/** The deploy role every copy in an account uses (the bootstrap stack creates it when the account has a template). */
export const COPY_DEPLOY_ROLE_NAME = 'analytics-deploy-ephemeral-copies';

export function copyDeployRoleArn(account: string): string {
  return `arn:aws:iam::${account}:role/${COPY_DEPLOY_ROLE_NAME}`;
}

export function copyStateKey(suffix: string, region: string): string {
  return `${COPY_STATE_PREFIX}${suffix}/${region}.tfstate`;
}

export function copyRecordKey(suffix: string): string {
  return `${COPY_STATE_PREFIX}${suffix}/copy.json`;
}

/** Whether a suffix or an environment name is a copy's. */
export function isCopySuffix(suffix: string): boolean {
  return suffix.startsWith(COPY_PREFIX);
}

/**
 * Why an environment folder may not use `suffix`, if it may not: a copy's prefix at its start, or anywhere after a
 * hyphen (the copies' role matches names `analytics-<type>-<region>-eph-*`, which `-eph-` inside a suffix would meet).
 */
export function reservedSuffixProblem(suffix: string): string | undefined {
  if (!isCopySuffix(suffix) && !suffix.includes(`-${COPY_PREFIX}`)) return undefined;
  return `"${suffix}" holds "${COPY_PREFIX}", the prefix reserved for on-demand copies (their deploy role may manage every name that has it); choose another suffix`;
}

/** A GitHub login as a tag value: letters, digits and hyphens; an app's `name[bot]` as `name@bot` (tags take no brackets). */
const CREATOR = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:@bot)?$/;

/** The `createdBy` of a copy asked for by `login` (github.actor, or an event's sender). */
export function creatorOf(login: string): string {
  return login.replace(/\[bot\]$/, '@bot');
}

/** A copy: made from which template, under which suffix, by whom, until when. */
export const copyRecordSchema = z
  .object({
    template: z.string().min(1),
    suffix: z.string().startsWith(COPY_PREFIX, { error: `must start with "${COPY_PREFIX}", the prefix of on-demand copies` }),
    /** ISO 8601 UTC, whole seconds: the moment the reaper may destroy it. */
    expiresAt: z.iso.datetime({ offset: false, precision: 0, error: 'must be a UTC time such as "2026-12-04T18:00:00Z"' }),
    createdBy: z.string().regex(CREATOR, { error: 'must be a GitHub login (an app\'s "name[bot]" written "name@bot": tag values take no brackets)' }),
    /** The pull request a `preview` label made it for. */
    pullRequest: z.int().min(1).optional(),
  })
  .strict();

export type CopyRecord = z.infer<typeof copyRecordSchema>;

/** The tags every resource of a copy carries on top of its template's, for people and for the reaper's listing. */
export function copyTags(copy: CopyRecord): Record<string, string> {
  return {
    Suffix: copy.suffix,
    Template: copy.template,
    ExpiresAt: copy.expiresAt,
    CreatedBy: copy.createdBy,
    ...(copy.pullRequest === undefined ? {} : { PullRequest: String(copy.pullRequest) }),
  };
}

/** A time as copy records write it: ISO 8601 UTC to the second (the milliseconds dropped). */
export function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `now` + `ttlHours`, as a copy's expiresAt; the TTL is whole hours from 1 to {@link MAX_TTL_HOURS}. */
export function expiresAt(now: Date, ttlHours: number): string {
  if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > MAX_TTL_HOURS) {
    throw new EnvironmentError([`ttl-hours: "${ttlHours}" must be a whole number of hours from 1 to ${MAX_TTL_HOURS} (a week); a copy needed for longer deserves an environment folder`]);
  }
  return isoSeconds(new Date(now.getTime() + ttlHours * 3_600_000));
}

/**
 * The environment a copy deploys as: its template's definition (account, regions and CIDRs, settings, state bucket)
 * under the copy's suffix, named for the suffix (stacks `<suffix>-<region>`), with the copies' deploy role. Checked by
 * the same schema as a folder, so every name fits AWS's limits in every region of the template. Copies of one
 * template share its CIDR blocks: each has its own VPCs, never peered, so the overlap is harmless.
 */
export function copyEnvironment(environments: readonly Environment[], copy: CopyRecord): Environment {
  const where = `copy ${copy.suffix}`;
  const record = copyRecordSchema.safeParse(copy, { error: issueMessages });
  if (!record.success) throw new EnvironmentError(formatIssues(where, copyRecordSchema, record.error.issues));
  const template = environments.find((env) => env.name === copy.template);
  const templates = environments.filter((env) => env.ephemeral).map((env) => env.name);
  const choices = templates.length > 0 ? `templates (ephemeral environments): ${templates.join(', ')}` : 'no environment is ephemeral, so none is a template';
  if (!template) throw new EnvironmentError([`${where}: template: no environment "${copy.template}"; ${choices}`]);
  if (!template.ephemeral) {
    throw new EnvironmentError([`${where}: template: ${template.file} is not ephemeral: true; copies are made from ephemeral environments only (${choices})`]);
  }
  const { name: _name, file: _file, copy: _copy, ...definition } = template;
  const parsed = environmentSchema.safeParse({ ...definition, suffix: copy.suffix }, { error: issueMessages });
  if (!parsed.success) throw new EnvironmentError(formatIssues(`${where} of ${template.file}`, environmentSchema, parsed.error.issues));
  // a folder's deploy role manages the names ending in -<its suffix>: a copy's must not
  const owner = environments.find((env) => copy.suffix.endsWith(`-${env.suffix}`));
  if (owner) {
    throw new EnvironmentError([
      `${where}: suffix: "${copy.suffix}" ends with "-${owner.suffix}", so ${owner.name}'s deploy role (${owner.file}) would reach the copy's resources; choose a suffix that does not`,
    ]);
  }
  return {
    ...parsed.data,
    roles: { ...parsed.data.roles, deploy: copyDeployRoleArn(template.account) },
    name: copy.suffix,
    file: template.file,
    copy: record.data,
  };
}
