import type { Environment } from '../../infra/src/config/loadEnvironments';
import { httpStatus, type Octokit } from './githubApi';
import { withTokenPermission } from './githubPermission';

/** The one branch that may deploy a non-ephemeral environment: merge to main is its only way in. */
export const DEPLOY_BRANCH = 'main';

export type ProtectionVerdict = { readonly ok: boolean; readonly message: string };

interface Repository {
  readonly owner: string;
  readonly repo: string;
}

/**
 * Whether the GitHub environment a deploy job will name is safe to name, checked before any job names it or assumes
 * a role (the deploy roles trust the OIDC subject `environment:<name>`, so this setting is what keeps branches out):
 * - it must exist: a job naming a missing environment creates it, with no protection at all;
 * - a non-ephemeral environment must allow deployments from `main` only: "Selected branches and tags" holding exactly
 *   one rule, the branch `main`. "Protected branches only" is refused too: it admits every branch that has a branch
 *   protection rule or ruleset (a release branch, or any branch someone protects later), not main alone;
 * - an ephemeral environment is deployed from any branch by design (deploy-ephemeral), so existing is enough.
 * `settingsUrl` is the repository's Settings → Environments page, named in every refusal.
 */
export async function checkEnvironmentProtection(
  octokit: Octokit,
  repository: Repository,
  environment: Pick<Environment, 'name' | 'ephemeral' | 'file'>,
  settingsUrl: string,
): Promise<ProtectionVerdict> {
  const name = environment.name;
  const read = <T>(what: string, call: () => Promise<T>) => withTokenPermission('actions: read', what, call);
  const mainOnly = `set "Deployment branches and tags" to "Selected branches and tags" with exactly one rule: Ref type Branch, name pattern "${DEPLOY_BRANCH}"`;
  const fix = `In Settings → Environments → ${name} (${settingsUrl}) ${mainOnly}; ${environment.file} is not ephemeral, so only merges to ${DEPLOY_BRANCH} may deploy it.`;

  let found;
  try {
    found = await read(`read the GitHub environment "${name}"`, () => octokit.rest.repos.getEnvironment({ ...repository, environment_name: name }));
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
    const then = environment.ephemeral ? '' : `, then ${mainOnly}`;
    return {
      ok: false,
      message:
        `GitHub environment "${name}" does not exist, and the first job naming it would create it without any protection. ` +
        `Create it in Settings → Environments → New environment (${settingsUrl}), named "${name}"${then}.`,
    };
  }
  if (environment.ephemeral) return { ok: true, message: `GitHub environment "${name}" exists (ephemeral: any branch may deploy it)` };

  const policy = found.data.deployment_branch_policy;
  if (!policy) return { ok: false, message: `GitHub environment "${name}" lets every branch deploy ("Deployment branches and tags": No restriction). ${fix}` };
  if (policy.protected_branches) {
    return {
      ok: false,
      message: `GitHub environment "${name}" allows "Protected branches only": every branch with a protection rule may deploy, not ${DEPLOY_BRANCH} alone. ${fix}`,
    };
  }
  const { data } = await read(`list the deployment branch rules of "${name}"`, () =>
    octokit.rest.repos.listDeploymentBranchPolicies({ ...repository, environment_name: name, per_page: 100 }),
  );
  // `type` came with tag rules; a rule listed without it is a branch rule
  const rules = data.branch_policies.map((rule) => ({ name: rule.name ?? '', type: rule.type ?? 'branch' }));
  const [only] = rules;
  if (data.total_count === 1 && only?.name === DEPLOY_BRANCH && only.type === 'branch') {
    return { ok: true, message: `GitHub environment "${name}" exists and only the branch ${DEPLOY_BRANCH} may deploy it` };
  }
  const listed = rules.length > 0 ? rules.map((rule) => `${rule.type} "${rule.name}"`).join(', ') : 'none';
  return { ok: false, message: `GitHub environment "${name}" has the deployment rules: ${listed}. ${fix}` };
}
