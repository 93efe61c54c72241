import path from 'node:path';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { devDefinition, writeEnvironments } from '../../infra/test/support/environmentFixtures';
import { ephemeralEnvironment } from '../src/ephemeralGuard';
import { runAsStep } from './support/actionsRun';

const shipped = loadEnvironments(path.join(__dirname, '../../environments'));

describe('ephemeralEnvironment', () => {
  test('finds an ephemeral environment by its suffix', () => {
    expect(ephemeralEnvironment(shipped, { action: 'destroy', suffix: 'dev', confirm: 'dev' }).name).toBe('dev');
    expect(ephemeralEnvironment(shipped, { action: 'deploy', suffix: ' dev ' }).name).toBe('dev');
  });

  test.each([
    ['prod', 'prod', /environments\/prod\/environment\.json \(suffix "prod"\) is not ephemeral: true; only ephemeral environments can be destroyed.*ephemeral suffixes: dev/],
    ['staging', 'staging', /staging\/environment\.json \(suffix "staging"\) is not ephemeral/],
    ['nope', 'nope', /no environment has the suffix "nope"; ephemeral suffixes: dev/],
    ['dev', 'prod', /the confirmation "prod" does not repeat the suffix "dev"/],
    ['dev', '', /the confirmation "" does not repeat the suffix "dev"/],
  ])('destroy %s confirmed as "%s" is refused', (suffix, confirm, message) => {
    expect(() => ephemeralEnvironment(shipped, { action: 'destroy', suffix, confirm })).toThrow(message);
  });

  test('deploying a non-ephemeral environment from the Actions tab is refused', () => {
    expect(() => ephemeralEnvironment(shipped, { action: 'deploy', suffix: 'prod' })).toThrow(/can be deployed from the Actions tab/);
  });

  test('deploying a copy\'s suffix through the folder guard names the copy command', () => {
    expect(() => ephemeralEnvironment(shipped, { action: 'deploy', suffix: ' eph-alarm' })).toThrow(/^refused: "eph-alarm" is an on-demand copy's suffix \(prefix "eph-"\), not an environment folder's: npm run gitops -- copy deploys it$/);
  });

  test('a suffix that differs from the folder name is found by the suffix', () => {
    const dir = writeEnvironments({ feature: { ...devDefinition(), suffix: 'feat-42' } });
    expect(ephemeralEnvironment(loadEnvironments(dir), { action: 'deploy', suffix: 'feat-42' }).name).toBe('feature');
  });
});

describe('gitops guard (as a workflow step)', () => {
  test('outputs the environment and its region matrix', async () => {
    const run = await runAsStep(['guard', '--action', 'destroy', '--suffix', 'dev', '--confirm', 'dev']);
    expect(run.code).toBe(0);
    expect(run.outputs.environment).toBe('dev');
    expect(JSON.parse(run.outputs.matrix!).include.map((e: { stack: string; deployRole: string }) => [e.stack, e.deployRole])).toEqual([
      ['dev-us-east-1', 'arn:aws:iam::123456789012:role/analytics-deploy-dev'],
      ['dev-eu-west-1', 'arn:aws:iam::123456789012:role/analytics-deploy-dev'],
      ['dev-ap-southeast-1', 'arn:aws:iam::123456789012:role/analytics-deploy-dev'],
    ]);
    expect(run.summary).toContain('destroy dev (suffix `dev`)');
    expect(run.summary).not.toContain('skipped');
  });

  test('a deploy that skips the integration suite says so in the run summary', async () => {
    const run = await runAsStep(['guard', '--action', 'deploy', '--suffix', 'dev', '--skip-integration', 'true']);
    expect(run.code).toBe(0);
    expect(run.summary).toContain('The integration suite was **skipped** on request (input `skip-integration`)');
    expect((await runAsStep(['guard', '--action', 'deploy', '--suffix', 'dev', '--skip-integration', 'yes'])).summary).toMatch(/--skip-integration yes: use true or false/);
  });

  test('a refusal fails the step, sets no outputs and explains itself in the job summary', async () => {
    const run = await runAsStep(['guard', '--action', 'destroy', '--suffix', 'prod', '--confirm', 'prod']);
    expect(run.code).toBe(1);
    expect(run.outputs).toEqual({});
    expect(run.summary).toMatch(/`gitops guard` failed[\s\S]*prod\/environment\.json \(suffix "prod"\) is not ephemeral/);
  });

  test('a broken environment definition fails the guard with the file and field', async () => {
    const definition = devDefinition();
    definition.ephemeral = 'yes';
    const run = await runAsStep(['guard', '--action', 'destroy', '--suffix', 'dev', '--confirm', 'dev', '--environments', writeEnvironments({ dev: definition })]);
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/dev\/environment\.json: ephemeral: must be a boolean/);
  });

  test('flags are checked', async () => {
    expect(await runAsStep(['guard', '--suffix', 'dev'])).toMatchObject({ code: 2, outputs: {}, summary: expect.stringMatching(/--action is required\nusage: npm run gitops -- guard/) });
    expect((await runAsStep(['guard', '--action', 'nuke', '--suffix', 'dev'])).summary).toMatch(/--action nuke: use deploy or destroy/);
    expect((await runAsStep(['guard', '--action', 'deploy', '--suffix', 'dev', '--force'])).summary).toMatch(/--force: unknown flag\nusage: npm run gitops -- guard/);
  });
});

