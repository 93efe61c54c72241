import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Plain CommonJS on purpose: it loads the built bundle exactly as the Lambda runtime would.
const RUNNER = `
const [bundlePath, event] = process.argv.slice(1);
const { handler } = require(bundlePath);
const report = (outcome) => console.log(JSON.stringify({ handlerType: typeof handler, ...outcome }));
Promise.resolve()
  .then(() => handler(JSON.parse(event)))
  .then((result) => report({ result }), (error) => report({ error: error.message }));
`;

export interface Invocation {
  /** JSON lines the handler logged. */
  readonly logs: unknown[];
  /** `{ handlerType, result }` or `{ handlerType, error }`. */
  readonly outcome: unknown;
}

/**
 * Invokes a built bundle in a fresh Node process with exactly `env`: jest's sandboxed
 * process.env would not reach a natively required module, and a child cannot inherit stray variables.
 */
export async function invokeBundle(bundlePath: string, event: unknown, env: Record<string, string>): Promise<Invocation> {
  const { stdout } = await run(process.execPath, ['-e', RUNNER, bundlePath, JSON.stringify(event)], { env });
  const lines = stdout.trim().split('\n').map((line): unknown => JSON.parse(line));
  const outcome = lines.pop();
  return { logs: lines, outcome };
}
