import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDrift, renderDrift, syncDriftIssue, type StackDrift } from '../src/driftReport';
import { fakeIssuesApi } from './support/fakeIssues';
import { planAsSteps, writeStacks } from './support/planFixtures';

const repository = { owner: 'example-org', repo: 'analytics-platform' };
let results: StackDrift[];

// Real terraform plans (local backend, built-in provider): an empty configuration plans nothing; one terraform_data
// resource without state is what drift looks like (something to create). The third stack never got a plan.
beforeAll(async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'drift-'));
  const stacksDir = writeStacks(tmp, {
    'prod-us-east-1': {},
    'prod-eu-west-1': { resource: { terraform_data: { marker: { input: 'drifted' } } } },
  });
  const out = path.join(tmp, 'drift');
  const runs = await planAsSteps(stacksDir, ['prod-us-east-1', 'prod-eu-west-1'], out);
  expect(runs.map((r) => r.outputs.changes)).toEqual(['false', 'true']);
  results = readDrift(out, ['prod-us-east-1', 'prod-eu-west-1', 'prod-ap-southeast-1']);
}, 120_000);

test('each expected stack is in sync, drifted (with what would change) or without a plan', () => {
  expect(results.map((r) => [r.stack, r.status])).toEqual([
    ['prod-us-east-1', 'in-sync'],
    ['prod-eu-west-1', 'drift'],
    ['prod-ap-southeast-1', 'no-plan'],
  ]);
  const drift = results[1] as Extract<StackDrift, { status: 'drift' }>;
  expect(drift.summary.counts).toMatchObject({ add: 1, change: 0, replace: 0, destroy: 0 });
});

test('the report has a row per stack and lists the drifted resources', () => {
  const body = renderDrift(results, 'https://github.com/example-org/analytics-platform/actions/runs/7');
  expect(body).toContain('| prod-us-east-1 | :white_check_mark: in sync |  |');
  expect(body).toContain('| prod-eu-west-1 | :warning: drift | 1 / 0 / 0 / 0 |');
  expect(body).toContain('| prod-ap-southeast-1 | :x: no plan (see the job log) |  |');
  expect(body).toContain('- `terraform_data.marker`: add');
  expect(body).toContain('Run: https://github.com/example-org/analytics-platform/actions/runs/7');
});

test('drift opens one labelled issue, later runs update it, and it is closed once all is in sync', async () => {
  const { octokit, issues, labels } = fakeIssuesApi(repository.owner, repository.repo, [
    // an open pull request with the label must not be mistaken for the drift issue
    { number: 1, title: 'PR', body: '', state: 'open', labels: ['drift'], comments: [], pull_request: {} },
  ]);
  expect(await syncDriftIssue(octokit, repository, results, 'first')).toBe('opened https://github.com/example-org/analytics-platform/issues/2');
  expect(await syncDriftIssue(octokit, repository, results, 'second')).toBe('updated https://github.com/example-org/analytics-platform/issues/2');
  expect(issues[1]).toMatchObject({ title: 'Infrastructure drift detected', body: 'second', state: 'open', labels: ['drift'] });
  expect(labels).toEqual(['drift']);

  const inSync: StackDrift[] = results.map((r) => ({ stack: r.stack, status: 'in-sync' }));
  expect(await syncDriftIssue(octokit, repository, inSync, 'clean')).toBe('closed https://github.com/example-org/analytics-platform/issues/2');
  expect(issues[1]).toMatchObject({ state: 'closed', comments: [expect.stringMatching(/^Every stack is back in sync\.\n\nclean/)] });
  expect(await syncDriftIssue(octokit, repository, inSync, 'clean')).toBe('every stack in sync; no drift issue open');
  expect(issues).toHaveLength(2);
});
