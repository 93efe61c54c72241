import { getOctokit } from '@actions/github';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { driftingEnvironments, readDrift, renderDrift, syncDriftIssue, withPendingDeploys, type StackDrift } from '../src/driftReport';
import { pendingDeploys } from '../src/pendingDeploy';
import { runAsStep } from './support/actionsRun';
import { FAKE_TOKEN, fakeDeploymentsApi } from './support/fakeDeploymentsApi';
import { fakeIssuesApi } from './support/fakeIssues';
import { planAsSteps, writeStacks } from './support/planFixtures';

const repository = { owner: 'example-org', repo: 'analytics-platform' };
let results: StackDrift[];
let plans: string;

// Real terraform plans (local backend, built-in provider): an empty configuration plans nothing; one terraform_data
// resource without state is what drift looks like (something to create). The third stack never got a plan.
beforeAll(async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'drift-'));
  const stacksDir = writeStacks(tmp, {
    'prod-us-east-1': {},
    'prod-eu-west-1': { resource: { terraform_data: { marker: { input: 'drifted' } } } },
  });
  plans = path.join(tmp, 'drift');
  const runs = await planAsSteps(stacksDir, ['prod-us-east-1', 'prod-eu-west-1'], plans);
  expect(runs.map((r) => r.outputs.changes)).toEqual(['false', 'true']);
  results = readDrift(plans, ['prod-us-east-1', 'prod-eu-west-1', 'prod-ap-southeast-1'].map((stack) => ({ stack, environment: 'prod' })));
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

  const inSync: StackDrift[] = results.map((r) => ({ stack: r.stack, environment: r.environment, status: 'in-sync' }));
  expect(await syncDriftIssue(octokit, repository, inSync, 'clean')).toBe('closed https://github.com/example-org/analytics-platform/issues/2');
  expect(issues[1]).toMatchObject({ state: 'closed', comments: [expect.stringMatching(/^Every stack is back in sync\.\n\nclean/)] });
  expect(await syncDriftIssue(octokit, repository, inSync, 'clean')).toBe('every stack in sync; no drift issue open');
  expect(issues).toHaveLength(2);
});

