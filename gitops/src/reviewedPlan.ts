/**
 * "Apply what was reviewed": after a merge, each stack's plan is compared with the plan its pull request showed.
 * Flow: the pushed commit → the merged pull request that produced it → our bot's plan comment on it → the record of
 * digests (planDigest.ts) → per stack same, different or unknown. Finding nothing to compare with is a note, never a
 * failure: a direct push, or a pull request whose plans did not run, has no reviewed plan.
 */
import { GitopsError } from './errors';
import { httpStatus, type Octokit } from './githubApi';
import { digestDifference, digestOf, type PlanDigest, readRecord, type ReviewRecord } from './planDigest';
import type { StackSummary } from './planReport';
import { findPlanComment } from './stickyComment';

/** A merged pull request and what its plan comment recorded, or why there is nothing to compare with. */
export type ReviewedPlans = { readonly pullRequest: number; readonly record: ReviewRecord } | { readonly unknown: string };

export type ReviewVerdict =
  /** The same resources and outputs change, with the same effects, as the pull request showed. */
  | { readonly stack: string; readonly verdict: 'same'; readonly pullRequest: number; readonly reviewedCommit?: string }
  /** `added`: planned now, not shown on the pull request; `removed`: shown there, not planned now. */
  | { readonly stack: string; readonly verdict: 'different'; readonly pullRequest: number; readonly reviewedCommit?: string; readonly added: PlanDigest; readonly removed: PlanDigest }
  /** Nothing to compare with; `reason` says why. */
  | { readonly stack: string; readonly verdict: 'unknown'; readonly reason: string };

export type Reviewed = ReviewVerdict['verdict'];

const short = (sha: string) => sha.slice(0, 12);

/**
 * The plans reviewed on the pull request that produced `commit`: GitHub lists the merged pull request that brought a
 * commit into the default branch; the one whose merge commit it is wins (a squash or merge commit), else the first
 * merged one (a rebase merge). Its comment must be of the pull request's last commit, or it shows an older plan.
 */
export async function findReviewedPlans(octokit: Octokit, repository: { owner: string; repo: string }, commit: string): Promise<ReviewedPlans> {
  try {
    const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repository, commit_sha: commit, per_page: 100 });
    const merged = pulls.filter((p) => p.merged_at !== null);
    const pr = merged.find((p) => p.merge_commit_sha === commit) ?? merged[0];
    if (!pr) return { unknown: `commit \`${short(commit)}\` came from no merged pull request (pushed to the branch directly?)` };
    const comment = await findPlanComment(octokit, { ...repository, number: pr.number });
    if (!comment) return { unknown: `#${pr.number} has no plan comment: its plans never ran, or the comment was deleted` };
    const record = readRecord(comment.body);
    if (!record) return { unknown: `the plan comment on #${pr.number} records no reviewed plan (written before plans were recorded)` };
    if (record.notRun !== undefined) return { unknown: `#${pr.number} was merged without plans for its last commit: ${record.notRun}` };
    if (record.commit !== pr.head.sha) {
      return { unknown: `the plan comment on #${pr.number} shows the plans of commit \`${short(record.commit ?? 'unknown')}\`, not of its last commit \`${short(pr.head.sha)}\`` };
    }
    return { pullRequest: pr.number, record };
  } catch (error) {
    // GitHub unreachable or refusing: the approvers are told; the deploy does not hinge on the comment API
    const status = httpStatus(error);
    if (status === undefined && !(error instanceof GitopsError)) throw error;
    const hint = status === 403 || status === 404 ? ' (the job needs `permissions: pull-requests: read`)' : '';
    return { unknown: `could not read the pull request's plan comment: ${(error as Error).message}${hint}` };
  }
}

export function compareWithReviewed(summaries: readonly StackSummary[], reviewed: ReviewedPlans): ReviewVerdict[] {
  return summaries.map((summary): ReviewVerdict => {
    const { stack } = summary;
    if ('unknown' in reviewed) return { stack, verdict: 'unknown', reason: reviewed.unknown };
    const { pullRequest, record } = reviewed;
    const shown = record.stacks[stack];
    if (!shown) return { stack, verdict: 'unknown', reason: `the plan comment on #${pullRequest} has no plan of \`${stack}\` (its plan job failed there, or the stack is newer)` };
    const { added, removed } = digestDifference(shown, digestOf(summary));
    const reviewedCommit = record.commit;
    return added.length + removed.length === 0 ? { stack, verdict: 'same', pullRequest, reviewedCommit } : { stack, verdict: 'different', pullRequest, reviewedCommit, added, removed };
  });
}

/** One word for the step output: any difference outweighs any unknown, which outweighs sameness. */
export function overallVerdict(verdicts: readonly ReviewVerdict[]): Reviewed {
  if (verdicts.some((v) => v.verdict === 'different')) return 'different';
  return verdicts.length > 0 && verdicts.every((v) => v.verdict === 'same') ? 'same' : 'unknown';
}
