import * as core from '@actions/core';
import { Context } from '@actions/github/lib/context';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanJson } from '../../infra/src/terraform/terraformCli';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { GitopsError, UsageError } from './errors';
import { parseFlags } from './flags';
import { parseNeeds } from './jobResults';
import { plansNotRunReason } from './plansNotRun';
import { githubFromEnvironment, httpStatus, workflowRunUrl } from './githubApi';
import { planFiles } from './planStack';
import { renderComment, renderJobSummary, renderNotRun, type ReportOptions, type StackPlan, summarizePlan } from './planReport';
import { compareWithReviewed, findReviewedPlans, overallVerdict, type ReviewVerdict } from './reviewedPlan';
import { parseMatrix } from './stackMatrix';
import { type PullRequest, upsertComment } from './stickyComment';

const USAGE = [
  "npm run gitops -- plan-comment --plans plans [--artifact 'plan-<stack>'] [--matrix '<the plan matrix JSON>'] [--compare-reviewed]",
  'npm run gitops -- plan-comment --not-run "<why nothing was planned for this commit>"',
  "npm run gitops -- plan-comment --plans plans --matrix '<the plan matrix JSON>' --needs '<${{ toJSON(needs) }}>'   (the reason, when plans did not run, from the jobs' results)",
].join('\n       ');

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

type EventContext = Pick<Context, 'eventName' | 'payload' | 'repo'>;

/**
 * The pull request to comment on, or why there is none. A fork's pull request runs with a read-only token; it is
 * told apart by its head repository, not by `head.repo.fork`, which is also true for a branch of a repository that
 * itself is a fork.
 */
export function commentTarget(context: EventContext, token: string | undefined): { pullRequest: PullRequest } | { skip: string } {
  const pr = context.payload.pull_request;
  if (context.eventName !== 'pull_request' || !pr) return { skip: `not a pull request (event ${context.eventName}): the report is in the job summary only` };
  const head = (pr.head as { repo?: { full_name?: string } | null }).repo?.full_name;
  const base = (pr.base as { repo: { full_name: string } }).repo.full_name;
  if (head !== base) return { skip: `pull request from ${head ?? 'a deleted fork'}: its token is read-only, so the report is in the job summary only` };
  if (!token) return { skip: 'GITHUB_TOKEN is not set (give the step `env: GITHUB_TOKEN: ${{ github.token }}`): the report is in the job summary only' };
  return { pullRequest: { ...context.repo, number: pr.number } };
}

/**
 * The report of every stack's plan: always in the job summary (full plans); on a pull request whose token may write,
 * also as one comment that later runs update. Without a usable token the step still succeeds, with a notice.
 * `--compare-reviewed` (after a merge) says first whether each plan is the one its pull request showed, and outputs
 * `reviewed=same|different|unknown`. `--not-run` replaces the report with why nothing was planned for this commit.
 */
export const planCommentCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      plans: { type: 'string', default: 'plans' },
      artifact: { type: 'string', default: 'plan-<stack>' },
      matrix: { type: 'string' },
      'compare-reviewed': { type: 'boolean', default: false },
      'not-run': { type: 'string' },
      needs: { type: 'string' },
    });
    const context = new Context();
    const pr = context.payload.pull_request;
    const commit = (pr?.head as { sha?: string } | undefined)?.sha ?? context.sha;
    const target = commentTarget(context, process.env.GITHUB_TOKEN);
    if (flags['not-run'] !== undefined) {
      if (flags.matrix !== undefined || flags['compare-reviewed']) throw new UsageError(`--not-run reports that nothing was planned: no --matrix or --compare-reviewed with it\nusage: ${USAGE}`);
      if (flags['not-run'].trim() === '') throw new UsageError(`--not-run needs the reason nothing was planned\nusage: ${USAGE}`);
    }
    const repoOf = (side: unknown) => (side as { repo?: { full_name?: string } | null } | undefined)?.repo?.full_name;
    const notRun =
      flags['not-run']?.trim() ??
      (flags.needs === undefined
        ? undefined
        : plansNotRunReason(parseNeeds(flags.needs, '--needs'), { author: (pr?.user as { login?: string } | undefined)?.login, fromFork: pr !== undefined && repoOf(pr.head) !== repoOf(pr.base) }));
    if (notRun !== undefined) {
      const report = renderNotRun(notRun, { commit, runUrl: workflowRunUrl() });
      writeSummary(report.summary.trimEnd());
      await comment(target, report.comment);
      return;
    }

    const plans = readPlans(flags.plans);
    const expected = flags.matrix === undefined ? [] : parseMatrix(flags.matrix, '--matrix').map((entry) => entry.stack);
    const missing = expected.filter((stack) => !plans.some((p) => p.stack === stack));
    if (plans.length === 0 && expected.length === 0) throw new GitopsError(`no plans in ${flags.plans}: expected <stack>.json and <stack>.txt from npm run gitops -- plan`);
    const options: ReportOptions = {
      artifact: flags.artifact,
      commit,
      missing,
      runUrl: workflowRunUrl(),
      ...(flags['compare-reviewed'] ? { reviewed: await compareReviewed(plans, context) } : {}),
    };
    writeSummary(renderJobSummary(plans, options).trimEnd());

    await comment(target, renderComment(plans, options));
    if (missing.length > 0) throw new GitopsError(`no plan for ${missing.join(', ')}: their plan jobs failed (the report says so too)`);
  },
};

/** Each plan against its pull request's reviewed one; a difference is also a warning on the run, so approvers see it. */
async function compareReviewed(plans: readonly StackPlan[], context: EventContext & Pick<Context, 'sha'>): Promise<ReviewVerdict[]> {
  if (context.eventName === 'pull_request') {
    throw new UsageError(`--compare-reviewed compares a merged commit's plans with its pull request's; on a pull request the plan is the one under review\nusage: ${USAGE}`);
  }
  const { octokit, owner, repo } = await githubFromEnvironment();
  const reviewed = await findReviewedPlans(octokit, { owner, repo }, context.sha);
  const verdicts = compareWithReviewed(plans.map((p) => summarizePlan(p.stack, p.plan)), reviewed);
  const overall = overallVerdict(verdicts);
  setOutput('reviewed', overall);
  if (overall === 'different') core.warning(`the plan of ${verdicts.filter((v) => v.verdict === 'different').map((v) => v.stack).join(', ')} differs from the one reviewed on the pull request: the job summary lists what`);
  for (const v of verdicts) if (v.verdict === 'unknown') core.notice(`${v.stack}: not compared with a reviewed plan: ${v.reason.replaceAll('`', '')}`);
  return verdicts;
}

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
    core.warning(`could not comment on pull request #${target.pullRequest.number} (${(error as Error).message}): the report is in the job summary only`);
  }
}
