import * as core from '@actions/core';
import { Context } from '@actions/github/lib/context';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanJson } from '../../infra/src/terraform/terraformCli';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment, httpStatus, type Octokit, workflowRunUrl } from './githubApi';
import { planFiles } from './planStack';
import { renderComment, renderJobSummary, REPORT_MARKER, type ReportOptions, type StackPlan } from './planReport';

const USAGE = "npm run gitops -- plan-comment --plans plans [--artifact plans] [--matrix '<the plan matrix JSON>']";
/** Who comments with the workflow's GITHUB_TOKEN; only its comments are ever edited. */
export const BOT_LOGIN = 'github-actions[bot]';

/** Every `<stack>.json` + `<stack>.txt` under `dir`, also in subfolders (one per downloaded artifact); none when `dir` is missing. */
export function readPlans(dir: string): StackPlan[] {
  if (!existsSync(dir)) return [];
  const jsonFiles = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json'));
  const plans = jsonFiles.map((file) => {
    const stack = path.basename(file, '.json');
    const files = planFiles(path.join(dir, path.dirname(file)), stack);
    return { stack, plan: JSON.parse(readFileSync(files.json, 'utf8')) as PlanJson, text: readFileSync(files.text, 'utf8') };
  });
  const stacks = plans.map((p) => p.stack);
  const twice = stacks.filter((stack, i) => stacks.indexOf(stack) !== i);
  if (twice.length > 0) throw new GitopsError(`${dir} holds more than one plan of ${[...new Set(twice)].join(', ')}`);
  return plans;
}

export interface PullRequest {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

type EventContext = Pick<Context, 'eventName' | 'payload' | 'repo'>;

/**
 * The pull request to comment on, or why there is none. A fork's pull request runs with a read-only token; it is
 * told apart by its head repository, not by `head.repo.fork`, which is also true for a branch of a repository that
 * itself is a fork.
 */
export function commentTarget(context: EventContext, token: string | undefined): { pullRequest: PullRequest } | { skip: string } {
  const pr = context.payload.pull_request;
  if (context.eventName !== 'pull_request' || !pr) return { skip: `not a pull request (event ${context.eventName}): the plan is in the job summary only` };
  const head = (pr.head as { repo?: { full_name?: string } | null }).repo?.full_name;
  const base = (pr.base as { repo: { full_name: string } }).repo.full_name;
  if (head !== base) return { skip: `pull request from ${head ?? 'a deleted fork'}: its token is read-only, so the plan is in the job summary only` };
  if (!token) return { skip: 'GITHUB_TOKEN is not set (give the step `env: GITHUB_TOKEN: ${{ github.token }}`): the plan is in the job summary only' };
  return { pullRequest: { ...context.repo, number: pr.number } };
}

/** Updates this workflow's earlier report on the pull request, else creates it; resolves with the comment's URL. */
export async function upsertComment(octokit: Octokit, pr: PullRequest, body: string): Promise<{ action: 'created' | 'updated'; url: string }> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 });
  // the marker alone is not enough: anyone can quote it, and only our bot's comment is ours to overwrite
  const own = comments.find((c) => c.user?.login === BOT_LOGIN && c.user.type === 'Bot' && c.body?.startsWith(REPORT_MARKER));
  if (own) {
    const { data } = await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: own.id, body });
    return { action: 'updated', url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
  return { action: 'created', url: data.html_url };
}

/** The stacks of a `gitops matrix` output (what the plan jobs were given). */
function matrixStacks(json: string): string[] {
  try {
    return (JSON.parse(json) as { include: { stack: string }[] }).include.map((entry) => entry.stack);
  } catch (error) {
    throw new GitopsError(`--matrix: not the JSON of npm run gitops -- matrix (${(error as Error).message})`);
  }
}

/**
 * The report of every stack's plan: always in the job summary (full plans); on a pull request whose token may write,
 * also as one comment that later runs update. Without a usable token the step still succeeds, with a notice.
 */
export const planCommentCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { plans: { type: 'string', default: 'plans' }, artifact: { type: 'string', default: 'plans' }, matrix: { type: 'string' } });
    const plans = readPlans(flags.plans);
    const expected = flags.matrix === undefined ? [] : matrixStacks(flags.matrix);
    const missing = expected.filter((stack) => !plans.some((p) => p.stack === stack));
    if (plans.length === 0 && expected.length === 0) throw new GitopsError(`no plans in ${flags.plans}: expected <stack>.json and <stack>.txt from npm run gitops -- plan`);
    const context = new Context();
    const pr = context.payload.pull_request;
    const options: ReportOptions = {
      artifact: flags.artifact,
      commit: (pr?.head as { sha?: string } | undefined)?.sha ?? context.sha,
      missing,
      runUrl: workflowRunUrl(),
    };
    writeSummary(renderJobSummary(plans, options).trimEnd());

    await comment(commentTarget(context, process.env.GITHUB_TOKEN), renderComment(plans, options));
    if (missing.length > 0) throw new GitopsError(`no plan for ${missing.join(', ')}: their plan jobs failed (the report says so too)`);
  },
};

/** Posts or updates the comment where it can; without a usable token, says why and leaves the report in the summary. */
async function comment(target: ReturnType<typeof commentTarget>, body: string): Promise<void> {
  if ('skip' in target) {
    core.notice(target.skip);
    return;
  }
  const { octokit } = await githubFromEnvironment();
  try {
    const { action, url } = await upsertComment(octokit, target.pullRequest, body);
    core.info(`plan report ${action}: ${url}`);
    setOutput('comment-url', url);
  } catch (error) {
    // a token without pull-requests: write (e.g. Dependabot's) is refused; the summary already holds the report
    if (httpStatus(error) !== 403) throw error;
    core.warning(`could not comment on pull request #${target.pullRequest.number} (${(error as Error).message}): the plan is in the job summary only`);
  }
}
