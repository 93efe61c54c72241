import { copyRecordKey } from '../../infra/src/config/ephemeralCopy';
import { httpStatus, type Octokit } from './githubApi';
import type { ReapOutcome, RecordedCopy } from './reaper';

/** The run summary: one row per copy the run reaped, the reason under each failure. */
export function renderReap(outcomes: readonly ReapOutcome[], what: string, runUrl: string | undefined): string {
  const rows = outcomes.map(({ copy, ...outcome }) => {
    const result =
      outcome.status === 'destroyed'
        ? ':white_check_mark: destroyed'
        : outcome.status === 'extended'
          ? `:fast_forward: extended to ${outcome.expiresAt} meanwhile: left`
          : `:x: failed${outcome.left.length > 0 ? ` (state left in ${outcome.left.join(', ')})` : ''}`;
    return `| ${copy.suffix} | ${copy.record.template} | ${copy.record.expiresAt} | ${copy.record.createdBy} | ${result} |`;
  });
  const failures = outcomes.flatMap((o) => (o.status === 'failed' ? [`**${o.copy.suffix}**`, '', '```', o.reason, '```', ''] : []));
  return [
    `## Reaper: ${what}`,
    '',
    runUrl ? `Run: ${runUrl}` : '',
    '',
    ...(outcomes.length === 0
      ? ['Nothing to destroy.']
      : ['| copy | template | expires | created by | result |', '| --- | --- | --- | --- | --- |', ...rows, '', ...(failures.length > 0 ? ['Why:', '', ...failures] : [])]),
  ].join('\n');
}

export const COPY_ISSUE_LABEL = 'ephemeral-copy';
const title = (suffix: string) => `Ephemeral copy ${suffix} could not be destroyed`;

function issueBody(copy: RecordedCopy, reason: string, runUrl: string | undefined): string {
  return [
    `The reaper could not destroy the on-demand copy **${copy.suffix}** (template ${copy.record.template}, created by @${copy.record.createdBy}, expired ${copy.record.expiresAt}).`,
    runUrl ? `\nLast attempt: ${runUrl}` : '',
    '',
    '```',
    reason,
    '```',
    '',
    `Each reaper run tries again and closes this issue once it succeeds. Its record is s3://${copy.bucket.bucket}/${copyRecordKey(copy.suffix)}; ` +
      'if the copy cannot be destroyed by the reaper (e.g. its template is gone), delete its resources by hand, then its state and record.',
  ].join('\n');
}

/**
 * One open issue per copy that could not be destroyed, found again by its label and title: opened, or updated with
 * the latest reason; closed with a comment once a run destroys the copy.
 */
export async function syncCopyIssues(octokit: Octokit, repository: { owner: string; repo: string }, outcomes: readonly ReapOutcome[], runUrl: string | undefined): Promise<string[]> {
  // one page: a hundred copies failing at once would be a bigger story than these issues tell
  const { data: open } = await octokit.rest.issues.listForRepo({ ...repository, labels: COPY_ISSUE_LABEL, state: 'open', per_page: 100 });
  const issueOf = (suffix: string) => open.find((issue) => !issue.pull_request && issue.title === title(suffix));
  const done: string[] = [];
  let labelled = false;
  for (const outcome of outcomes) {
    const existing = issueOf(outcome.copy.suffix);
    if (outcome.status === 'extended') continue;
    if (outcome.status === 'destroyed') {
      if (!existing) continue;
      await octokit.rest.issues.createComment({ ...repository, issue_number: existing.number, body: `Destroyed${runUrl ? ` by ${runUrl}` : ''}.` });
      await octokit.rest.issues.update({ ...repository, issue_number: existing.number, state: 'closed', state_reason: 'completed' });
      done.push(`closed ${existing.html_url}`);
      continue;
    }
    const body = issueBody(outcome.copy, outcome.reason, runUrl);
    if (existing) {
      await octokit.rest.issues.update({ ...repository, issue_number: existing.number, body });
      done.push(`updated ${existing.html_url}`);
      continue;
    }
    if (!labelled) await ensureLabel(octokit, repository);
    labelled = true;
    const { data: created } = await octokit.rest.issues.create({ ...repository, title: title(outcome.copy.suffix), body, labels: [COPY_ISSUE_LABEL] });
    done.push(`opened ${created.html_url}`);
  }
  return done;
}

/** GitHub drops labels that do not exist yet, and an unlabelled issue would never be found again. */
async function ensureLabel(octokit: Octokit, repository: { owner: string; repo: string }): Promise<void> {
  try {
    await octokit.rest.issues.createLabel({ ...repository, name: COPY_ISSUE_LABEL, color: 'd93f0b', description: 'An on-demand copy the reaper could not destroy' });
  } catch (error) {
    if (httpStatus(error) !== 422) throw error; // 422: it exists already
  }
}
