/**
 * `npm run jobs` and `npm run dlq:redrive` as an operator meets them: help, mistakes, no AWS in reach. Most cases run
 * main(), what ops/cli.ts runs, in-process; the unreachable endpoints and one --help run the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { defaultDeps } from '../src/commands';
import { main } from '../src/main';

const REPO = path.join(__dirname, '..', '..');
const TARGET = ['--env', 'dev', '--region', 'us-east-1'];

/**
 * The machine's AWS settings left out: no credentials, no profile, no instance metadata (which would take a second
 * to time out), no endpoint unless given. What an operator's shell without AWS set up looks like.
 */
function withoutAws(home: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

let home: string;
beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ops-cli-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `tsx ops/cli.ts …` in-process: the SDK reads the endpoint and the keys from process.env, as from the shell. */
async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const saved = process.env;
  // as ops/cli.ts sets it before main(): no SDK notice about Node 22 in the test output
  process.env = withoutAws(home, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env });
  try {
    const { exitCode, stdout, stderr } = await main(args, { ...defaultDeps, env: process.env });
    return { status: exitCode, stdout, stderr };
  } finally {
    process.env = saved;
  }
}

/**
 * `tsx ops/cli.ts …`, what the npm scripts run. For what jest cannot show in-process: Node's socket and DNS errors come
 * from outside jest's sandbox, where the SDK does not take them for Errors and wraps them, dropping their code.
 */
function realCli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'ops/cli.ts', ...args], { cwd: REPO, encoding: 'utf8', env: withoutAws(home, env), timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The arguments `npm run <script> -- …` gives ops/cli.ts, from package.json. */
function scriptArgs(script: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [runner, file, ...args] = scripts[script]?.split(' ') ?? [];
  expect([runner, file]).toEqual(['tsx', 'ops/cli.ts']);
  return args;
}

const FAKE_KEYS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

/** A loopback port with nothing listening: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe.each([
  ['npm run jobs', 'jobs', ['list', ...TARGET], 'npm run jobs -- list --env <name>'],
  ['npm run dlq:redrive', 'dlq-redrive', TARGET, 'npm run dlq:redrive -- --env <name>'],
])('%s', (script, command, valid, synopsisLine) => {
  const usage = new RegExp(`^Usage:\\n {2}${synopsisLine.replace(/[$()*+.?[\]^{|}]/g, '\\$&')}`);

  it('--help prints the usage on stdout and exits 0', async () => {
    const run = await cli([command, '--help']);

    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(usage);
    expect(run.stdout).toContain('--region <region>');
    expect(run.stdout).toContain('AWS_ENDPOINT_URL=http://127.0.0.1:5000');
    expect(run.stdout).toContain('Exit codes: 0 done, 1 failed');
  });

  it('through npm, as documented: the script runs this command', async () => {
    const run = await cli([...scriptArgs(script.replace('npm run ', '')), '--help']);

    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(usage);
  });

  it.each([
    [['--bogus'], "error: Unknown option '--bogus'"],
    [['--region'], "error: Option '--region <value>' argument missing"],
    [['--region', 'mars-north-1'], 'error: --region mars-north-1: environment "dev" is not deployed there; its regions: us-east-1,'],
    [['--environments', '/nonexistent'], 'error: --environments /nonexistent: folder not found'],
  ])('a bad flag or value %j: one line naming it, the synopsis, exit 2', async (extra, line) => {
    // after the valid flags: a repeated flag's last value counts
    const run = await cli([command, ...valid, ...extra]);

    expect([run.status, run.stdout]).toEqual([2, '']);
    const [first, blank, usage] = run.stderr.split('\n');
    expect(first?.startsWith(line)).toBe(true);
    expect([blank, usage]).toEqual(['', 'Usage:']);
    expect(run.stderr).toMatch(new RegExp(`\\nEvery flag: ${script} -- --help\\n$`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('no credentials and no endpoint: one line saying what to set, exit 1', async () => {
    const run = await cli([command, ...valid]);

    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toMatch(
      /^error: no AWS credentials to call (DynamoDB|SQS) in us-east-1 \(CredentialsProviderError: .*\): give credentials for the account \(AWS_PROFILE, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\), or for an emulator set AWS_ENDPOINT_URL, e.g\. AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:5000 /,
    );
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('an endpoint nobody listens on: one line naming it, exit 1, no stack', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;

    const run = realCli([command, ...valid], { ...FAKE_KEYS, AWS_ENDPOINT_URL: endpoint });

    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(`error: could not reach ${command === 'jobs' ? 'DynamoDB' : 'SQS'} at ${endpoint} (connect ECONNREFUSED ${endpoint.slice(7)}): is the emulator running at AWS_ENDPOINT_URL=${endpoint}?\n`);
  });

  it('an endpoint whose host does not exist: one line naming it, exit 1', () => {
    // .invalid never resolves (RFC 6761), on any network
    const run = realCli([command, ...valid], { ...FAKE_KEYS, AWS_ENDPOINT_URL: 'http://analytics.invalid:5000' });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: could not reach (DynamoDB|SQS) at http:\/\/analytics\.invalid:5000 \(getaddrinfo (ENOTFOUND|EAI_AGAIN) analytics\.invalid\): is the emulator running/);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });
});

it('an unknown command: one line listing the commands, exit 2', async () => {
  expect(await cli(['jobz'])).toEqual({ status: 2, stdout: '', stderr: 'error: unknown command "jobz"; expected one of: jobs, dlq-redrive\n' });
});

it('the real CLI prints --help on stdout and exits 0', () => {
  const run = realCli(['jobs', '--help']);

  expect([run.status, run.stderr]).toEqual([0, '']);
  expect(run.stdout).toMatch(/^Usage:\n {2}npm run jobs -- list --env <name>/);
});
