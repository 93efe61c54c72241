import { existsSync, readFileSync } from 'node:fs';
import type { PlanJson } from '../../infra/src/terraform/terraformCli';
import { httpStatus, type Octokit } from './githubApi';
import { planFiles } from './planStack';
import { summarizePlan, type StackSummary } from './planReport';

export type StackDrift =
  | { readonly stack: string; readonly status: 'in-sync' }
  | { readonly stack: string; readonly status: 'drift'; readonly summary: StackSummary }
  /** No plan came back: terraform failed (exit 1) or the job did not run; its job log has the reason. */
  | { readonly stack: string; readonly status: 'no-plan' };

/** Each expected stack's state from the plans the drift jobs left in `dir` (planStack's files). */
export function readDrift(dir: string, stacks: readonly string[]): StackDrift[] {
  return stacks.map((stack) => {
    const { json } = planFiles(dir, stack);
    if (!existsSync(json)) return { stack, status: 'no-plan' };
    const summary = summarizePlan(stack, JSON.parse(readFileSync(json, 'utf8')) as PlanJson);
    return summary.unchanged ? { stack, status: 'in-sync' } : { stack, status: 'drift', summary };
  });
}

const STATUS = { 'in-sync': ':white_check_mark: in sync', drift: ':warning: drift', 'no-plan': ':x: no plan (see the job log)' } as const;

/** The run summary and issue body: one row per stack, then what drifted. */
export function renderDrift(results: readonly StackDrift[], runUrl: string | undefined): string {
  const rows = results.map((r) => {
    const counts = r.status === 'drift' ? `${r.summary.counts.add} / ${r.summary.counts.change} / ${r.summary.counts.replace} / ${r.summary.counts.destroy}` : '';
    return `| ${r.stack} | ${STATUS[r.status]} | ${counts} |`;
  });
  const drifted = results.flatMap((r) =>
    r.status === 'drift' ? [`**${r.stack}**`, '', ...r.summary.changes.map((c) => `- \`${c.address}\`: ${c.effect}`), ''] : [],
  );
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
    'Either apply the definition (merge to main redeploys, or re-run the deploy) or, if the change made by hand is wanted, put it in the code.',
  ].join('\n');
}

export const DRIFT_LABEL = 'drift';
const TITLE = 'Infrastructure drift detected';

/**
 * Keeps one open issue labelled `drift` in step with the check: opened or updated while any stack drifts or has no
 * plan, closed with a comment once every stack is in sync.
 */
export async function syncDriftIssue(octokit: Octokit, repository: { owner: string; repo: string }, results: readonly StackDrift[], body: string): Promise<string> {
  const { data: open } = await octokit.rest.issues.listForRepo({ ...repository, labels: DRIFT_LABEL, state: 'open', per_page: 10 });
  const existing = open.find((issue) => !issue.pull_request);
  const clean = results.every((r) => r.status === 'in-sync');
  if (clean) {
    if (!existing) return 'every stack in sync; no drift issue open';
    await octokit.rest.issues.createComment({ ...repository, issue_number: existing.number, body: `Every stack is back in sync.\n\n${body}` });
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
