/**
 * The preview comment as preview.yml makes it: each deploy job writes its stack's outputs with `gitops stack-outputs`
 * (real terraform, applied stacks with outputs only), the comment job reads them and keeps one comment on the pull
 * request (the real octokit of @actions/github against GitHub's issue-comments API on a loopback port).
 */
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { apply, init } from '../../infra/src/terraform/terraformCli';
import { copyOutputs, requestCopy } from '../src/copyRequest';
import { PREVIEW_MARKER } from '../src/previewComment';
import { REPORT_MARKER } from '../src/planReport';
import { OWNER, PR, REPO, stepEnv } from './support/actionsEvents';
import { runAsStep } from './support/actionsRun';
import { ACTIONS_BOT, fakePullRequest, OCTOCAT } from './support/fakePullRequest';
import { writeStacks } from './support/planFixtures';
import { previewEvent } from './support/previewEvents';

const copy = requestCopy(loadEnvironments(path.join(__dirname, '../../environments')), { suffix: 'eph-pr-42', ttlHours: 24, actor: 'octocat', pullRequest: PR, now: new Date('2026-12-03T18:00:00Z') });
const { record, matrix } = copyOutputs(copy);
const DEPLOYED = ['eph-pr-42-us-east-1', 'eph-pr-42-eu-west-1'];

let tmp: string;
let outputs: string;
let github: Awaited<ReturnType<typeof fakePullRequest>>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'preview-comment-'));
  github = await fakePullRequest(OWNER, REPO, PR);
  process.env.GITHUB_API_URL = github.baseUrl;
  // two of the copy's three regions deployed: outputs as the region stacks declare them, state kept locally
  const stacks = writeStacks(
    tmp,
    Object.fromEntries(
      DEPLOYED.map((stack) => [
        stack,
        { output: { s3_bucket_name: { value: `analytics-raw-${stack}` }, dynamodb_table_name: { value: `analytics-jobs-${stack}` }, queue_depths: { value: [1, 2] } } },
      ]),
    ),
  );
  // each deploy job's artifact downloads into a folder of its own
  outputs = path.join(tmp, 'outputs');
  for (const stack of DEPLOYED) {
    const dir = path.join(stacks, stack);
    await init(dir);
    await apply(dir);
    const run = await runAsStep(['stack-outputs', '--stack', stack, '--stacks-dir', stacks, '--out', path.join(outputs, `outputs-${stack}`)]);
    expect(run.code).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await github.close();
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  github.comments.length = 0;
  github.requests.length = 0;
});

afterEach(() => jest.restoreAllMocks());

const event = () => stepEnv(tmp, previewEvent('labeled', { label: 'preview', labels: ['preview'] }));
const writes = () => github.requests.filter((r) => r.method !== 'GET');

test('stack-outputs writes what terraform output -json gives, by name', () => {
  expect(JSON.parse(readFileSync(path.join(outputs, 'outputs-eph-pr-42-us-east-1', 'eph-pr-42-us-east-1.json'), 'utf8'))).toEqual({
    dynamodb_table_name: 'analytics-jobs-eph-pr-42-us-east-1',
    queue_depths: [1, 2],
    s3_bucket_name: 'analytics-raw-eph-pr-42-us-east-1',
  });
});

