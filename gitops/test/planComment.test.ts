/**
 * `npm run gitops -- plan-comment` as a workflow step: the real octokit of @actions/github against GitHub's
 * issue-comments API on a loopback port, a recorded-shape pull_request event, and plans made by real terraform
 * (built-in provider) through `npm run gitops -- plan`.
 */
import * as core from '@actions/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commentTarget } from '../src/planComment';
import { REPORT_MARKER } from '../src/planReport';
import { runAsStep } from './support/actionsRun';
import { ACTIONS_BOT, DEPENDABOT, fakeIssueComments, OCTOCAT } from './support/fakeIssueComments';
import { planAsSteps, writeStacks } from './support/planFixtures';

const OWNER = 'acme';
const REPO = 'analytics-platform';
const PR = 42;
const TOKEN = 'ghs_fakeWorkflowToken';

let tmp: string;
let plans: string;
let github: Awaited<ReturnType<typeof fakeIssueComments>>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'plan-comment-'));
  github = await fakeIssueComments(OWNER, REPO, PR);
  // @actions/github reads GITHUB_API_URL once, when first loaded (by the command, after this)
  process.env.GITHUB_API_URL = github.baseUrl;
  const stacks = writeStacks(tmp, { 'dev-us-east-1': { resource: { terraform_data: { marker: { input: 'x' } } } }, 'prod-us-east-1': {} });
  plans = path.join(tmp, 'plans');
  const runs = await planAsSteps(stacks, ['dev-us-east-1', 'prod-us-east-1'], plans);
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
});

afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await github.close();
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  github.comments.length = 0;
  github.requests.length = 0;
  github.state.readOnly = false;
});

afterEach(() => jest.restoreAllMocks());

/** A pull_request event as GitHub writes it to GITHUB_EVENT_PATH (trimmed to the fields around the ones read). */
function pullRequestEvent(headRepo: { full_name: string; fork: boolean } | null) {
  const repository = { id: 812345678, name: REPO, full_name: `${OWNER}/${REPO}`, fork: false, owner: { login: OWNER, type: 'Organization' } };
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${PR}`,
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${PR}`,
      number: PR,
      state: 'open',
      title: 'Raise the dev queue depth alarm',
      user: { login: 'octocat', type: 'User' },
      head: { label: 'octocat:alarm', ref: 'alarm', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', repo: headRepo },
      base: { label: `${OWNER}:main`, ref: 'main', sha: '9049f1265b7d61be4a8904a9a27120d2064dab3b', repo: repository },
    },
    repository,
    sender: { login: 'octocat', type: 'User' },
  };
}

const SAME_REPO = { full_name: `${OWNER}/${REPO}`, fork: false };

