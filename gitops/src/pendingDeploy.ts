import type { Octokit } from './githubApi';
import { withTokenPermission } from './githubPermission';

/** Deployment states after which the job is over: nothing of it is still on its way. */
const SETTLED = new Set(['success', 'inactive', 'failure', 'error']);
/** GitHub fails a job still waiting for approval after 30 days, and a deploy job times out an hour after it starts. */
const LONGEST_DEPLOY_MS = (30 * 24 + 1) * 3600_000;
/** The newest deployments looked at: the apply jobs (one per changed region) of the last several runs. */
const LOOKED_AT = 30;

interface Repository {
  readonly owner: string;
  readonly repo: string;
}

/**
 * Every job with `environment:` records a GitHub deployment (its commit, then states such as waiting → queued →
 * in_progress → success). While one is unsettled — waiting for approval or running — main's code is on its way to
 * that environment and not applied yet, so a plan of main shows (at least) that deploy: what differs is not drift.
 * Returns why, for each of `environments` that has such a deploy.
 * - Per environment, not per stack: a deployment does not say which region's job made it.
 * - A failed or rejected deploy is settled: nothing will apply main's code any more, so what differs stays drift.
 * - A run that has not created its apply jobs yet (build, tests, plans) has no deployment to find: a check in that
 *   window still reports drift, and the next day's check corrects it.
 * - Deployments older than the longest a deploy can take are settled whatever their last state says.
 */
export async function pendingDeploys(octokit: Octokit, repository: Repository, environments: readonly string[], checkedOut: string, now: Date): Promise<Map<string, string>> {
  const pending = new Map<string, string>();
  for (const environment of environments) {
    const reason = await withTokenPermission('deployments: read', `list the deployments of ${environment}`, () => unsettledDeploy(octokit, repository, environment, checkedOut, now));
    if (reason) pending.set(environment, reason);
  }
  return pending;
}

async function unsettledDeploy(octokit: Octokit, repository: Repository, environment: string, checkedOut: string, now: Date): Promise<string | undefined> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repository, environment, per_page: LOOKED_AT });
  const recent = data.filter((d) => now.getTime() - Date.parse(d.created_at) < LONGEST_DEPLOY_MS).sort((a, b) => b.id - a.id);
  for (const deployment of recent) {
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repository, deployment_id: deployment.id, per_page: 100 });
    // the newest status (ids only grow) is the deployment's state; none yet: the job was only just created
    const newest = statuses.reduce<(typeof statuses)[number] | undefined>((found, status) => (found && found.id > status.id ? found : status), undefined);
    const state = newest?.state ?? 'pending';
    if (SETTLED.has(state)) continue;
    const commit = deployment.sha === checkedOut ? `${short(deployment.sha)} (the commit checked here)` : `${short(deployment.sha)} (checked here: ${short(checkedOut)})`;
    return `deploy of ${commit} to ${environment} is ${state}, since ${deployment.created_at.replace('T', ' ').replace('Z', ' UTC')}`;
  }
  return undefined;
}

const short = (sha: string) => sha.slice(0, 7);
