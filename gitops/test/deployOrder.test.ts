/**
 * The deploy order on a real git repository: a stack takes a commit only when it contains the one applied last. The
 * record is the local-state variant (a file beside the state); the S3 variant is the same record in the state bucket.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appliedRecordPlace, checkDeployOrder, isAncestor, readAppliedCommit, recordAppliedCommit } from '../src/deployOrder';
import { runAsStep } from './support/actionsRun';

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const commit = (message: string) => {
  git('commit', '--allow-empty', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
};
let first: string;
let second: string;
let branch: string;

beforeAll(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'deploy-order-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'ci@example.com');
  git('config', 'user.name', 'ci');
  first = commit('first merge');
  second = commit('second merge');
  git('checkout', '-q', '-b', 'other', first);
  branch = commit('a branch never merged');
  git('checkout', '-q', 'main');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const place = () => ({ file: path.join(mkdtempSync(path.join(repo, '..', 'stack-')), 'applied-commit.json') });

test('the first apply of a stack has nothing to compare with', async () => {
  expect(await checkDeployOrder('prod-us-east-1', place(), first, repo)).toEqual({ apply: true });
});

test('a newer commit goes over an older one; the same commit again too (a re-run)', async () => {
  const record = place();
  await recordAppliedCommit(record, { commit: first, run: '101' });
  expect(await checkDeployOrder('prod-us-east-1', record, second, repo)).toEqual({ apply: true, last: { commit: first, run: '101' } });
  expect((await checkDeployOrder('prod-us-east-1', record, first, repo)).apply).toBe(true);
});

test('an older commit after a newer one is refused, and says the newer run deploys the stack', async () => {
  const record = place();
  await recordAppliedCommit(record, { commit: second, run: '102' });
  expect(await checkDeployOrder('prod-us-east-1', record, first, repo)).toEqual({
    apply: false,
    reason: expect.stringMatching(new RegExp(`^${second.slice(0, 12)} was applied to prod-us-east-1 last \\(run 102\\), and this commit ${first.slice(0, 12)} does not contain it: applying it would put older code over newer`)),
  });
});

test('a commit of another line (e.g. a branch deployed by hand) does not contain the last one either', async () => {
  const record = place();
  await recordAppliedCommit(record, { commit: second });
  expect((await checkDeployOrder('prod-us-east-1', record, branch, repo)).apply).toBe(false);
});

test('a commit the checkout does not have (a shallow clone) is an error naming fetch-depth, not a guess', async () => {
  await expect(isAncestor('0123456789abcdef0123456789abcdef01234567', second, repo)).rejects.toThrow(/fetch-depth: 0/);
});

test('a damaged record names itself and how to recover', async () => {
  const record = place();
  writeFileSync(record.file, '{"commit":"main"}');
  await expect(readAppliedCommit(record)).rejects.toThrow(/applied-commit\.json is not a record of an applied commit .*delete it to accept any commit once/);
});

test('the record lives with the state: the state bucket under applied/<environment>/, or beside a local state file', () => {
  expect(appliedRecordPlace({ stack: 'prod-eu-west-1', environment: 'prod', region: 'eu-west-1', s3: { bucket: 'analytics-tfstate-123456789012', region: 'us-east-1' } }, '/stacks/prod-eu-west-1')).toEqual({
    bucket: 'analytics-tfstate-123456789012',
    region: 'us-east-1',
    key: 'applied/prod/prod-eu-west-1.json',
  });
  expect(appliedRecordPlace({ stack: 'dev-us-east-1', environment: 'dev', region: 'us-east-1' }, '/stacks/dev-us-east-1')).toEqual({ file: '/stacks/dev-us-east-1/applied-commit.json' });
});

describe('the deploy step', () => {
  const ENVIRONMENTS = path.join(__dirname, '../../environments');
  /** A stack of `environment` that terraform could not even init (no such provider): reaching terraform fails the step. */
  function unreachableStack(environment: string, applied: string): { stacks: string; dir: string } {
    const stacks = mkdtempSync(path.join(repo, '..', 'stacks-'));
    const dir = path.join(stacks, `${environment}-us-east-1`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: {}, required_providers: { aws: { source: 'nowhere/none' } } }, provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Environment: environment } }] }] } }));
    writeFileSync(path.join(dir, 'applied-commit.json'), JSON.stringify({ commit: applied }));
    return { stacks, dir };
  }
  // the step runs in the checkout, whose history it compares
  async function deployInRepo(stack: string, stacks: string, sha: string) {
    const cwd = process.cwd();
    process.chdir(repo);
    return runAsStep(['deploy', '--stack', stack, '--stacks-dir', stacks, '--environments', ENVIRONMENTS], { GITHUB_SHA: sha }).finally(() => process.chdir(cwd));
  }

  test('stops before terraform when its commit is older than the applied one: a notice, no failure', async () => {
    const { stacks, dir } = unreachableStack('prod', second);
    const run = await deployInRepo('prod-us-east-1', stacks, first);
    expect(run.code).toBe(0);
    expect(run.summary).toContain('### prod-us-east-1: not applied');
    expect(run.summary).toContain('Nothing to do here: the newer commit\'s run deploys prod-us-east-1.');
    expect(JSON.parse(readFileSync(path.join(dir, 'applied-commit.json'), 'utf8'))).toEqual({ commit: second });
  });

  test('an ephemeral environment takes any commit (a copy deployed from one branch, then another): it goes on to terraform', async () => {
    const { stacks } = unreachableStack('dev', second);
    const run = await deployInRepo('dev-us-east-1', stacks, branch);
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/terraform init failed/);
  });
});
