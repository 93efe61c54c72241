/**
 * A request for an on-demand copy (deploy-ephemeral with an `eph-` suffix, or a pull request's `preview` label),
 * checked before anything is synthesized or assumed: the template it is made from, its suffix, its lifetime, who asked.
 * The refusals name what to type instead; copyEnvironment (infra) then holds the copy to the folders' schema.
 */
import { COPY_PREFIX, copyDeployRoleArn, copyEnvironment, type CopyRecord, creatorOf, expiresAt, isCopySuffix } from '../../infra/src/config/ephemeralCopy';
import type { Environment } from '../../infra/src/config/loadEnvironments';
import { GitopsError } from './errors';
import { PREVIEW_PREFIX, previewSuffix } from './previewEvent';
import { matrixJson, stackEntries } from './stackMatrix';

export interface CopyRequest {
  /** The ephemeral environment to copy; default: the only one there is. */
  readonly template?: string;
  readonly suffix: string;
  /** Whole hours, 1 to MAX_TTL_HOURS (a week). */
  readonly ttlHours: number;
  /** The GitHub login that asked (github.actor, or the event's sender). */
  readonly actor: string;
  readonly pullRequest?: number;
  readonly now: Date;
}

export interface Copy {
  readonly record: CopyRecord;
  /** The copy as an environment: stacks `<suffix>-<region>`, the copies' deploy role. */
  readonly environment: Environment;
  /** The template's folder environment: its GitHub environment is the OIDC subject the copies' role trusts. */
  readonly template: Environment;
}

/** The template a request names, or the only ephemeral environment when it names none. */
export function templateFor(environments: readonly Environment[], name: string | undefined): Environment {
  const templates = environments.filter((env) => env.ephemeral);
  const listed = templates.map((env) => `${env.name} (${env.file})`).join(', ');
  if (name === undefined || name.trim() === '') {
    if (templates.length === 1) return templates[0]!;
    if (templates.length === 0) throw new GitopsError('refused: no environment is ephemeral: true, so there is no template to copy; define one (e.g. environments/dev)');
    throw new GitopsError(`refused: several templates (ephemeral environments): ${listed}; name one with --template (previews: on the preview step of .github/workflows/preview.yml)`);
  }
  const template = environments.find((env) => env.name === name.trim());
  if (template?.ephemeral) return template;
  const why = template ? `${template.file} is not ephemeral: true (protected; never copied)` : `no environment "${name.trim()}"`;
  throw new GitopsError(`refused: template "${name.trim()}": ${why}; templates (ephemeral environments): ${listed || 'none'}`);
}

/**
 * Why `suffix` cannot name a copy, if it cannot: an environment folder's suffix, no copy prefix, or another pull
 * request's preview suffix (closing that pull request would destroy it).
 */
function suffixProblem(environments: readonly Environment[], suffix: string, pullRequest: number | undefined): string | undefined {
  const owner = environments.find((env) => env.suffix === suffix);
  if (owner && !owner.ephemeral) {
    return `refused: "${suffix}" is the suffix of ${owner.file}, a protected environment; a copy never takes an environment's suffix (copies' suffixes start with "${COPY_PREFIX}")`;
  }
  // not "eph-<suffix>": a copy's suffix may not end in a folder's "-<suffix>" (that folder's role would reach it)
  if (owner) return `refused: "${suffix}" is the suffix of ${owner.file}, an environment folder: deploy it by that suffix, or make a copy under a suffix of your own, e.g. "${COPY_PREFIX}${suffix}1"`;
  if (!isCopySuffix(suffix)) return `refused: suffix "${suffix}" lacks the copies' prefix "${COPY_PREFIX}"; use "${COPY_PREFIX}${suffix}"`;
  if (suffix.startsWith(PREVIEW_PREFIX) && (pullRequest === undefined || suffix !== previewSuffix(pullRequest))) {
    return `refused: "${PREVIEW_PREFIX}…" suffixes are pull-request previews (closing the pull request destroys them); choose another, e.g. "${COPY_PREFIX}${suffix.slice(PREVIEW_PREFIX.length) || 'mine'}"`;
  }
  return undefined;
}

