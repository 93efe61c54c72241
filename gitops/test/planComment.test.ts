/**
 * `npm run gitops -- plan-comment` as a workflow step: the real octokit of @actions/github against GitHub's
 * issue-comments and commit-pulls API on a loopback port, recorded-shape pull_request and push events, and plans made
 * by real terraform (built-in provider) through `npm run gitops -- plan`.
 */
import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRecord } from '../src/planDigest';
import { commentTarget } from '../src/planComment';
import { REPORT_MARKER } from '../src/planReport';
import { HEAD_SHA, MERGE_SHA, OWNER, PR, pullRequestEvent, pushEvent, REPO, SAME_REPO, stepEnv, TOKEN } from './support/actionsEvents';
import { runAsStep } from './support/actionsRun';
import { ACTIONS_BOT, DEPENDABOT, fakePullRequest, OCTOCAT } from './support/fakePullRequest';
import { matrixEntry, planAsSteps, writeStacks } from './support/planFixtures';

let tmp: string;
let plans: string;
/** Other plans of dev only: the pull request reviewed something else than main now plans. */
let otherPlans: string;
let github: Awaited<ReturnType<typeof fakePullRequest>>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'plan-comment-'));
  github = await fakePullRequest(OWNER, REPO, PR);
  // @actions/github reads GITHUB_API_URL once, when first loaded (by the command, after this)
  process.env.GITHUB_API_URL = github.baseUrl;
  const stacks = writeStacks(tmp, { 'dev-us-east-1': { resource: { terraform_data: { marker: { input: 'x' } } } }, 'prod-us-east-1': {} });
  plans = path.join(tmp, 'plans');
  const other = writeStacks(tmp, { 'dev-us-east-1': { resource: { terraform_data: { marker: { input: 'x' }, extra: { input: 'y' } } } } });
  otherPlans = path.join(tmp, 'other-plans');
  const runs = [...(await planAsSteps(stacks, ['dev-us-east-1', 'prod-us-east-1'], plans)), ...(await planAsSteps(other, ['dev-us-east-1'], otherPlans))];
  expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
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
  delete github.state.merged;
});

afterEach(() => jest.restoreAllMocks());

const planComment = (env: Record<string, string | undefined>) => runAsStep(['plan-comment', '--plans', plans, '--artifact', 'pr-plans'], env);
const writes = () => github.requests.filter((r) => r.method !== 'GET');