describe('deploys on their way are not drift', () => {
  const CHECKED_OUT = '9049f1265b7d61be4a8904a9a27120d2064dab3b';
  const OLDER = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
  const NEWER = 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d';
  const NOW = new Date('2026-12-03T05:20:00Z');
  const APPLIED = ['queued', 'in_progress', 'success'];
  let github: Awaited<ReturnType<typeof fakeDeploymentsApi>>;
  const pending = (environments: string[]) =>
    pendingDeploys(getOctokit(FAKE_TOKEN, { baseUrl: github.baseUrl }), repository, environments, CHECKED_OUT, NOW);
  /** One run's deploy jobs of an environment, one per region, as GitHub records them. */
  const deployRun = (environment: string, sha: string, created_at: string, states: readonly string[]) => {
    for (let region = 0; region < 3; region++) github.addDeployment({ environment, sha, created_at, states });
  };

  beforeAll(async () => {
    github = await fakeDeploymentsApi(repository.owner, repository.repo);
  });
  afterAll(() => github.close());
  beforeEach(() => github.reset());

  test('a deploy waiting for prod approval makes prod pending, naming the commit and state; staging, applied, is not', async () => {
    deployRun('staging', OLDER, '2026-12-01T09:10:00Z', [...APPLIED, 'inactive']);
    deployRun('staging', CHECKED_OUT, '2026-12-02T15:40:27Z', APPLIED);
    deployRun('prod', OLDER, '2026-12-01T09:31:00Z', APPLIED);
    deployRun('prod', CHECKED_OUT, '2026-12-02T16:02:11Z', ['waiting']);
    expect(await pending(['staging', 'prod'])).toEqual(new Map([['prod', 'deploy of 9049f12 (the commit checked here) to prod is waiting, since 2026-12-02 16:02:11 UTC']]));
  });

  test('a running apply, also of a commit newer than the one checked here, makes the environment pending', async () => {
    deployRun('prod', CHECKED_OUT, '2026-12-02T16:02:11Z', APPLIED);
    deployRun('prod', NEWER, '2026-12-03T05:12:45Z', ['waiting', 'queued', 'in_progress']);
    expect(await pending(['prod'])).toEqual(new Map([['prod', 'deploy of a84d88e (checked here: 9049f12) to prod is in_progress, since 2026-12-03 05:12:45 UTC']]));
  });

  test('settled deploys explain nothing: applied, superseded, failed or rejected (nothing will apply main any more: drift)', async () => {
    deployRun('prod', OLDER, '2026-12-01T09:31:00Z', [...APPLIED, 'inactive']);
    deployRun('prod', CHECKED_OUT, '2026-12-02T16:02:11Z', ['waiting', 'failure']);
    deployRun('prod', CHECKED_OUT, '2026-12-02T17:30:00Z', ['waiting', 'queued', 'in_progress', 'error']);
    deployRun('staging', CHECKED_OUT, '2026-12-02T15:40:27Z', APPLIED);
    expect(await pending(['prod', 'staging'])).toEqual(new Map());
  });

  test('a deploy still "waiting" after GitHub would have failed it (30 days) is a stale record, not a pending deploy', async () => {
    deployRun('prod', OLDER, '2026-11-02T04:00:00Z', ['waiting']);
    expect(await pending(['prod'])).toEqual(new Map());
    deployRun('prod', CHECKED_OUT, '2026-11-04T06:00:00Z', ['waiting']);
    expect([...(await pending(['prod'])).keys()]).toEqual(['prod']);
  });

  test('an environment never deployed by a job has nothing pending; only the environments asked about are read', async () => {
    deployRun('staging', CHECKED_OUT, '2026-12-03T05:00:00Z', ['waiting']);
    expect(await pending(['prod'])).toEqual(new Map());
    expect(github.requests).toEqual([`GET /repos/${repository.owner}/${repository.repo}/deployments?environment=prod&per_page=30`]);
  });

  test('a token without deployments: read (403) fails naming the permission to add', async () => {
    github.denied.add('deployments');
    await expect(pending(['prod'])).rejects.toThrow(
      "GitHub refused to list the deployments of prod (403: Resource not accessible by integration - https://docs.github.com/rest/deployments/deployments#list-deployments). The job's GITHUB_TOKEN needs `permissions: deployments: read`",
    );
  });

  describe('in the report and the issue', () => {
    const reason = 'deploy of 9049f12 (the commit checked here) to prod is waiting, since 2026-12-02 16:02:11 UTC';
    const drift = () => results[1] as Extract<StackDrift, { status: 'drift' }>;

    test('drift in an environment with a deploy on its way becomes deploy-pending; other states and environments stay', () => {
      const mixed = [...results, { ...drift(), stack: 'staging-eu-west-1', environment: 'staging' }];
      expect(driftingEnvironments(mixed)).toEqual(['prod', 'staging']);
      expect(withPendingDeploys(mixed, new Map([['prod', reason]])).map((r) => [r.stack, r.status])).toEqual([
        ['prod-us-east-1', 'in-sync'],
        ['prod-eu-west-1', 'deploy-pending'],
        ['prod-ap-southeast-1', 'no-plan'],
        ['staging-eu-west-1', 'drift'],
      ]);
    });

    test('the report lists pending deploys apart from drift', () => {
      const body = renderDrift(withPendingDeploys([results[0]!, drift()], new Map([['prod', reason]])), undefined);
      expect(body).toContain('| prod-eu-west-1 | :hourglass: deploy pending (not drift) | 1 / 0 / 0 / 0 |');
      expect(body).toContain(`Deploy pending, not drift: main's code is on its way to these stacks, not applied yet, so their plans show (at least) that deploy; the next check after it has settled tells:\n\n- **prod-eu-west-1**: ${reason}`);
      expect(body).not.toContain('What terraform would change');
    });

    test('pending deploys open no issue and close an open one; drift elsewhere opens it, pending ones listed apart', async () => {
      const pendingOnly = withPendingDeploys([results[0]!, drift()], new Map([['prod', reason]]));
      const { octokit, issues } = fakeIssuesApi(repository.owner, repository.repo);
      expect(await syncDriftIssue(octokit, repository, pendingOnly, 'pending')).toBe('no drift; 1 stack with a deploy pending; no drift issue open');
      expect(issues).toEqual([]);

      const withDrift = [...pendingOnly, { ...drift(), stack: 'staging-eu-west-1', environment: 'staging' }];
      const body = renderDrift(withDrift, undefined);
      expect(await syncDriftIssue(octokit, repository, withDrift, body)).toBe('opened https://github.com/example-org/analytics-platform/issues/1');
      expect(issues[0]!.body).toMatch(/What terraform would change[\s\S]*\*\*staging-eu-west-1\*\*[\s\S]*Deploy pending, not drift[\s\S]*- \*\*prod-eu-west-1\*\*: deploy of 9049f12/);

      expect(await syncDriftIssue(octokit, repository, pendingOnly, 'pending')).toBe('closed https://github.com/example-org/analytics-platform/issues/1');
      expect(issues[0]).toMatchObject({ state: 'closed', comments: ['No stack drifts any more; the changes left are deploys still on their way (listed below).\n\npending'] });
    });
  });
});

test('drift-report needs the commit the plans were made from', async () => {
  const run = await runAsStep(['drift-report', '--plans', plans], { GITHUB_SHA: undefined, GITHUB_TOKEN: 'unused' });
  expect(run.code).toBe(1);
  expect(run.summary).toContain('GITHUB_SHA is not set (the commit the drift plans were made from); it is set in every Actions job');
});