/** The copy a request describes, or a refusal (GitopsError/EnvironmentError) saying why and what to type instead. */
export function requestCopy(environments: readonly Environment[], request: CopyRequest): Copy {
  const suffix = request.suffix.trim();
  const problem = suffixProblem(environments, suffix, request.pullRequest);
  if (problem) throw new GitopsError(problem);
  const template = templateFor(environments, request.template);
  const record: CopyRecord = {
    template: template.name,
    suffix,
    expiresAt: expiresAt(request.now, request.ttlHours),
    createdBy: creatorOf(request.actor),
    ...(request.pullRequest === undefined ? {} : { pullRequest: request.pullRequest }),
  };
  return { record, environment: copyEnvironment(environments, record), template };
}

/** What the next jobs need: the GitHub environment (the template's), the suffix, the copy's stack matrix, the record. */
export function copyOutputs(copy: Copy): Record<string, string> {
  return {
    environment: copy.template.name,
    suffix: copy.record.suffix,
    matrix: matrixJson(stackEntries([copy.environment])),
    'expires-at': copy.record.expiresAt,
    record: JSON.stringify(copy.record),
  };
}

/**
 * What a job that destroys or reaps copies of `template` needs: the GitHub environment whose OIDC subject the copies'
 * role trusts, that role, and the region of the state bucket (the copies' records and state).
 */
export function copyRoleOutputs(template: Environment): Record<'environment' | 'copy-role' | 'copy-region', string> {
  return { environment: template.name, 'copy-role': copyDeployRoleArn(template.account), 'copy-region': template.state.region };
}

/** One reaper job per account that has templates: the copies' role there, assumed through its first template's environment. */
export interface TemplateAccount {
  readonly account: string;
  /** The templates whose copies this job reaps, comma-separated. */
  readonly templates: string;
  readonly environment: string;
  readonly deployRole: string;
  readonly region: string;
}

export function templateAccounts(environments: readonly Environment[]): TemplateAccount[] {
  const byAccount = new Map<string, Environment[]>();
  for (const env of environments.filter((e) => e.ephemeral)) byAccount.set(env.account, [...(byAccount.get(env.account) ?? []), env]);
  return [...byAccount].map(([account, templates]) => {
    const first = copyRoleOutputs(templates[0]!);
    return { account, templates: templates.map((t) => t.name).join(','), environment: first.environment, deployRole: first['copy-role'], region: first['copy-region'] };
  });
}

/** How a copy is extended and destroyed, as its summary or comment tells it. */
export interface CopyInstructions {
  readonly extend: string;
  readonly destroy: string;
}

/** The copy's lines of a job summary or comment: regions, expiry, how to extend or destroy it, what forgetting costs. */
export function copyDescription(record: CopyRecord, regions: readonly string[], how: CopyInstructions): string {
  return [
    `Copy \`${record.suffix}\` of the template \`${record.template}\`, made by ${record.createdBy}${record.pullRequest === undefined ? '' : ` for #${record.pullRequest}`}.`,
    `Regions: ${regions.join(', ')} (stacks \`${record.suffix}-<region>\`).`,
    '',
    `- **Expires** ${record.expiresAt}: the hourly reaper destroys it after that; forgotten, it costs nothing past its expiry.`,
    `- **Extend**: ${how.extend}`,
    `- **Destroy now**: ${how.destroy}`,
    '',
  ].join('\n');
}

/** Extending and destroying a copy made from the Actions tab. */
export const DISPATCH_INSTRUCTIONS: CopyInstructions = {
  extend: 'run **deploy-ephemeral** again with the same suffix and a new `ttl-hours` (counted from that run, at most a week).',
  destroy: 'run **destroy** with the suffix typed twice.',
};

/** Extending and destroying a pull request's preview. */
export const PREVIEW_INSTRUCTIONS: CopyInstructions = {
  extend: 'push a commit, or re-run the last **preview** run: each deploy sets the expiry anew from then.',
  destroy: 'remove the label `preview`, or close the pull request.',
};
