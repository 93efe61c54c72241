import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deterministicZip } from '../../etl/scripts/deterministicZip';
import { FunctionRuntime } from '../src/functionRuntime';

const text = (code: string): Uint8Array => new TextEncoder().encode(code);

describe('FunctionRuntime', () => {
  let dir: string;
  let runtime: FunctionRuntime;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'function-runtime-'));
    // the ETL zip's layout: index.js requires a package packed under node_modules/ beside it
    const zip = deterministicZip({
      'index.js': text(`
        const os = require('node:os');
        const fs = require('node:fs');
        const { answer } = require('@scope/native');
        exports.handler = async () => {
          fs.writeFileSync(require('node:path').join(os.tmpdir(), 'spill'), 'x');
          return { answer, tmp: os.tmpdir(), memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, code: __dirname };
        };`),
      'node_modules/@scope/native/index.js': text('exports.answer = 42;'),
    });
    await writeFile(path.join(dir, 'function.zip'), zip);
    runtime = start();
  });

  const start = () =>
    new FunctionRuntime({
      zipPath: path.join(dir, 'function.zip'),
      handler: 'index.handler',
      functionName: 'analytics-etl-test',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:analytics-etl-test',
      timeoutSeconds: 30,
      memoryMb: 1769,
      env: {},
    });

  afterAll(async () => {
    runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the unpacked zip with its node_modules, the function's memory, and a temp dir of its own that goes with it", async () => {
    const outcome = await runtime.invoke({});

    expect(outcome).toEqual({ kind: 'returned', result: { answer: 42, tmp: expect.stringContaining('analytics-etl-test-'), memory: '1769', code: expect.any(String) } });
    const tmp = (outcome as { result: { tmp: string } }).result.tmp;
    expect(existsSync(path.join(tmp, 'spill'))).toBe(true);
    runtime.stop();
    expect(existsSync(tmp)).toBe(false);
  });

  it('runtimes of the same zip run one unpacked copy of it, removed with the last of them', async () => {
    const [first, second] = [start(), start()];
    const code = async (r: FunctionRuntime) => ((await r.invoke({})) as { result: { code: string; tmp: string } }).result;
    const [a, b] = [await code(first), await code(second)];
    expect(a.code).toBe(b.code);
    expect(a.tmp).not.toBe(b.tmp);
    first.stop();
    first.stop();
    expect(existsSync(a.code)).toBe(true);
    expect((await code(second)).code).toBe(a.code);
    second.stop();
    expect(existsSync(a.code)).toBe(false);
  });
});
