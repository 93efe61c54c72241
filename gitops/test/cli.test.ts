/**
 * `npm run gitops -- …` as a person types it: help, unknown commands and flag mistakes. Each case runs runCommand,
 * what gitops/cli.ts runs, in-process; one runs the real CLI to prove its wiring (stderr, exit code).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { COMMANDS } from '../src/commands';
import { runCommand } from '../src/runCommand';

const repoRoot = path.join(__dirname, '../..');

/** Outside Actions (no annotations, no step summary), as on a laptop. */
function laptopEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['GITHUB_ACTIONS', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']) delete env[name];
  return env;
}

/** `npm run gitops -- <args>` in-process: its exit code and what it wrote to stdout and stderr meanwhile. */
async function gitops(...args: string[]) {
  const written = { stdout: '', stderr: '' };
  const saved = process.env;
  process.env = laptopEnv();
  const restore = (['stdout', 'stderr'] as const).map((name) => {
    const stream = process[name];
    const write = stream.write;
    stream.write = ((chunk: unknown) => {
      written[name] += String(chunk);
      return true;
    }) as typeof stream.write;
    return () => {
      stream.write = write;
    };
  });
  try {
    const status = await runCommand(args);
    return { status, ...written };
  } finally {
    for (const undo of restore) undo();
    process.env = saved;
  }
}

test.each([['--help'], ['-h'], ['help']])('%s lists every command with its usage on stdout, exit 0', async (flag) => {
  const run = await gitops(flag);
  expect([run.status, run.stderr]).toEqual([0, '']);
  expect(run.stdout).toMatch(/^usage: npm run gitops -- <command> \[flags\]/);
  const lines = run.stdout.split('\n');
  for (const command of Object.values(COMMANDS)) {
    for (const usage of command.usage.split('\n')) expect(lines).toContain(`  ${usage.trimStart()}`);
  }
});

test.each([['--help'], ['-h']])("<command> %s prints that command's usage, exit 0, and runs nothing", async (flag) => {
  // guard without its required flags would fail; with --help it only explains itself
  const run = await gitops('guard', flag);
  expect(run).toEqual({ status: 0, stderr: '', stdout: `usage: ${COMMANDS.guard!.usage}\n` });
});

test('an unknown command: one line listing the commands, exit 2', async () => {
  const run = await gitops('deploy-everything');
  expect([run.status, run.stdout]).toEqual([2, '']);
  expect(run.stderr).toBe(`error: unknown command "deploy-everything"; commands: ${Object.keys(COMMANDS).join(', ')} (npm run gitops -- --help shows their flags)\n`);
});

test('no command: one line listing the commands, exit 2', async () => {
  const run = await gitops();
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^error: no command given; commands: matrix, guard, .*\(npm run gitops -- --help shows their flags\)\n$/);
});

test.each([
  ['a misspelled flag', ['matrix', '--evn', 'dev'], 'error: --evn: unknown flag'],
  ['a flag without its value', ['matrix', '--env'], 'error: --env: needs a value (--env <value>)'],
  ['a missing required flag', ['guard', '--suffix', 'dev'], 'error: --action is required'],
  ['an unknown environment', ['matrix', '--env', 'qa'], 'error: --env qa: no such environment; defined: dev, prod, staging'],
])('%s: the mistake on one line, then the usage line; exit 2, no stack trace', async (_what, args, message) => {
  const run = await gitops(...args);
  expect(run.status).toBe(2);
  expect(run.stderr).toBe(`${message}\nusage: ${COMMANDS[args[0]!]!.usage}\n`);
});

test('a command that fails on its own (not its flags) exits 1', async () => {
  const run = await gitops('deploy', '--stack', 'dev-mars-1', '--stacks-dir', path.join(repoRoot, 'no-such-dir'));
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^error: no stack dev-mars-1 in .*no-such-dir: run npm run synth first\n$/);
});

test('the real CLI, as npm run gitops runs it: a flag mistake is its stderr and exit code 2, no stack trace', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'gitops/cli.ts', 'matrix', '--evn', 'dev'], { cwd: repoRoot, encoding: 'utf8', env: laptopEnv() });
  expect([run.status, run.stdout]).toEqual([2, '']);
  expect(run.stderr).toBe(`error: --evn: unknown flag\nusage: ${COMMANDS.matrix!.usage}\n`);
});
