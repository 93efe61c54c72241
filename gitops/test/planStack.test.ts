/**
 * `npm run gitops -- plan` as a workflow step, with the real terraform CLI and its built-in provider (nothing to
 * download): the files it leaves for the report, `changes`, terraform's exit codes, and planning without the lock.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { apply, init, type PlanJson } from '../../infra/src/terraform/terraformCli';
import { planFiles, SAVED_PLAN_FILE } from '../src/planStack';
import { runAsStep } from './support/actionsRun';
import { planAsSteps, writeStacks } from './support/planFixtures';

const MARKER = { resource: { terraform_data: { marker: { input: 'x' } } } };
const RUN = { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1' };

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'plan-stack-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const outDir = () => mkdtempSync(path.join(tmp, 'plans-'));

test('a stack with changes: changes=true, its JSON and text plan under --out', async () => {
  const stacks = writeStacks(tmp, { 'dev-us-east-1': MARKER });
  const out = outDir();
  const [run] = await planAsSteps(stacks, ['dev-us-east-1'], out);
  expect(run!.code).toBe(0);
  expect(run!.outputs).toEqual({ changes: 'true' });
  const files = planFiles(out, 'dev-us-east-1');
  const json = JSON.parse(readFileSync(files.json, 'utf8')) as PlanJson;
  expect(json.resource_changes?.map((c) => [c.address, c.change.actions])).toEqual([['terraform_data.marker', ['create']]]);
  // the artifact holds addresses and actions, no attribute values
  expect(readFileSync(files.json, 'utf8')).not.toContain('"after"');
  expect(json.resource_changes![0]!.change).toEqual({ actions: ['create'], before: null });
  expect(readFileSync(files.text, 'utf8')).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
});

test('a stack without changes: changes=false, the files still written', async () => {
  const stacks = writeStacks(tmp, { 'prod-us-east-1': {} });
  const out = outDir();
  const [run] = await planAsSteps(stacks, ['prod-us-east-1'], out);
  expect([run!.code, run!.outputs]).toEqual([0, { changes: 'false' }]);
  expect(readFileSync(planFiles(out, 'prod-us-east-1').text, 'utf8')).toContain('No changes.');
});

test("a failing plan (exit code 1) fails the step with terraform's diagnostics and leaves no files", async () => {
  const stacks = writeStacks(tmp, { 'dev-eu-west-1': { output: { broken: { value: '${var.missing}' } } } });
  const out = outDir();
  const [run] = await planAsSteps(stacks, ['dev-eu-west-1'], out);
  expect(run!.code).toBe(1);
  expect(run!.outputs).toEqual({});
  expect(run!.summary).toMatch(/terraform plan failed for dev-eu-west-1:[\s\S]*Reference to undeclared input variable/);
  expect(existsSync(planFiles(out, 'dev-eu-west-1').json)).toBe(false);
});

test('a stack that was not synthesized is named, with what to do', async () => {
  const stacks = writeStacks(tmp, {});
  const run = await runAsStep(['plan', '--stack', 'dev-us-east-1', '--stacks-dir', stacks, '--out', outDir()]);
  expect(run.code).toBe(1);
  expect(run.summary).toContain(`no stack dev-us-east-1 in ${stacks}: run npm run synth first`);
});

test('--stack is required', async () => {
  const run = await runAsStep(['plan']);
  expect(run.code).toBe(2);
  expect(run.summary).toContain('--stack is required');
});

test('plans while someone else holds the state lock (the plan role cannot take it)', async () => {
  const stacks = writeStacks(tmp, { 'dev-us-east-1': MARKER });
  const dir = path.join(stacks, 'dev-us-east-1');
  await init(dir);
  await apply(dir);
  // `terraform console` holds the state lock until its stdin ends; the local backend shows it as a file
  const holder = spawn('terraform', ['console'], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
  const closed = once(holder, 'close');
  try {
    while (!existsSync(path.join(dir, '.terraform.tfstate.lock.info'))) {
      if (holder.exitCode !== null) throw new Error('terraform console exited before taking the lock');
      await sleep(100);
    }
    const out = outDir();
    const [run] = await planAsSteps(stacks, ['dev-us-east-1'], out);
    expect([run!.code, run!.outputs]).toEqual([0, { changes: 'false' }]);
    // the text is the plan alone: plan's progress line for the refreshed marker stays in the log
    expect(readFileSync(planFiles(out, 'dev-us-east-1').text, 'utf8')).toMatch(/^\nNo changes\. Your infrastructure matches the configuration\./);
  } finally {
    holder.stdin.end();
    await closed;
  }
});

describe('--save (stores in the state bucket: savedPlanStore.test.ts, gitopsDeploy.test.ts)', () => {
  test('--plan-bucket only with --save', async () => {
    const stacks = writeStacks(tmp, { 'dev-us-east-1': MARKER });
    const run = await runAsStep(['plan', '--stack', 'dev-us-east-1', '--stacks-dir', stacks, '--out', outDir(), '--plan-bucket', 'b']);
    expect([run.code, run.summary]).toEqual([2, expect.stringContaining('--plan-bucket is where --save saves to; give both')]);
  });

  test('where the plan would go is checked before planning', async () => {
    const stacks = writeStacks(tmp, { 'dev-us-east-1': MARKER });
    const run = await runAsStep(['plan', '--stack', 'dev-us-east-1', '--stacks-dir', stacks, '--out', outDir(), '--save'], RUN);
    expect([run.code, run.summary]).toEqual([1, expect.stringContaining('dev-us-east-1 is not a regional stack as npm run synth writes it')]);
    expect(existsSync(path.join(stacks, 'dev-us-east-1', SAVED_PLAN_FILE))).toBe(false);
  });
});
