/**
 * `npm run local:up -- --env dev [--region …]`: the platform on this machine (localPlatform.ts), run by upWorker.ts.
 *
 * The worker gets a process group of its own because Ctrl-C in a terminal signals the whole foreground group: moto_server
 * and the function runtimes would die at once, before the worker could empty the buckets and destroy the stacks on
 * them. So only this process sees Ctrl-C (or SIGTERM): the first asks the worker to tear down, a second kills the
 * worker's whole group (emulator, terraform, runtimes) and exits immediately, naming the working folder it leaves
 * behind (leftBehind.ts). (interrupts.ts: one Ctrl-C may arrive twice through the tsx CLI.)
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { interruptAction } from './interrupts';
import { isWorkFolder, leftBehindText, type WorkFolder } from './leftBehind';

const worker = fork(path.join(__dirname, 'upWorker.ts'), process.argv.slice(2), { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
let stoppingSince: number | undefined;
let workFolder: WorkFolder | undefined;
worker.on('message', (message) => {
  if (isWorkFolder(message)) workFolder = message;
});

function onSignal(signal: NodeJS.Signals): void {
  const action = interruptAction({ stoppingSince, workerConnected: worker.connected }, performance.now());
  if (action === 'ignore') return;
  if (action === 'teardown') {
    stoppingSince = performance.now();
    process.stderr.write('\nlocal:up: tearing down (Ctrl-C again to quit at once, killing everything)\n');
    worker.send('stop');
    return;
  }
  try {
    process.kill(-worker.pid!, 'SIGKILL');
  } catch {
    // the group is already gone
  }
  // a teardown that got as far as removing the folder leaves nothing to clean up
  process.stderr.write(`\n${workFolder && existsSync(workFolder.path) ? leftBehindText(workFolder) : 'local:up: quit at once\n'}`);
  process.exit(128 + constants.signals[signal]);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
worker.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