describe('gitops guard destroying a copy (an eph- suffix)', () => {
  test('outputs copy=true, the suffix, and the template environment, copies\' role and state region the reaping job needs', async () => {
    const run = await runAsStep(['guard', '--action', 'destroy', '--suffix', 'eph-alarm', '--confirm', 'eph-alarm']);
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ copy: 'true', suffix: 'eph-alarm', environment: 'dev', 'copy-role': 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies', 'copy-region': 'us-east-1' });
    expect(run.summary).toContain('### destroy copy eph-alarm (template `dev`)');
  });

  test('a folder environment outputs copy=false', async () => {
    expect((await runAsStep(['guard', '--action', 'destroy', '--suffix', 'dev', '--confirm', 'dev'])).outputs.copy).toBe('false');
  });

  test.each([
    [['--confirm', 'eph-alarms'], /the confirmation "eph-alarms" does not repeat the suffix "eph-alarm"/],
    [['--confirm', 'eph-alarm', '--template', 'prod'], /template "prod": environments\/prod\/environment\.json is not ephemeral: true \(protected; never copied\)/],
  ])('refused: %j', async (flags, message) => {
    const run = await runAsStep(['guard', '--action', 'destroy', '--suffix', 'eph-alarm', ...flags]);
    expect(run).toMatchObject({ code: 1, outputs: {} });
    expect(run.summary).toMatch(message);
  });
});

describe('gitops matrix (as a workflow step)', () => {
  test('--deployable: every region of every non-ephemeral environment, with its roles and stack directory', async () => {
    const run = await runAsStep(['matrix', '--deployable']);
    const include = JSON.parse(run.outputs.matrix!).include as Record<string, unknown>[];
    expect(run.outputs.count).toBe('6');
    expect(include.map((e) => e.stack)).toEqual(['prod-us-east-1', 'prod-eu-west-1', 'prod-ap-southeast-1', 'staging-us-east-1', 'staging-eu-west-1', 'staging-ap-southeast-1']);
    expect(include[0]).toEqual({
      environment: 'prod',
      region: 'us-east-1',
      stack: 'prod-us-east-1',
      ephemeral: false,
      planRole: 'arn:aws:iam::123456789012:role/analytics-plan',
      deployRole: 'arn:aws:iam::123456789012:role/analytics-deploy-prod',
    });
  });

  test('--env picks environments; an unknown one is an error naming the defined ones', async () => {
    expect((await runAsStep(['matrix', '--env', 'dev'])).outputs.count).toBe('3');
    const run = await runAsStep(['matrix', '--env', 'qa']);
    expect(run.code).toBe(2);
    expect(run.summary).toMatch(/--env qa: no such environment; defined: dev, prod, staging\nusage: npm run gitops -- matrix/);
  });
});
