/**
 * What the bootstrap reads besides the environments: environments/github.json (validated, messages naming the file
 * and the field), and the rules environments of one account must agree on for one bootstrap stack.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootstrapAccounts, roleNameAndPath } from '../src/bootstrap/accounts';
import { EnvironmentError } from '../src/config/errors';
import { loadGithubConfig, subjectPrefix } from '../src/config/github';
import { loadEnvironments } from '../src/config/loadEnvironments';
import { devDefinition, writeEnvironments, type Definition } from './support/environmentFixtures';
import { synthRun } from './support/synthRun';

const repoRoot = path.join(__dirname, '../..');

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    return [...(error as EnvironmentError).problems];
  }
  throw new Error('expected an EnvironmentError');
}

/** A directory holding only github.json, written verbatim when a string. */
function githubDir(content: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'github-'));
  writeFileSync(path.join(dir, 'github.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('environments/github.json', () => {
  test('the shipped file names the repository; loadEnvironments does not take it for an environment', () => {
    expect(loadGithubConfig(path.join(repoRoot, 'environments')).repository).toBe('example-org/analytics-platform');
    expect(loadEnvironments(path.join(repoRoot, 'environments')).map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
  });

  test.each<[string, unknown, RegExp]>([
    ['no owner', { repository: 'analytics-platform' }, /github\.json: repository: must be "<owner>\/<repository>" exactly as GitHub spells it, e\.g\. "example-org\/analytics-platform" \(no wildcards\)/],
    ['a wildcard', { repository: 'example-org/*' }, /github\.json: repository: must be "<owner>\/<repository>"/],
    ['a URL', { repository: 'https://github.com/example-org/analytics-platform' }, /github\.json: repository: must be/],
    ['an owner starting with a hyphen', { repository: '-org/repo' }, /github\.json: repository: must be/],
    ['a repository named ..', { repository: 'example-org/..' }, /github\.json: repository: the repository part cannot be "\." or "\.\."/],
    ['a number', { repository: 42 }, /github\.json: repository: must be a string, not number/],
    ['no repository', {}, /github\.json: repository: missing required field \(expected string\)/],
    ['an unknown field', { repository: 'o/r', repo: 'o/r' }, /github\.json: repo: unknown field; allowed fields here: description, repository, immutableIds/],
    ['half the immutable ids', { repository: 'o/r', immutableIds: { owner: 1 } }, /github\.json: immutableIds\.repository: missing required field/],
    ['an id that is not a positive whole number', { repository: 'o/r', immutableIds: { owner: 0, repository: 1.5 } }, /github\.json: immutableIds\.owner: must be a positive whole number/],
    ['invalid JSON', '{ "repository": ', /github\.json:1:16: not valid JSON \(Unexpected end of JSON input\)/],
  ])('%s is refused with the file and the field', (_label, content, message) => {
    expect(problemsOf(() => loadGithubConfig(githubDir(content)))).toContainEqual(expect.stringMatching(message));
  });

  test('a missing file says what to put in it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'github-'));
    expect(problemsOf(() => loadGithubConfig(dir))).toEqual([expect.stringMatching(/github\.json: not found; .*\{ "repository": "example-org\/analytics-platform" \}/)]);
  });

  test('subjects: plain, or immutable with the ids', () => {
    expect(subjectPrefix({ repository: 'example-org/analytics-platform' })).toBe('repo:example-org/analytics-platform');
    expect(subjectPrefix({ repository: 'example-org/analytics-platform', immutableIds: { owner: 7, repository: 9 } })).toBe('repo:example-org@7/analytics-platform@9');
  });
});

