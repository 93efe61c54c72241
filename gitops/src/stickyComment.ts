/**
 * The one plan comment a pull request carries: written by our workflow's bot, found again by its marker, overwritten
 * by every later run, and read after the merge for the plan that was reviewed (reviewedPlan.ts). The preview's comment
 * (previewComment.ts) is kept the same way under a marker of its own.
 */
import type { Octokit } from './githubApi';
import { REPORT_MARKER } from './planReport';

/** Who comments with the workflow's GITHUB_TOKEN; only its comments are ever edited or trusted. */
export const BOT_LOGIN = 'github-actions[bot]';

export interface PullRequest {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

/** Our plan comment on the pull request (or our comment starting with `marker`), if it has one. */
export async function findPlanComment(octokit: Octokit, pr: PullRequest, marker = REPORT_MARKER): Promise<{ id: number; body: string } | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 });
  // the marker alone is not enough: anyone can quote it, and only our bot's comment is ours
  const own = comments.find((c) => c.user?.login === BOT_LOGIN && c.user.type === 'Bot' && c.body?.startsWith(marker));
  return own ? { id: own.id, body: own.body ?? '' } : undefined;
}

/**
 * Updates this workflow's earlier comment on the pull request (the one starting with `marker`, which `body` starts
 * with too), else creates it; resolves with the comment's URL.
 */
export async function upsertComment(octokit: Octokit, pr: PullRequest, body: string, marker = REPORT_MARKER): Promise<{ action: 'created' | 'updated'; url: string }> {
  const own = await findPlanComment(octokit, pr, marker);
  if (own) {
    const { data } = await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: own.id, body });
    return { action: 'updated', url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
  return { action: 'created', url: data.html_url };
}
