/**
 * `npm run gitops -- templates`, the reaper's matrix: one job per account with templates, checked against GitHub's
 * environments endpoint (the real octokit against recorded response shapes on a loopback port).
 */
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { devDefinition, writeEnvironments } from '../../infra/test/support/environmentFixtures';
import { templateAccounts } from '../src/copyRequest';
import { runAsStep } from './support/actionsRun';
import { FAKE_TOKEN, useFakeDeploymentsApi } from './support/fakeDeploymentsApi';

const OWNER = 'acme';
const REPO = 'analytics-platform';
const fake = useFakeDeploymentsApi(OWNER, REPO);

const env = { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_SERVER_URL: 'https://github.com', GITHUB_TOKEN: FAKE_TOKEN };
const region = (name: string, cidr: string) => ({ name, cidr, availabilityZones: [`${name}a`, `${name}b`] });

test('templateAccounts: one entry per account, its templates together, the copies\' role assumed through the first one', () => {
  const dir = writeEnvironments({
    dev: devDefinition(),
    demo: { ...devDefinition(), suffix: 'demo', regions: [region('us-east-1', '10.40.0.0/16')] },
    sandbox: { ...devDefinition(), suffix: 'sbx', account: '210987654321', roles: { deploy: 'arn:aws:iam::210987654321:role/analytics-deploy-sbx', plan: 'arn:aws:iam::210987654321:role/analytics-plan' }, state: { bucket: 'analytics-tfstate-210987654321', region: 'eu-west-1' }, regions: [region('eu-west-1', '10.50.0.0/16')] },
    prod: { ...devDefinition(), suffix: 'prod', ephemeral: false, regions: [region('us-east-1', '10.60.0.0/16')] },
  });
  expect(templateAccounts(loadEnvironments(dir))).toEqual([
    { account: '123456789012', templates: 'demo,dev', environment: 'demo', deployRole: 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies', region: 'us-east-1' },
    { account: '210987654321', templates: 'sandbox', environment: 'sandbox', deployRole: 'arn:aws:iam::210987654321:role/analytics-deploy-ephemeral-copies', region: 'eu-west-1' },
  ]);
});

test('outputs the matrix once every template environment exists', async () => {
  fake.api.addEnvironment({ name: 'dev', deployment_branch_policy: null, branch_policies: [] });
  const run = await runAsStep(['templates'], env);
  expect(run.code).toBe(0);
  expect(run.outputs.count).toBe('1');
  expect(JSON.parse(run.outputs.matrix!)).toEqual({
    include: [{ account: '123456789012', templates: 'dev', environment: 'dev', deployRole: 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies', region: 'us-east-1' }],
  });
  expect(run.summary).toContain('| 123456789012 | dev | dev | us-east-1 |');
});

test('a missing template environment fails the step before a job could create it', async () => {
  const run = await runAsStep(['templates'], env);
  expect(run).toMatchObject({ code: 1, outputs: {} });
  expect(run.summary).toMatch(/GitHub environment "dev" does not exist, and the first job naming it would create it without any protection/);
});