test('a pull request without a report yet: one comment created, after paging through the others', async () => {
  for (let i = 0; i < 120; i++) github.add(OCTOCAT, `looks good ${i}`);
  const run = await planComment(stepEnv(tmp, pullRequestEvent(SAME_REPO)));

  expect(run.code).toBe(0);
  const pages = github.requests.filter((r) => r.method === 'GET').map((r) => r.path);
  expect(pages).toEqual([`/repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100`, `/repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100&page=2`]);
  expect(writes()).toEqual([{ method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${PR}/comments`, body: { body: expect.stringMatching(/^<!-- analytics-platform:plan-report -->\n/) } }]);
  const created = github.comments.at(-1)!;
  expect(created.user).toBe(ACTIONS_BOT);
  expect(created.body).toContain('| `dev-us-east-1` | 1 | 0 | 0 | 0 | 0 |');
  expect(created.body).toContain('[workflow run](https://github.com/acme/analytics-platform/actions/runs/11223344)');
  expect(run.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${created.id}`);
  expect(readRecord(created.body)).toEqual({ commit: HEAD_SHA, stacks: { 'dev-us-east-1': [{ address: 'terraform_data.marker', effect: 'add' }], 'prod-us-east-1': [] } });
  expect(run.summary).toContain('| `prod-us-east-1` | 0 | 0 | 0 | 0 | no changes |');
  expect(run.summary).not.toContain(REPORT_MARKER);
  expect(run.summary).not.toContain('reviewed-plan');
});

test('a later run updates its own comment, never one that merely carries the marker', async () => {
  github.add(OCTOCAT, `${REPORT_MARKER}\nquoting the bot's report here`);
  github.add(DEPENDABOT, `${REPORT_MARKER}\nanother bot`);
  for (let i = 0; i < 100; i++) github.add(OCTOCAT, `comment ${i}`);
  const own = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan (an older commit)`);

  const run = await planComment(stepEnv(tmp, pullRequestEvent(SAME_REPO)));

  expect(run.code).toBe(0);
  expect(writes()).toEqual([{ method: 'PATCH', path: `/repos/${OWNER}/${REPO}/issues/comments/${own.id}`, body: { body: expect.any(String) } }]);
  expect(own.body).toContain('commit `6dcb09b5b578`');
  expect(github.comments.slice(0, 2).map((c) => c.body)).toEqual([`${REPORT_MARKER}\nquoting the bot's report here`, `${REPORT_MARKER}\nanother bot`]);
  expect(run.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${own.id}`);
});

test('a pull request from a fork: job summary and a notice, no API call', async () => {
  const notice = jest.spyOn(core, 'notice');
  const run = await planComment(stepEnv(tmp, pullRequestEvent({ full_name: 'octocat/analytics-platform', fork: true })));

  expect(run.code).toBe(0);
  expect(github.requests).toEqual([]);
  expect(run.summary).toContain('## Terraform plan');
  expect(notice).toHaveBeenCalledWith('pull request from octocat/analytics-platform: its token is read-only, so the report is in the job summary only');
});

test('a token that may not write (403): the step still succeeds, with a warning, the report in the summary', async () => {
  github.state.readOnly = true;
  const warning = jest.spyOn(core, 'warning');
  const run = await planComment(stepEnv(tmp, pullRequestEvent(SAME_REPO)));

  expect(run.code).toBe(0);
  expect(writes().map((r) => [r.method, r.path])).toEqual([['POST', `/repos/${OWNER}/${REPO}/issues/${PR}/comments`]]);
  expect(warning).toHaveBeenCalledWith(expect.stringMatching(/^could not comment on pull request #42 \(Resource not accessible by integration.*the report is in the job summary only$/));
  expect(run.summary).toContain('## Terraform plan');
});

test('outside a pull request: only the job summary', async () => {
  const run = await planComment(stepEnv(tmp, { ref: 'refs/heads/main', repository: pullRequestEvent(SAME_REPO).repository }, 'push'));
  expect([run.code, github.requests]).toEqual([0, []]);
  expect(run.summary).toContain('| `dev-us-east-1` | 1 | 0 | 0 | 0 | 0 |');
});

test('no plans to report fails the step and says what it looked for', async () => {
  const run = await runAsStep(['plan-comment', '--plans', mkdtempSync(path.join(tmp, 'empty-'))], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
  expect(run.code).toBe(1);
  expect(run.summary).toMatch(/no plans in .*empty-.*: expected <stack>\.json and <stack>\.txt/);
});

test('a stack of the matrix without a plan is named under the table, and fails the step after commenting', async () => {
  const matrix = JSON.stringify({ include: [matrixEntry('dev-us-east-1'), matrixEntry('prod-eu-west-1')] });
  const run = await runAsStep(['plan-comment', '--plans', plans, '--matrix', matrix], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
  expect(run.code).toBe(1);
  const body = github.comments.at(-1)!.body;
  expect(body).toMatch(/\| no changes \|\n\n> \[!CAUTION\]\n> \*\*No plan for 1 stack:\*\* the plan job failed; .*\n> - `prod-eu-west-1`\n\n<details>/);
  expect(run.summary).toMatch(/No plan for 1 stack[\s\S]*`gitops plan-comment` failed[\s\S]*no plan for prod-eu-west-1: their plan jobs failed/);
});

test('every plan job failed: the report still goes out, listing them all', async () => {
  const matrix = JSON.stringify({ include: [matrixEntry('prod-us-east-1')] });
  const run = await runAsStep(['plan-comment', '--plans', path.join(tmp, 'never-downloaded'), '--matrix', matrix], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
  expect(run.code).toBe(1);
  expect(github.comments.at(-1)!.body).toContain('> - `prod-us-east-1`');
});

describe('--not-run: nothing was planned for this commit', () => {
  const notRun = (reason: string, env: Record<string, string | undefined>) => runAsStep(['plan-comment', '--not-run', reason], env);

  test("overwrites an earlier commit's plans: this commit, why, the run; no table, no plans expected", async () => {
    const own = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan\n\ncommit \`0123456789ab\` · 2 of 2 stacks with changes`);
    const run = await notRun('the integration suite failed, so the plan jobs were skipped', stepEnv(tmp, pullRequestEvent(SAME_REPO)));

    expect(run.code).toBe(0);
    expect(writes().map((r) => [r.method, r.path])).toEqual([['PATCH', `/repos/${OWNER}/${REPO}/issues/comments/${own.id}`]]);
    expect(own.body).toMatch(/^<!-- analytics-platform:plan-report -->\n<!-- analytics-platform:reviewed-plan v1 \S+ -->\n\n## Terraform plan\n\ncommit `6dcb09b5b578` · \[workflow run\]\(https:\/\/github.com\/acme\/analytics-platform\/actions\/runs\/11223344\)\n\n> \[!CAUTION\]\n> \*\*No plan for this commit:\*\* the integration suite failed, so the plan jobs were skipped\n/);
    expect(own.body).not.toContain('| Stack |');
    expect(readRecord(own.body)).toEqual({ commit: HEAD_SHA, notRun: 'the integration suite failed, so the plan jobs were skipped', stacks: {} });
    expect(run.summary).toContain('> **No plan for this commit:** the integration suite failed');
    expect(run.summary).not.toContain(REPORT_MARKER);
  });

  test("Dependabot's read-only token (403): the step still succeeds, the reason in the summary", async () => {
    github.state.readOnly = true;
    const warning = jest.spyOn(core, 'warning');
    const run = await notRun('Dependabot pull requests get no OIDC token, so nothing was planned', stepEnv(tmp, pullRequestEvent(SAME_REPO)));

    expect(run.code).toBe(0);
    expect(warning).toHaveBeenCalledWith(expect.stringMatching(/^could not comment on pull request #42 .*the report is in the job summary only$/));
    expect(run.summary).toContain('> **No plan for this commit:** Dependabot pull requests get no OIDC token');
  });

  test('a fork: the reason in the summary and a notice, no API call', async () => {
    const notice = jest.spyOn(core, 'notice');
    const run = await notRun('pull requests from forks get no OIDC token', stepEnv(tmp, pullRequestEvent({ full_name: 'octocat/analytics-platform', fork: true })));

    expect([run.code, github.requests]).toEqual([0, []]);
    expect(run.summary).toContain('> **No plan for this commit:** pull requests from forks get no OIDC token');
    expect(notice).toHaveBeenCalledWith(expect.stringMatching(/^pull request from octocat\/analytics-platform: its token is read-only/));
  });

  describe('--needs: the reason comes from the results of the jobs before the comment (toJSON(needs))', () => {
    const needs = (test: string, integration: string, plan: string) =>
      JSON.stringify({ test: { result: test, outputs: {} }, integration: { result: integration, outputs: {} }, plan: { result: plan, outputs: {} } });
    const run = (flags: string[], event = pullRequestEvent(SAME_REPO)) => runAsStep(['plan-comment', '--plans', path.join(tmp, 'none'), ...flags], stepEnv(tmp, event));

    test('tests failed: no matrix exists, the comment says so for this commit', async () => {
      const own = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan`);
      expect((await run(['--matrix', '', '--needs', needs('failure', 'skipped', 'skipped')])).code).toBe(0);
      expect(own.body).toContain('> **No plan for this commit:** the tests or synth did not pass (job `test`: failure)');
    });

    test('integration failed or was cancelled: plans run only after it passes', async () => {
      const own = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan`);
      await run(['--matrix', JSON.stringify({ include: [matrixEntry('prod-us-east-1')] }), '--needs', needs('success', 'failure', 'skipped')]);
      expect(own.body).toContain('the integration suite did not pass (job `integration`: failure); plans run only after it passes');
    });

    test('a Dependabot pull request: no OIDC token, said plainly instead of a failure', async () => {
      const event = pullRequestEvent(SAME_REPO);
      event.pull_request.user = { login: 'dependabot[bot]', type: 'Bot' };
      const own = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan`);
      expect((await run(['--matrix', JSON.stringify({ include: [matrixEntry('prod-us-east-1')] }), '--needs', needs('success', 'success', 'skipped')], event)).code).toBe(0);
      expect(own.body).toContain('a Dependabot pull request gets no OIDC token');
    });

    test('a fork: the reason in the summary (its token cannot comment)', async () => {
      const result = await run(['--matrix', '{"include":[]}', '--needs', needs('success', 'success', 'skipped')], pullRequestEvent({ full_name: 'octocat/analytics-platform', fork: true }));
      expect([result.code, github.requests]).toEqual([0, []]);
      expect(result.summary).toContain('a pull request from a fork gets no OIDC token');
    });

    test('the plans ran (one failed): the normal report, naming the stack without a plan', async () => {
      const result = await runAsStep(['plan-comment', '--plans', plans, '--matrix', JSON.stringify({ include: [matrixEntry('prod-eu-west-1')] }), '--needs', needs('success', 'success', 'failure')], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
      expect(result.code).toBe(1);
      expect(github.comments.at(-1)!.body).toContain('> - `prod-eu-west-1`');
    });
  });

  test.each([
    ['with --matrix', ['--not-run', 'tests failed', '--matrix', '{"include":[]}'], /--not-run reports that nothing was planned: no --matrix/],
    ['without a reason', ['--not-run', ' '], /--not-run needs the reason/],
  ])('%s: a usage error, nothing posted', async (_case, flags, message) => {
    const run = await runAsStep(['plan-comment', ...flags], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
    expect([run.code, writes()]).toEqual([2, []]);
    expect(run.summary).toMatch(message);
  });
});

describe('--compare-reviewed: after the merge, each plan against the one its pull request showed', () => {
  const prRun = (dir: string) => runAsStep(['plan-comment', '--plans', dir], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
  const deployRun = (token = TOKEN) => runAsStep(['plan-comment', '--plans', plans, '--compare-reviewed'], stepEnv(tmp, pushEvent(), 'push', token));
  const merge = () => (github.state.merged = { headSha: HEAD_SHA, mergeCommitSha: MERGE_SHA });
  /** The markdown between the heading's facts and the table. */
  const aboveTable = (summary: string) => summary.slice(summary.indexOf('\n\n', summary.indexOf('## Terraform plan') + 20) + 2, summary.indexOf('| Stack |'));

  test('the pull request showed the same plans: "same as reviewed in #42" above the table, reviewed=same, no write', async () => {
    expect((await prRun(plans)).code).toBe(0);
    merge();
    github.requests.length = 0;
    const run = await deployRun();

    expect([run.code, run.outputs.reviewed]).toEqual([0, 'same']);
    expect(github.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', `/repos/${OWNER}/${REPO}/commits/${MERGE_SHA}/pulls?per_page=100`],
      ['GET', `/repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100`],
    ]);
    expect(aboveTable(run.summary)).toBe(
      '> [!NOTE]\n> **Same as reviewed in #42** (plan of commit `6dcb09b5b578`): `dev-us-east-1`, `prod-us-east-1` — the same resources and outputs change, with the same actions (attribute values are not compared).\n\n',
    );
  });

  test('a rebase merge (the pushed commit is not the merge commit GitHub names): the merged pull request is still found', async () => {
    expect((await prRun(plans)).code).toBe(0);
    github.state.merged = { headSha: HEAD_SHA, mergeCommitSha: 'c0ffee0000000000000000000000000000000042', commits: [MERGE_SHA] };
    const run = await deployRun();
    expect([run.code, run.outputs.reviewed]).toEqual([0, 'same']);
  });

  test('the pull request showed other plans: a CAUTION first, with what was not reviewed and what no longer is; reviewed=different', async () => {
    expect((await prRun(otherPlans)).code).toBe(0);
    merge();
    const warning = jest.spyOn(core, 'warning');
    const run = await deployRun();

    expect([run.code, run.outputs.reviewed]).toEqual([0, 'different']);
    expect(aboveTable(run.summary)).toBe(
      [
        '> [!CAUTION]',
        '> **Not the plan that was reviewed:** 1 stack plans other changes than the pull request showed. Approve only what you expect.',
        '> - `dev-us-east-1`, compared with #42 (plan of commit `6dcb09b5b578`):',
        '>   - reviewed, not planned now: **create** `terraform_data.extra`',
        '',
        '> [!IMPORTANT]',
        '> **Not compared with a reviewed plan:**',
        '> - `prod-us-east-1`: the plan comment on #42 has no plan of `prod-us-east-1` (its plan job failed there, or the stack is newer)',
        '',
        '',
      ].join('\n'),
    );
    expect(warning).toHaveBeenCalledWith('the plan of dev-us-east-1 differs from the one reviewed on the pull request: the job summary lists what');
  });

  test.each([
    ['pushed directly: no merged pull request', async () => {}, /^commit `e5bd3914e2e5` came from no merged pull request \(pushed to the branch directly\?\)$/],
    [
      'only someone else quoting our marker and record: not ours, not trusted',
      async () => {
        expect((await prRun(plans)).code).toBe(0);
        const ours = github.comments.pop()!;
        github.add(OCTOCAT, ours.body);
        merge();
      },
      /^#42 has no plan comment: its plans never ran, or the comment was deleted$/,
    ],
    [
      'a comment from before plans were recorded',
      async () => {
        github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan`);
        merge();
      },
      /^the plan comment on #42 records no reviewed plan/,
    ],
    [
      'the last commit was not planned (--not-run)',
      async () => {
        expect((await runAsStep(['plan-comment', '--not-run', 'the integration suite failed'], stepEnv(tmp, pullRequestEvent(SAME_REPO)))).code).toBe(0);
        merge();
      },
      /^#42 was merged without plans for its last commit: the integration suite failed$/,
    ],
    [
      'the comment shows an older commit than the last one merged',
      async () => {
        expect((await prRun(plans)).code).toBe(0);
        github.state.merged = { headSha: 'ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12', mergeCommitSha: MERGE_SHA };
      },
      /^the plan comment on #42 shows the plans of commit `6dcb09b5b578`, not of its last commit `ab12ab12ab12`$/,
    ],
  ])('%s: reviewed=unknown, said above the table, not a failure', async (_case, arrange, reason) => {
    await arrange();
    const notice = jest.spyOn(core, 'notice');
    const run = await deployRun();

    expect([run.code, run.outputs.reviewed]).toEqual([0, 'unknown']);
    const lines = aboveTable(run.summary).trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['> [!IMPORTANT]', '> **Not compared with a reviewed plan:**']);
    expect(lines.slice(2).map((line) => /^> - `(dev|prod)-us-east-1`: (.*)$/.exec(line)?.[2])).toEqual([expect.stringMatching(reason), expect.stringMatching(reason)]);
    expect(notice).toHaveBeenCalledWith(expect.stringMatching(/^dev-us-east-1: not compared with a reviewed plan: /));
  });

  test('GitHub refuses the token: unknown with its answer, the deploy not held up', async () => {
    merge();
    const run = await deployRun('ghs_revoked');
    expect([run.code, run.outputs.reviewed]).toEqual([0, 'unknown']);
    expect(run.summary).toContain("> - `dev-us-east-1`: could not read the pull request's plan comment: Bad credentials");
  });

  test('a repository the token cannot see (404): unknown, naming the permission the job needs', async () => {
    const run = await runAsStep(['plan-comment', '--plans', plans, '--compare-reviewed'], { ...stepEnv(tmp, pushEvent(), 'push'), GITHUB_REPOSITORY: `${OWNER}/private-elsewhere` });
    expect([run.code, run.outputs.reviewed]).toEqual([0, 'unknown']);
    expect(run.summary).toContain("> - `dev-us-east-1`: could not read the pull request's plan comment: Not Found");
    expect(run.summary).toContain('(the job needs `permissions: pull-requests: read`)');
  });

  test('without GITHUB_TOKEN: the step fails, naming what to set', async () => {
    const run = await runAsStep(['plan-comment', '--plans', plans, '--compare-reviewed'], { ...stepEnv(tmp, pushEvent(), 'push'), GITHUB_TOKEN: undefined });
    expect(run.code).toBe(1);
    expect(run.summary).toContain('GITHUB_TOKEN is not set');
  });

  test('on a pull request: a usage error (its plan is the one under review)', async () => {
    const run = await runAsStep(['plan-comment', '--plans', plans, '--compare-reviewed'], stepEnv(tmp, pullRequestEvent(SAME_REPO)));
    expect([run.code, writes()]).toEqual([2, []]);
    expect(run.summary).toContain("--compare-reviewed compares a merged commit's plans with its pull request's");
  });
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