describe('environments of one account', () => {
  /** dev, and a second environment made from dev by `mutate` (own suffix and CIDRs). */
  function accountProblems(mutate: (d: Definition) => void): string[] {
    const other = devDefinition();
    other.suffix = 'qa';
    other.roles.deploy = 'arn:aws:iam::123456789012:role/analytics-deploy-qa';
    other.regions.forEach((r: Definition, i: number) => (r.cidr = `10.${40 + i}.0.0/16`));
    mutate(other);
    return problemsOf(() => bootstrapAccounts(loadEnvironments(writeEnvironments({ dev: devDefinition(), qa: other }))));
  }

  test('the shipped environments make one account', () => {
    const [account, ...rest] = bootstrapAccounts(loadEnvironments(path.join(repoRoot, 'environments')));
    expect(rest).toEqual([]);
    expect(account).toMatchObject({ account: '123456789012', state: { bucket: 'analytics-tfstate-123456789012', region: 'us-east-1' } });
  });

  test.each<[string, (d: Definition) => void, RegExp]>([
    ['another state bucket', (d) => (d.state.bucket = 'other-tfstate'), /qa\/environment\.json: state: differs from .*dev\/environment\.json; environments of account 123456789012 share one state bucket/],
    ['a lock table only one names', (d) => (d.state.lockTable = 'locks'), /qa\/environment\.json: state: differs from/],
    ['another plan role', (d) => (d.roles.plan = 'arn:aws:iam::123456789012:role/other-plan'), /qa\/environment\.json: roles\.plan: .* differs from .*dev\/environment\.json's .*; account 123456789012 has one plan role/],
    ['the same deploy role', (d) => (d.roles.deploy = 'arn:aws:iam::123456789012:role/analytics-deploy-dev'), /qa\/environment\.json: roles\.deploy: .* is already .*dev\/environment\.json's deploy role; each environment needs its own/],
    ['the plan role as deploy role', (d) => (d.roles.deploy = d.roles.plan), /qa\/environment\.json: roles\.deploy: is the plan role/],
    [
      "the copies' deploy role as its deploy role",
      (d) => (d.roles.deploy = 'arn:aws:iam::123456789012:role/ci/analytics-deploy-ephemeral-copies'),
      /qa\/environment\.json: roles\.deploy: "analytics-deploy-ephemeral-copies" is the name of the on-demand copies' deploy role, .*; choose another name/,
    ],
    ['a suffix ending in another suffix', (d) => (d.suffix = 'qa-dev'), /qa\/environment\.json: suffix: "qa-dev" ends with "-dev" .*, so dev's deploy role would match its resource names/],
    [
      "another account's state bucket",
      (d) => {
        d.account = '210987654321';
        d.roles = { deploy: 'arn:aws:iam::210987654321:role/analytics-deploy-qa', plan: 'arn:aws:iam::210987654321:role/analytics-plan' };
      },
      /state\.bucket: "analytics-tfstate-123456789012" is also named in account .*; S3 bucket names are global/,
    ],
  ])('%s is refused', (_label, mutate, message) => {
    expect(accountProblems(mutate)).toContainEqual(expect.stringMatching(message));
  });

  test('role name and path from the ARN', () => {
    expect(roleNameAndPath('arn:aws:iam::123456789012:role/analytics-plan')).toEqual({ roleName: 'analytics-plan', path: '/' });
    expect(roleNameAndPath('arn:aws:iam::123456789012:role/ci/github/analytics-plan')).toEqual({ roleName: 'analytics-plan', path: '/ci/github/' });
  });
});

describe('synth CLI --bootstrap', () => {
  const outdir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'synth-')), 'cdktf.out');

  test('writes the bootstrap stack of each account', () => {
    const out = outdir();
    const result = synthRun(['--bootstrap', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('bootstrap-123456789012');
    expect(existsSync(path.join(out, 'stacks', 'bootstrap-123456789012', 'cdk.tf.json'))).toBe(true);
    expect(existsSync(path.join(out, 'stacks', 'dev-us-east-1'))).toBe(false);
  });

  test('a bad github.json stops it before anything is written, naming the file and the field', () => {
    const dir = writeEnvironments({ dev: devDefinition() });
    writeFileSync(path.join(dir, 'github.json'), JSON.stringify({ repository: 'example-org/*' }));
    const out = outdir();
    const result = synthRun(['--bootstrap', '--environments', dir, '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/github\.json: repository: must be "<owner>\/<repository>"/);
    expect(existsSync(out)).toBe(false);
  });

  test('refuses --env (a bootstrap stack covers every environment of its account) and an unknown --bootstrap-state, as flag errors', () => {
    expect(synthRun(['--bootstrap', '--env', 'dev', '--out', outdir()])).toMatchObject({ status: 2, stderr: expect.stringContaining('--bootstrap covers every environment of each account; leave out --env') });
    expect(synthRun(['--bootstrap', '--bootstrap-state', 'remote', '--out', outdir()])).toMatchObject({ status: 2, stderr: expect.stringContaining('--bootstrap-state remote: use local') });
  });
});