function stepEnv(event: object, eventName = 'pull_request', token: string | undefined = TOKEN) {
  const file = path.join(mkdtempSync(path.join(tmp, 'event-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: file,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '11223344',
    GITHUB_TOKEN: token,
  };
}

const planComment = (env: Record<string, string | undefined>) => runAsStep(['plan-comment', '--plans', plans, '--artifact', 'pr-plans'], env);
const writes = () => github.requests.filter((r) => r.method !== 'GET');

test('a pull request without a report yet: one comment created, after paging through the others', async () => {
  for (let i = 0; i < 120; i++) github.add(OCTOCAT, `looks good ${i}`);
  const run = await planComment(stepEnv(pullRequestEvent(SAME_REPO)));

  expect(run.code).toBe(0);
  const pages = github.requests.filter((r) => r.method === 'GET').map((r) => r.path);
  expect(pages).toEqual([`/repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100`, `/repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100&page=2`]);
  expect(writes()).toEqual([{ method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${PR}/comments`, body: { body: expect.stringMatching(/^<!-- analytics-platform:plan-report -->\n/) } }]);
  const created = github.comments.at(-1)!;
  expect(created.user).toBe(ACTIONS_BOT);
  expect(created.body).toContain('| `dev-us-east-1` | 1 | 0 | 0 | 0 | 0 |');
  expect(created.body).toContain('[workflow run](https://github.com/acme/analytics-platform/actions/runs/11223344)');
  expect(run.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${created.id}`);
  expect(run.summary).toContain('| `prod-us-east-1` | 0 | 0 | 0 | 0 | no changes |');
  expect(run.summary).not.toContain(REPORT_MARKER);
});

test('a later run updates its own comment, never one that merely carries the marker', async () => {
  github.add(OCTOCAT, `${REPORT_MARKER}\nquoting the bot's report here`);
  github.add(DEPENDABOT, `${REPORT_MARKER}\nanother bot`);
  for (let i = 0; i < 100; i++) github.add(OCTOCAT, `comment ${i}`);
  const own = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan (an older commit)`);

  const run = await planComment(stepEnv(pullRequestEvent(SAME_REPO)));

  expect(run.code).toBe(0);
  expect(writes()).toEqual([{ method: 'PATCH', path: `/repos/${OWNER}/${REPO}/issues/comments/${own.id}`, body: { body: expect.any(String) } }]);
  expect(own.body).toContain('commit `6dcb09b5b578`');
  expect(github.comments.slice(0, 2).map((c) => c.body)).toEqual([`${REPORT_MARKER}\nquoting the bot's report here`, `${REPORT_MARKER}\nanother bot`]);
  expect(run.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${own.id}`);
});

test('a pull request from a fork: job summary and a notice, no API call', async () => {
  const notice = jest.spyOn(core, 'notice');
  const run = await planComment(stepEnv(pullRequestEvent({ full_name: 'octocat/analytics-platform', fork: true })));

  expect(run.code).toBe(0);
  expect(github.requests).toEqual([]);
  expect(run.summary).toContain('## Terraform plan');
  expect(notice).toHaveBeenCalledWith('pull request from octocat/analytics-platform: its token is read-only, so the plan is in the job summary only');
});

test('a token that may not write (403): the step still succeeds, with a warning, the report in the summary', async () => {
  github.state.readOnly = true;
  const warning = jest.spyOn(core, 'warning');
  const run = await planComment(stepEnv(pullRequestEvent(SAME_REPO)));

  expect(run.code).toBe(0);
  expect(writes().map((r) => [r.method, r.path])).toEqual([['POST', `/repos/${OWNER}/${REPO}/issues/${PR}/comments`]]);
  expect(warning).toHaveBeenCalledWith(expect.stringMatching(/^could not comment on pull request #42 \(Resource not accessible by integration.*the plan is in the job summary only$/));
  expect(run.summary).toContain('## Terraform plan');
});

test('outside a pull request: only the job summary', async () => {
  const run = await planComment(stepEnv({ ref: 'refs/heads/main', repository: pullRequestEvent(SAME_REPO).repository }, 'push'));
  expect([run.code, github.requests]).toEqual([0, []]);
  expect(run.summary).toContain('| `dev-us-east-1` | 1 | 0 | 0 | 0 | 0 |');
});

test('no plans to report fails the step and says what it looked for', async () => {
  const run = await runAsStep(['plan-comment', '--plans', mkdtempSync(path.join(tmp, 'empty-'))], stepEnv(pullRequestEvent(SAME_REPO)));
  expect(run.code).toBe(1);
  expect(run.summary).toMatch(/no plans in .*empty-.*: expected <stack>\.json and <stack>\.txt/);
});

test('a stack of the matrix without a plan is named under the table, and fails the step after commenting', async () => {
  const matrix = JSON.stringify({ include: [{ stack: 'dev-us-east-1' }, { stack: 'prod-eu-west-1' }] });
  const run = await runAsStep(['plan-comment', '--plans', plans, '--matrix', matrix], stepEnv(pullRequestEvent(SAME_REPO)));
  expect(run.code).toBe(1);
  const body = github.comments.at(-1)!.body;
  expect(body).toMatch(/\| no changes \|\n\n> \[!CAUTION\]\n> \*\*No plan for 1 stack:\*\* the plan job failed; .*\n> - `prod-eu-west-1`\n\n<details>/);
  expect(run.summary).toMatch(/No plan for 1 stack[\s\S]*`gitops plan-comment` failed[\s\S]*no plan for prod-eu-west-1: their plan jobs failed/);
});

test('every plan job failed: the report still goes out, listing them all', async () => {
  const matrix = JSON.stringify({ include: [{ stack: 'prod-us-east-1' }] });
  const run = await runAsStep(['plan-comment', '--plans', path.join(tmp, 'never-downloaded'), '--matrix', matrix], stepEnv(pullRequestEvent(SAME_REPO)));
  expect(run.code).toBe(1);
  expect(github.comments.at(-1)!.body).toContain('> - `prod-us-east-1`');
});

describe('commentTarget', () => {
  const context = (event: ReturnType<typeof pullRequestEvent>, eventName = 'pull_request') => ({ eventName, payload: event, repo: { owner: OWNER, repo: REPO } });

  test('a branch of this repository, even when this repository is itself a fork (head.repo.fork is true then)', () => {
    const forkedUpstream = pullRequestEvent({ full_name: `${OWNER}/${REPO}`, fork: true });
    expect(commentTarget(context(forkedUpstream), TOKEN)).toEqual({ pullRequest: { owner: OWNER, repo: REPO, number: PR } });
  });

  test.each([
    ['a fork whose repository was deleted', pullRequestEvent(null), TOKEN, /^pull request from a deleted fork: its token is read-only/],
    ['no GITHUB_TOKEN', pullRequestEvent(SAME_REPO), undefined, /^GITHUB_TOKEN is not set/],
  ])('%s: no comment', (_case, event, token, reason) => {
    expect(commentTarget(context(event), token)).toEqual({ skip: expect.stringMatching(reason) });
  });

  test('pull_request_target is not a pull_request run: no comment', () => {
    expect(commentTarget(context(pullRequestEvent(SAME_REPO), 'pull_request_target'), TOKEN)).toEqual({ skip: expect.stringContaining('event pull_request_target') });
  });
});
