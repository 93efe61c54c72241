import { httpStatus, type Octokit } from './githubApi';
import { readPlanSummary } from './planStack';
import type { StackSummary } from './planReport';

/** One planned stack; `environment` is the GitHub environment its deploy jobs run in. */
export interface PlannedStack {
  readonly stack: string;
  readonly environment: string;
}

export type StackDrift = PlannedStack &
  (
    | { readonly status: 'in-sync' }
    | { readonly status: 'drift'; readonly summary: StackSummary }
    /** Changes while a deploy of the environment waits or runs: main's code is not applied yet, so they are (or hide in) that deploy. */
    | { readonly status: 'deploy-pending'; readonly summary: StackSummary; readonly deploy: string }
    /** No plan came back: terraform failed (exit 1) or the job did not run; its job log has the reason. */
    | { readonly status: 'no-plan' }
  );

/** Each expected stack's state from the plans the drift jobs left in `dir` (planStack's files). */
export function readDrift(dir: string, stacks: readonly PlannedStack[]): StackDrift[] {
  return stacks.map(({ stack, environment }) => {
    const summary = readPlanSummary(dir, stack);
    if (!summary) return { stack, environment, status: 'no-plan' };
    return summary.unchanged ? { stack, environment, status: 'in-sync' } : { stack, environment, status: 'drift', summary };
  });
}

/** The environments whose deploys could explain changes: those of the stacks that drift. */
export function driftingEnvironments(results: readonly StackDrift[]): string[] {
  return [...new Set(results.filter((r) => r.status === 'drift').map((r) => r.environment))];
}

/** Drift in an environment with a deploy on its way (`pending`: why, per environment) is reported as that deploy instead. */
export function withPendingDeploys(results: readonly StackDrift[], pending: ReadonlyMap<string, string>): StackDrift[] {
  return results.map((r) => {
    const deploy = pending.get(r.environment);
    return r.status === 'drift' && deploy !== undefined ? { stack: r.stack, environment: r.environment, status: 'deploy-pending', summary: r.summary, deploy } : r;
  });
}

const STATUS = {
  'in-sync': ':white_check_mark: in sync',
  drift: ':warning: drift',
  'deploy-pending': ':hourglass: deploy pending (not drift)',
  'no-plan': ':x: no plan (see the job log)',
} as const;

/** The run summary and issue body: one row per stack, then what drifted, then which deploys are on their way. */
export function renderDrift(results: readonly StackDrift[], runUrl: string | undefined): string {
  const rows = results.map((r) => {
    const counts = 'summary' in r ? `${r.summary.counts.add} / ${r.summary.counts.change} / ${r.summary.counts.replace} / ${r.summary.counts.destroy}` : '';
    return `| ${r.stack} | ${STATUS[r.status]} | ${counts} |`;
  });
  const drifted = results.flatMap((r) =>
    r.status === 'drift' ? [`**${r.stack}**`, '', ...r.summary.changes.map((c) => `- \`${c.address}\`: ${c.effect}`), ''] : [],
  );
  const pending = results.flatMap((r) => (r.status === 'deploy-pending' ? [`- **${r.stack}**: ${r.deploy}`] : []));
  return [
    '## Drift check',
    '',
    runUrl ? `Run: ${runUrl}` : '',
    '',
    '| stack | status | add / change / replace / destroy to converge |',
    '| --- | --- | --- |',
    ...rows,
    '',
    ...(drifted.length > 0 ? ['What terraform would change to bring each stack back to its definition:', '', ...drifted] : []),
    ...(pending.length > 0
      ? ["Deploy pending, not drift: main's code is on its way to these stacks, not applied yet, so their plans show (at least) that deploy; the next check after it has settled tells:", '', ...pending, '']
      : []),
    'Either apply the definition (merge to main redeploys, or re-run the deploy) or, if the change made by hand is wanted, put it in the code.',
  ].join('\n');
}

export const DRIFT_LABEL = 'drift';
const TITLE = 'Infrastructure drift detected';

/**
 * Keeps one open issue labelled `drift` in step with the check: opened or updated while any stack drifts or has no
 * plan, closed with a comment once none does. A pending deploy never opens or keeps the issue: it is not drift.
 */
export async function syncDriftIssue(octokit: Octokit, repository: { owner: string; repo: string }, results: readonly StackDrift[], body: string): Promise<string> {
  const { data: open } = await octokit.rest.issues.listForRepo({ ...repository, labels: DRIFT_LABEL, state: 'open', per_page: 10 });
  const existing = open.find((issue) => !issue.pull_request);
  if (results.every((r) => r.status === 'in-sync' || r.status === 'deploy-pending')) {
    const pending = results.filter((r) => r.status === 'deploy-pending').length;
    const state = pending === 0 ? 'every stack in sync' : `no drift; ${pending} stack${pending === 1 ? '' : 's'} with a deploy pending`;
    if (!existing) return `${state}; no drift issue open`;
    const news = pending === 0 ? 'Every stack is back in sync.' : 'No stack drifts any more; the changes left are deploys still on their way (listed below).';
    await octokit.rest.issues.createComment({ ...repository, issue_number: existing.number, body: `${news}\n\n${body}` });
    await octokit.rest.issues.update({ ...repository, issue_number: existing.number, state: 'closed', state_reason: 'completed' });
    return `closed ${existing.html_url}`;
  }
  if (existing) {
    await octokit.rest.issues.update({ ...repository, issue_number: existing.number, body });
    return `updated ${existing.html_url}`;
  }
  // GitHub drops labels that do not exist yet, and an unlabelled issue would never be found again: make sure it exists
  try {
    await octokit.rest.issues.createLabel({ ...repository, name: DRIFT_LABEL, color: 'd93f0b', description: 'Deployed infrastructure differs from main' });
  } catch (error) {
    if (httpStatus(error) !== 422) throw error; // 422: it exists already
  }
  const { data: created } = await octokit.rest.issues.create({ ...repository, title: TITLE, body, labels: [DRIFT_LABEL] });
  return `opened ${created.html_url}`;
}
