import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MotoServer {
  /** `http://127.0.0.1:<port>`, for AWS SDK clients' `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** SIGTERM, SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Drops every resource of every service (moto's `POST /moto-api/reset`). */
  reset(): Promise<void>;
  /**
   * Every request moto received since it started, one JSON object a line (its request recorder,
   * `GET /moto-api/recorder/download-recording`); only with `record: true`.
   */
  recording(): Promise<string>;
}

export interface MotoServerOptions {
  /** Executable to run; defaults to `$MOTO_SERVER_BIN`, then `moto_server` on the PATH. */
  readonly command?: string;
  /** How long moto may take to answer its health check. @default 30_000 */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. @default 5_000 */
  readonly stopGraceMs?: number;
  /** Record every request (headers and body) from the start, into a file of this server's own. @default false */
  readonly record?: boolean;
}

const HOST = '127.0.0.1';
/** Another process can take the probed port before moto binds it; a new port is tried this many times. */
const PORT_ATTEMPTS = 5;
/** Enough of moto's output to explain a failed start; moto logs every request, so the rest is dropped. */
const OUTPUT_TAIL_CHARS = 4_000;
/** A `sitecustomize.py` that makes moto's DynamoDB conditional writes atomic, as AWS's are (see the file). */
const PATCHES_DIR = path.join(__dirname, 'motoPatches');

/** Ask the OS for a free loopback port: listen on port 0, read the port, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}

/** Children still running, killed if this process exits or is interrupted, so none outlives it. */
const running = new Set<ChildProcess>();

function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

function onParentSignal(signal: NodeJS.Signals): void {
  killRunning();
  // Our listener replaced the default action (exit); restore it when nobody else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function track(child: ChildProcess): void {
  if (running.size === 0) {
    process.on('exit', killRunning);
    process.once('SIGINT', onParentSignal);
    process.once('SIGTERM', onParentSignal);
  }
  running.add(child);
}

function untrack(child: ChildProcess): void {
  running.delete(child);
  if (running.size === 0) {
    process.off('exit', killRunning);
    process.off('SIGINT', onParentSignal);
    process.off('SIGTERM', onParentSignal);
  }
}

class StartError extends Error {
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message);
  }
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function startOnce(command: string, port: number, startTimeoutMs: number, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; endpoint: string }> {
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(command, ['-H', HOST, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  // Always drained: a full pipe would block moto on its next log line.
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ENOENT' ? 'ENOENT' : error.message);
    });
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${String(code)}`}`));
  });
  track(child);
  child.once('close', () => untrack(child));

  const deadline = Date.now() + startTimeoutMs;
  let failure: string | undefined;
  const onFailure = exited.then((reason) => (failure = reason));
  while (failure === undefined && Date.now() < deadline) {
    if (await isHealthy(endpoint)) return { child, endpoint };
    await Promise.race([sleep(100), onFailure]);
  }

  if (failure === 'ENOENT') {
    untrack(child);
    throw new StartError(`moto_server not found: install it with pip install "moto[server]" (tried "${command}")`, false);
  }
  if (failure === undefined) {
    await stopChild(child, 0);
    failure = `did not answer GET ${endpoint}/moto-api/ within ${startTimeoutMs} ms`;
  }
  const portTaken = /address already in use|EADDRINUSE/i.test(output);
  throw new StartError(`moto_server ${failure}; its output:\n${output.trim() || '(none)'}`, portTaken);
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(killer);
  }
}

/**
 * Starts `moto_server` on a free loopback port and resolves once it answers its health check.
 * Rejects with moto's output when it exits or does not answer in time.
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const command = options.command ?? process.env.MOTO_SERVER_BIN ?? 'moto_server';
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopGraceMs = options.stopGraceMs ?? 5_000;
  // moto's recorder appends to one file (default ./moto_recording): each server gets its own, removed on stop
  const recordingDir = options.record ? mkdtempSync(path.join(tmpdir(), 'moto-recording-')) : undefined;
  const pythonPath = [PATCHES_DIR, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const recorder = recordingDir ? { MOTO_ENABLE_RECORDING: 'True', MOTO_RECORDER_FILEPATH: path.join(recordingDir, 'requests.jsonl') } : {};
  const env = { ...process.env, PYTHONPATH: pythonPath, ...recorder };
  const removeRecording = () => {
    if (recordingDir) rmSync(recordingDir, { recursive: true, force: true });
  };

  for (let attempt = 1; ; attempt++) {
    try {
      const { child, endpoint } = await startOnce(command, await freePort(), startTimeoutMs, env);
      return {
        endpoint,
        stop: () => stopChild(child, stopGraceMs).finally(removeRecording),
        recording: async () => {
          if (!recordingDir) throw new Error('moto_server was started without record: true; it has no recording');
          const response = await fetch(`${endpoint}/moto-api/recorder/download-recording`);
          if (!response.ok) throw new Error(`moto recording download failed: HTTP ${response.status}`);
          return response.text();
        },
        reset: async () => {
          const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
          await response.body?.cancel();
          if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
        },
      };
    } catch (error) {
      if (!(error instanceof StartError && error.portTaken && attempt < PORT_ATTEMPTS)) {
        removeRecording();
        throw error;
      }
    }
  }
}
