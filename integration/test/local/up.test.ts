/**
 * `npm run local:up`: --help, flag mistakes, and what a forced quit (a second Ctrl-C) says it leaves. The help and flag
 * cases run upMain, what the worker up.ts forks runs, in-process; one flag mistake and the forced quit run the real CLI.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { USAGE, USAGE_LINE } from '../../local/args';
import { RELAY_WINDOW_MS } from '../../local/interrupts';
import { leftBehindText } from '../../local/leftBehind';
import { upMain } from '../../local/upWorker';

const repoRoot = path.join(__dirname, '../../..');
const UP = ['--import', 'tsx', 'integration/local/up.ts'];

/** Without AWS_ENDPOINT_URL unless given: flag mistakes must be caught before any emulator is looked for. */
function upEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_ENDPOINT_URL;
  return { ...env, ...extra };
}

/**
 * `npm run local:up -- <args>` in-process: upMain's exit code and what it wrote. Stop is already asked for, so a case
 * that got past its flags would return before deploying anything (and fail on what it printed).
 */
async function up(args: readonly string[]) {
  const written = { stdout: '', stderr: '' };
  const out = { stdout: (text: string) => (written.stdout += text), stderr: (text: string) => (written.stderr += text) };
  const status = await upMain(args, out, { stop: AbortSignal.abort(), onWorkFolder: () => {} });
  return { status, ...written };
}

test.each([['--help'], ['-h']])('%s prints the usage on stdout and exits 0', async (flag) => {
  expect(await up([flag])).toEqual({ status: 0, stdout: USAGE, stderr: '' });
});

test.each([
  ['a misspelled flag', ['--evn', 'dev'], '--evn: unknown flag'],
  ['--env without a value', ['--env'], '--env: needs a value (--env <value>)'],
  ['no --env', [], '--env <name> is required, e.g. npm run local:up -- --env dev'],
  ['an unknown environment', ['--env', 'qa'], '--env qa: no such environment; defined: dev, prod, staging'],
])('%s: one line naming it, the usage line, exit 2', async (_what, args, message) => {
  const run = await up(args);
  expect([run.status, run.stdout, run.stderr]).toEqual([2, '', `local:up: ${message}\n${USAGE_LINE}\n`]);
});

test('the real CLI, as npm run local:up runs it (up.ts forking its worker): a flag mistake is one line, the usage line, exit 2, no stack trace', () => {
  const run = spawnSync(process.execPath, [...UP, '--evn', 'dev'], { cwd: repoRoot, encoding: 'utf8', env: upEnv() });
  expect([run.status, run.stdout, run.stderr]).toEqual([2, '', `local:up: --evn: unknown flag\n${USAGE_LINE}\n`]);
});

/**
 * The processes of a group that are not dead (killed ones stay zombies until reaped, which an exited parent leaves to
 * init), after SIGKILL has had a moment to land.
 */
async function livingInGroup(pgid: number): Promise<string[]> {
  let living: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++, await sleep(100)) {
    living = spawnSync('pgrep', ['--pgroup', String(pgid), '--runstates', 'R,S,D,T,t'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    if (living.length === 0) break;
  }
  return living;
}

test('a second Ctrl-C kills the whole group at once and names the working folder it leaves, with how to clean up', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'local-up-quit-'));
  // An emulator declared at AWS_ENDPOINT_URL is used without a health check: nothing needs to answer there, since
  // the quit comes before anything is deployed.
  const endpoint = 'http://127.0.0.1:9';
  const child = spawn(process.execPath, [...UP, '--env', 'dev', '--region', 'us-east-1'], {
    cwd: repoRoot,
    env: upEnv({ TMPDIR: tmp, AWS_ENDPOINT_URL: endpoint, INTEGRATION_EMULATOR: 'moto' }),
  });
  const exited = once(child, 'exit');
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  let worker: number | undefined;
  try {
    // the worker prints the emulator right after creating its working folder
    for (const started = Date.now(); !stdout.includes(`moto at ${endpoint}`); await sleep(50)) {
      if (Date.now() - started > 60_000 || child.exitCode !== null) throw new Error(`local:up did not start:\n${stdout}${stderr}`);
    }
    worker = Number(execFileSync('pgrep', ['-P', String(child.pid), '-f', 'upWorker'], { encoding: 'utf8' }).trim());
    // Frozen mid-run, as in a long terraform apply: the teardown the first Ctrl-C asks for cannot finish before the second.
    process.kill(-worker, 'SIGSTOP');
    child.kill('SIGINT');
    await sleep(RELAY_WINDOW_MS + 200);
    child.kill('SIGINT');
    const [code] = await exited;

    expect(code).toBe(130);
    const folders = readdirSync(tmp).filter((name) => name.startsWith('local-dev-'));
    expect(folders).toHaveLength(1);
    const folder = path.join(tmp, folders[0]!);
    expect(existsSync(folder)).toBe(true);
    expect(stderr).toContain(`\n${leftBehindText({ kind: 'workFolder', path: folder, externalEndpoint: endpoint })}`);
    expect(await livingInGroup(worker)).toEqual([]);
  } finally {
    if (worker !== undefined) {
      try {
        process.kill(-worker, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
    child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
}, 90_000);
