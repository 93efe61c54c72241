/**
 * `npm run synth -- …` as a person types it: help, flag mistakes and assumptions. Each case runs synthMain, what
 * infra/main.ts runs, in-process; one runs the real CLI to prove its wiring (stderr, exit code).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthRun } from './support/synthRun';

const repoRoot = path.join(__dirname, '../..');
const USAGE_LINE = /^usage: npm run synth -- \[--env <name> \.\.\.\] \[--target aws\|localstack\|moto\]/;

/** The shell's environment without AWS_ENDPOINT_URL unless `env` gives one. */
function shellEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('AWS_ENDPOINT_URL' in env)) delete environment.AWS_ENDPOINT_URL;
  return environment;
}

function synthCli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const run = synthRun(args, shellEnv(env));
  return { ...run, lines: run.stderr.trimEnd().split('\n') };
}

const outdir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'synth-cli-')), 'cdktf.out');

test.each([['--help'], ['-h']])('%s prints the flags on stdout and exits 0 without synthesizing', (flag) => {
  const out = outdir();
  const run = synthCli([flag, '--out', out]);
  expect(run).toMatchObject({ status: 0, stderr: '' });
  expect(run.stdout).toMatch(/^usage: npm run synth -- \[flags\]/);
  for (const documented of ['--env <name>', '--target <target>', '--environments <dir>', '--out <dir>', '--bootstrap ', '--bootstrap-state <state>', '-h, --help']) {
    expect(run.stdout).toContain(documented);
  }
  expect(existsSync(out)).toBe(false);
});

test.each([
  ['a misspelled flag', ['--evn', 'dev'], 'error: --evn: unknown flag'],
  ['--env without a value', ['--env'], 'error: --env: needs a value (--env <value>)'],
  ['--env followed by another flag', ['--env', '--target', 'moto'], 'error: --env: needs a value (--env <value>)'],
  ['a value without its flag', ['dev'], 'error: dev: unexpected argument; every value follows its flag (--name value)'],
  ['a value for a switch', ['--bootstrap=yes'], 'error: --bootstrap: takes no value'],
  ['an unknown target', ['--target', 'bogus'], 'error: --target bogus: unknown; use one of aws, localstack, moto (aws: S3 state, real account; an emulator: local state, AWS_ENDPOINT_URL)'],
  ['an unknown environment', ['--env', 'qa'], 'error: --env qa: no such environment; defined: dev, prod, staging'],
  ['--bootstrap-state without --bootstrap', ['--bootstrap-state', 's3'], 'error: --bootstrap-state s3: only with --bootstrap; add --bootstrap or leave it out'],
])('%s: one line naming it, the usage line, exit 2', (_what, args, message) => {
  const out = outdir();
  const run = synthCli([...args, '--out', out]);
  expect(run.status).toBe(2);
  expect(run.lines).toEqual([message, expect.stringMatching(USAGE_LINE)]);
  expect(run.stdout).toBe('');
  expect(existsSync(out)).toBe(false);
});

test('an AWS_ENDPOINT_URL that is not a URL is named like a flag', () => {
  const run = synthCli(['--target', 'moto', '--out', outdir()], { AWS_ENDPOINT_URL: 'localhost:5000' });
  expect([run.status, run.lines]).toEqual([2, ['error: AWS_ENDPOINT_URL "localhost:5000" is not an http(s) URL; e.g. http://localhost:5000', expect.stringMatching(USAGE_LINE)]]);
});

describe('--target moto', () => {
  test('without AWS_ENDPOINT_URL: says on stderr which endpoint the stacks point at and how to choose another', () => {
    const run = synthCli(['--target', 'moto', '--env', 'dev', '--out', outdir()]);
    expect(run.status).toBe(0);
    expect(run.lines).toEqual(['note: --target moto without AWS_ENDPOINT_URL: the stacks point at http://localhost:5000; set AWS_ENDPOINT_URL=http://<host>:<port> for another endpoint']);
    expect(run.stdout).toContain('(emulator at http://localhost:5000, local state)');
  });

  test('with AWS_ENDPOINT_URL: uses it and says nothing more', () => {
    const run = synthCli(['--target', 'moto', '--env', 'dev', '--out', outdir()], { AWS_ENDPOINT_URL: 'http://127.0.0.1:5555' });
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toContain('(emulator at http://127.0.0.1:5555, local state)');
  });
});

test('the real CLI, as npm run synth runs it: a flag mistake is its stderr and exit code 2, no stack trace', () => {
  const out = outdir();
  const { status, stdout, stderr } = spawnSync(process.execPath, ['--import', 'tsx', 'infra/main.ts', '--evn', 'dev', '--out', out], { cwd: repoRoot, encoding: 'utf8', env: shellEnv({}) });
  expect([status, stdout]).toEqual([2, '']);
  expect(stderr.trimEnd().split('\n')).toEqual(['error: --evn: unknown flag', expect.stringMatching(USAGE_LINE)]);
  expect(existsSync(out)).toBe(false);
});
