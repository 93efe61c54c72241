import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The function's memory, as the context and Lambda's own variable AWS_LAMBDA_FUNCTION_MEMORY_SIZE give it. */
const MEMORY_MB = '1024';

// Plain CommonJS on purpose: it loads the built bundle exactly as the Lambda runtime would, with a Lambda-like context.
const RUNNER = `
const [bundlePath, event, memoryMb] = process.argv.slice(1);
const { handler } = require(bundlePath);
const deadline = Date.now() + 300000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'analytics-etl-bundle',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:analytics-etl-bundle',
  memoryLimitInMB: memoryMb,
  awsRequestId: 'bundle-request',
  logGroupName: '/aws/lambda/analytics-etl-bundle',
  logStreamName: 'bundle',
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
const report = (outcome) => console.log(JSON.stringify({ handlerType: typeof handler, ...outcome }));
Promise.resolve()
  .then(() => handler(JSON.parse(event), context))
  .then((result) => report({ result }), (error) => report({ error: error.message }));
`;

export interface Invocation {
  /** JSON lines the handler wrote to stdout or stderr (Powertools logs, EMF metrics). */
  readonly logs: Record<string, unknown>[];
  /** `{ handlerType, result }` or `{ handlerType, error }`. */
  readonly outcome: unknown;
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/**
 * Invokes a built bundle in a fresh Node process with exactly `env` plus what Lambda itself sets (the memory size):
 * jest's sandboxed process.env would not reach a natively required module, and a child cannot inherit stray variables.
 */
export async function invokeBundle(bundlePath: string, event: unknown, env: Record<string, string>): Promise<Invocation> {
  const { stdout, stderr } = await run(process.execPath, ['-e', RUNNER, bundlePath, JSON.stringify(event), MEMORY_MB], {
    env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: MEMORY_MB, ...env },
  });
  const printed = jsonLines(stdout);
  const outcome = printed.pop();
  return { logs: [...printed, ...jsonLines(stderr)], outcome };
}
