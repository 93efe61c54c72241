/**
 * `npm run gitops -- environment-check` as a workflow step: the real octokit of @actions/github against GitHub's
 * environments and deployment-branch-policies endpoints on a loopback port (recorded response shapes), with the
 * environment definitions shipped in environments/ (prod and staging are not ephemeral, dev is).
 */
import { runAsStep } from './support/actionsRun';
import { FAKE_TOKEN, type FakeEnvironment, useFakeDeploymentsApi } from './support/fakeDeploymentsApi';

const OWNER = 'acme';
const REPO = 'analytics-platform';
const SETTINGS = `https://github.com/${OWNER}/${REPO}/settings/environments`;

const fake = useFakeDeploymentsApi(OWNER, REPO);

const check = (env: string) =>
  runAsStep(['environment-check', '--env', env], { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_SERVER_URL: 'https://github.com', GITHUB_TOKEN: FAKE_TOKEN });

const selected = (name: string, rules: FakeEnvironment['branch_policies']): FakeEnvironment => ({
  name,
  deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  branch_policies: rules,
});

describe('a non-ephemeral environment', () => {
  test.each([
    ['listed without type, as in GitHub\'s example', [{ name: 'main' }]],
    ['listed with type branch', [{ name: 'main', type: 'branch' as const }]],
  ])('exists and lets only the branch main deploy (%s): the step passes', async (_case, rules) => {
    fake.api.addEnvironment(selected('prod', rules));
    const run = await check('prod');
    expect(run.code).toBe(0);
    expect(run.summary).toContain('GitHub environment "prod" exists and only the branch main may deploy it');
    expect(fake.api.requests).toEqual([`GET /repos/${OWNER}/${REPO}/environments/prod`, `GET /repos/${OWNER}/${REPO}/environments/prod/deployment-branch-policies?per_page=100`]);
  });

  test('missing: fails before any job could create it unprotected, naming the settings page and what to set', async () => {
    fake.api.addEnvironment(selected('staging', [{ name: 'main' }]));
    const run = await check('prod');
    expect(run.code).toBe(1);
    expect(run.summary).toContain(
      `GitHub environment "prod" does not exist, and the first job naming it would create it without any protection. ` +
        `Create it in Settings → Environments → New environment (${SETTINGS}), named "prod", then set "Deployment branches and tags" ` +
        'to "Selected branches and tags" with exactly one rule: Ref type Branch, name pattern "main".',
    );
  });

  test('"No restriction" (deployment_branch_policy null): every branch could deploy, so it fails', async () => {
    fake.api.addEnvironment({ name: 'prod', deployment_branch_policy: null });
    const run = await check('prod');
    expect(run.code).toBe(1);
    expect(run.summary).toContain('GitHub environment "prod" lets every branch deploy ("Deployment branches and tags": No restriction).');
    expect(run.summary).toContain(`In Settings → Environments → prod (${SETTINGS}) set "Deployment branches and tags" to "Selected branches and tags"`);
    expect(run.summary).toContain('environments/prod/environment.json is not ephemeral, so only merges to main may deploy it.');
  });

  test('"Protected branches only" fails: any branch with a protection rule could deploy, not main alone', async () => {
    fake.api.addEnvironment({ name: 'staging', deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } });
    const run = await check('staging');
    expect(run.code).toBe(1);
    expect(run.summary).toContain('GitHub environment "staging" allows "Protected branches only": every branch with a protection rule may deploy, not main alone.');
    // the rules list exists only for selected branches; it is not asked for
    expect(fake.api.requests).toEqual([`GET /repos/${OWNER}/${REPO}/environments/staging`]);
  });

  test.each([
    ['a wildcard instead of main', [{ name: '*' }], 'branch "*"'],
    ['a release pattern besides main', [{ name: 'release/*' }, { name: 'main' }], 'branch "release/*", branch "main"'],
    ['an extra branch', [{ name: 'main', type: 'branch' as const }, { name: 'hotfix', type: 'branch' as const }], 'branch "main", branch "hotfix"'],
    ['a tag named main', [{ name: 'main', type: 'tag' as const }], 'tag "main"'],
    ['a pattern that also matches main', [{ name: 'mai*' }], 'branch "mai*"'],
    ['no rule at all', [], 'none'],
  ])('selected branches with %s fail, listing the rules', async (_case, rules, listed) => {
    fake.api.addEnvironment(selected('prod', rules));
    const run = await check('prod');
    expect(run.code).toBe(1);
    expect(run.summary).toContain(`GitHub environment "prod" has the deployment rules: ${listed}. In Settings → Environments → prod (${SETTINGS})`);
  });
});

describe('an ephemeral environment (dev)', () => {
  test('missing: fails, asking only for it to be created', async () => {
    const run = await check('dev');
    expect(run.code).toBe(1);
    expect(run.summary).toContain(`GitHub environment "dev" does not exist, and the first job naming it would create it without any protection. Create it in Settings → Environments → New environment (${SETTINGS}), named "dev".`);
  });

  test('existing without a branch restriction passes: branches deploy it by design', async () => {
    fake.api.addEnvironment({ name: 'dev', deployment_branch_policy: null });
    const run = await check('dev');
    expect(run.code).toBe(0);
    expect(run.summary).toContain('GitHub environment "dev" exists (ephemeral: any branch may deploy it)');
  });
});

test('a token without actions: read (403) fails naming the permission to add', async () => {
  fake.api.addEnvironment(selected('prod', [{ name: 'main' }]));
  fake.api.denied.add('actions');
  const run = await check('prod');
  expect(run.code).toBe(1);
  expect(run.summary).toContain('GitHub refused to read the GitHub environment "prod" (403: Resource not accessible by integration');
  expect(run.summary).toContain("The job's GITHUB_TOKEN needs `permissions: actions: read` (add it to the job, and to the calling job when this runs in a reusable workflow)");
});

test('an environment that environments/ does not define is a usage error, before any request', async () => {
  const run = await check('qa');
  expect(run.code).toBe(2);
  expect(run.summary).toContain('--env qa: no such environment; defined: dev, prod, staging');
  expect(fake.api.requests).toEqual([]);
});
