import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';

/**
 * A Lambda-like runtime in plain CommonJS: loads the handler from the unpacked zip exactly as Lambda's Node runtime
 * does (`<file>.<export>`), and answers invocations sent over IPC with a Lambda-like context.
 */
const RUNTIME = `
const path = require('node:path');
const [file, exportName] = process.env._HANDLER.split('.');
const handler = require(path.join(process.env.LAMBDA_TASK_ROOT, file))[exportName];
process.on('message', ({ id, event, deadline }) => {
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.HARNESS_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'harness',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  Promise.resolve()
    .then(() => handler(event, context))
    .then(
      (result) => process.send({ id, result }),
      (error) => process.send({ id, error: { name: error && error.name, message: String(error && error.message) } }),
    );
});
`;

export interface FunctionRuntimeOptions {
  /** The deployment package, as the stack deploys it. */
  readonly zipPath: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The function's environment as deployed, plus what Lambda itself sets (region, credentials, endpoint). */
  readonly env: Readonly<Record<string, string>>;
  /** Each line the function prints. @default kept in `logs` only */
  readonly onLog?: (line: string) => void;
}

export type InvokeResult =
  | { readonly kind: 'returned'; readonly result: unknown }
  | { readonly kind: 'threw'; readonly error: { readonly name: string; readonly message: string } }
  /** Killed at its timeout, as Lambda does: nothing it returned counts. */
  | { readonly kind: 'timedOut' };

/** Last lines of output kept per runtime: enough to inspect a scenario, bounded for a long local session. */
const KEPT_LOG_LINES = 5_000;

/** A zip unpacked once for every runtime of this process that runs it (one per region: 72 MB unpacked, ~1 CPU s each). */
interface UnpackedCode {
  readonly dir: string;
  users: number;
}
const unpacked = new Map<string, UnpackedCode>();

/** The unpacked code of `zipPath`, shared: Lambda mounts a function's code read-only, so no instance changes it. */
function acquireCode(zipPath: string): UnpackedCode {
  const key = path.resolve(zipPath);
  const found = unpacked.get(key);
  if (found) {
    found.users++;
    return found;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'function-code-'));
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
    if (name.includes('..') || name.endsWith('/')) continue;
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  const code = { dir, users: 1 };
  unpacked.set(key, code);
  return code;
}

function releaseCode(zipPath: string, code: UnpackedCode): void {
  if (--code.users > 0) return;
  unpacked.delete(path.resolve(zipPath));
  rmSync(code.dir, { recursive: true, force: true });
}

/**
 * Runs the built ETL zip, unpacked (index.js and the native DuckDB binding under node_modules/ beside it), in a child
 * Node process, one invocation at a time, like one warm Lambda instance: the process is reused between invocations
 * and replaced after a timeout (cold start on the next one). Like an instance's own /tmp, the function's temp dir
 * (TMPDIR: DuckDB's staged files and spill) is one per runtime, removed with it; the unpacked code is shared by the
 * runtimes of the same zip and removed with the last of them.
 */
export class FunctionRuntime {
  readonly logs: string[] = [];
  private readonly taskRoot: string;
  private readonly code: UnpackedCode;
  private readonly runtimePath: string;
  private child: ChildProcess | undefined;
  private stopped = false;

  constructor(private readonly options: FunctionRuntimeOptions) {
    this.taskRoot = mkdtempSync(path.join(tmpdir(), `${options.functionName}-`));
    mkdirSync(path.join(this.taskRoot, 'tmp'));
    this.code = acquireCode(options.zipPath);
    this.runtimePath = path.join(this.taskRoot, 'runtime.cjs');
    writeFileSync(this.runtimePath, RUNTIME);
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    const child = this.child ?? this.start();
    const id = randomUUID();
    const timeoutMs = this.options.timeoutSeconds * 1000;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        cleanup();
        this.kill();
        resolve({ kind: 'timedOut' });
      }, timeoutMs);
      const onMessage = (message: { id: string; result?: unknown; error?: { name: string; message: string } }) => {
        if (message.id !== id) return;
        cleanup();
        resolve(message.error ? { kind: 'threw', error: message.error } : { kind: 'returned', result: message.result });
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        this.child = undefined;
        resolve({ kind: 'threw', error: { name: 'Runtime.ExitError', message: `the runtime exited (${signal ?? `code ${code}`})` } });
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, event, deadline: Date.now() + timeoutMs });
    });
  }

  /** Stops the process and removes its temp dir (and the unpacked code, when no other runtime runs it). */
  stop(): void {
    this.kill();
    rmSync(this.taskRoot, { recursive: true, force: true });
    if (this.stopped) return;
    this.stopped = true;
    releaseCode(this.options.zipPath, this.code);
  }

  private start(): ChildProcess {
    const { options } = this;
    const child = fork(this.runtimePath, [], {
      // Exactly Lambda's view: none of the harness's own variables leak into the function.
      env: {
        ...options.env,
        _HANDLER: options.handler,
        LAMBDA_TASK_ROOT: this.code.dir,
        TMPDIR: path.join(this.taskRoot, 'tmp'),
        AWS_LAMBDA_FUNCTION_NAME: options.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
        HARNESS_FUNCTION_ARN: options.functionArn,
      },
      // plain node, as Lambda runs the bundle: not the loaders (tsx) the harness itself runs under
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.log(line);
      });
    }
    this.child = child;
    return child;
  }

  private log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > KEPT_LOG_LINES) this.logs.splice(0, this.logs.length - KEPT_LOG_LINES);
    this.options.onLog?.(line);
  }

  private kill(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