test('after the deploy: one comment with the expiry, how to extend or destroy, each region\'s outputs, and the region that failed', async () => {
  const run = await runAsStep(['preview-comment', '--record', record!, '--matrix', matrix!, '--outputs', outputs], event());
  expect(run.code).toBe(0);
  expect(writes()).toEqual([{ method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${PR}/comments`, body: { body: expect.stringMatching(/^<!-- analytics-platform:preview -->\n/) } }]);
  const body = github.comments[0]!.body;
  expect(body).toContain('### :warning: Preview `eph-pr-42`: 1 of 3 regions not deployed');
  expect(body).toContain('**Expires** 2026-12-04T18:00:00Z');
  expect(body).toMatch(/\*\*Extend\*\*: push a commit, or re-run the last \*\*preview\*\* run/);
  expect(body).toMatch(/\*\*Destroy now\*\*: remove the label `preview`, or close the pull request/);
  expect(body).toContain('### eph-pr-42-us-east-1 outputs');
  expect(body).toContain('| s3_bucket_name | `analytics-raw-eph-pr-42-eu-west-1` |');
  expect(body).toContain('| queue_depths | `[1,2]` |');
  expect(body).toContain('### eph-pr-42-ap-southeast-1\n\n:x: No outputs: its deploy job did not finish; [this run](https://github.com/acme/analytics-platform/actions/runs/11223344) says why.');
  expect(body).toContain('Commit 6dcb09b5b578');
  expect(run.outputs['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${github.comments[0]!.id}`);
  expect(run.summary).toContain('**Expires** 2026-12-04T18:00:00Z');
  expect(run.summary).not.toContain(PREVIEW_MARKER);
});

test('every region deployed: the title says so; a later deploy and the destroy update the same comment, never the plan report', async () => {
  const plan = github.add(ACTIONS_BOT, `${REPORT_MARKER}\n## Terraform plan`);
  const quoted = github.add(OCTOCAT, `${PREVIEW_MARKER}\nquoted`);
  const twoRegions = JSON.stringify({ include: JSON.parse(matrix!).include.filter((e: { stack: string }) => DEPLOYED.includes(e.stack)) });
  expect((await runAsStep(['preview-comment', '--record', record!, '--matrix', twoRegions, '--outputs', outputs], event())).code).toBe(0);
  const own = github.comments.at(-1)!;
  expect(own.body).toContain('### :rocket: Preview `eph-pr-42` deployed');
  expect((await runAsStep(['preview-comment', '--record', record!, '--matrix', matrix!, '--outputs', outputs], event())).code).toBe(0);
  const destroyed = await runAsStep(['preview-comment', '--destroyed', 'eph-pr-42'], stepEnv(tmp, previewEvent('closed', { labels: ['preview'], closed: { merged: true } })));
  expect(destroyed.code).toBe(0);
  expect(github.comments).toHaveLength(3);
  expect(writes().map((r) => [r.method, r.path])).toEqual([
    ['POST', `/repos/${OWNER}/${REPO}/issues/${PR}/comments`],
    ['PATCH', `/repos/${OWNER}/${REPO}/issues/comments/${own.id}`],
    ['PATCH', `/repos/${OWNER}/${REPO}/issues/comments/${own.id}`],
  ]);
  expect(own.body).toMatch(/^<!-- analytics-platform:preview -->\n### Preview `eph-pr-42` destroyed\n\nEvery region of `eph-pr-42` was destroyed by \[this run\]\(https:\/\/github\.com\/acme\/analytics-platform\/actions\/runs\/11223344\)\. Add the label `preview` again for a new one\./);
  expect([plan.body, quoted.body]).toEqual([`${REPORT_MARKER}\n## Terraform plan`, `${PREVIEW_MARKER}\nquoted`]);
});

test('a fork pull request: the summary and a notice, no API call', async () => {
  const notice = jest.spyOn(core, 'notice');
  const run = await runAsStep(['preview-comment', '--destroyed', 'eph-pr-42'], stepEnv(tmp, previewEvent('closed', { labels: ['preview'], closed: { merged: false }, headRepo: { full_name: 'mallory/analytics-platform', fork: true } })));
  expect(run.code).toBe(0);
  expect(github.requests).toEqual([]);
  expect(notice).toHaveBeenCalledWith(expect.stringMatching(/^pull request from mallory\/analytics-platform: its token is read-only/));
});

test('flags are checked: a record that is not a copy\'s, --destroyed with a record, nothing at all', async () => {
  const bad = await runAsStep(['preview-comment', '--record', '{"suffix":"prod"}', '--matrix', matrix!], event());
  expect(bad).toMatchObject({ code: 1, summary: expect.stringMatching(/--record: not the record output of npm run gitops -- preview/) });
  expect((await runAsStep(['preview-comment', '--destroyed', 'eph-pr-42', '--record', record!], event())).summary).toMatch(/--destroyed says the copy is gone: no --record or --matrix with it\nusage: npm run gitops -- preview-comment/);
  expect((await runAsStep(['preview-comment'], event())).code).toBe(2);
  expect(writes()).toEqual([]);
});
