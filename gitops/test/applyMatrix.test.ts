/**
 * `npm run gitops -- apply-matrix` between the plan jobs and the protected apply jobs, on real plans made by
 * `npm run gitops -- plan` with terraform's built-in provider: only stacks whose plan changes something get an apply job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAsStep } from './support/actionsRun';
import { matrixEntry as entry, planAsSteps, writeStacks } from './support/planFixtures';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'apply-matrix-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('a stack with changes is applied, one without changes and one whose plan failed are not; each is named in the summary', async () => {
  const stacks = writeStacks(tmp, { 'prod-us-east-1': { resource: { terraform_data: { marker: { input: 'x' } } } }, 'prod-eu-west-1': {} });
  const plans = path.join(tmp, 'plans');
  expect((await planAsSteps(stacks, ['prod-us-east-1', 'prod-eu-west-1'], plans)).map((run) => run.outputs.changes)).toEqual(['true', 'false']);

  const matrix = { include: ['prod-us-east-1', 'prod-eu-west-1', 'prod-ap-southeast-1'].map(entry) };
  const run = await runAsStep(['apply-matrix', '--plans', plans, '--matrix', JSON.stringify(matrix)]);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.outputs.matrix!)).toEqual({ include: [entry('prod-us-east-1')] });
  expect(run.outputs.count).toBe('1');
  expect(run.summary).toContain('- apply (plan has changes): `prod-us-east-1`');
  expect(run.summary).toContain('- nothing to apply: `prod-eu-west-1`');
  expect(run.summary).toContain('- no plan, not applied (see its plan job): `prod-ap-southeast-1`');
});

test('nothing changed anywhere: count 0, so the workflow creates no apply job and asks nobody to approve', async () => {
  const stacks = writeStacks(tmp, { 'staging-us-east-1': {} });
  const plans = path.join(tmp, 'plans-none');
  await planAsSteps(stacks, ['staging-us-east-1'], plans);
  const run = await runAsStep(['apply-matrix', '--plans', plans, '--matrix', JSON.stringify({ include: [entry('staging-us-east-1')] })]);
  expect(run.outputs).toEqual({ matrix: '{"include":[]}', count: '0' });
});

test('a matrix that is not the matrix command output is refused, naming the flag', async () => {
  const run = await runAsStep(['apply-matrix', '--plans', tmp, '--matrix', '{"include":[{"stack":1}]}']);
  expect(run.code).toBe(1);
  expect(run.summary).toMatch(/--matrix: not the matrix of npm run gitops -- matrix \(include\.0\.environment/);
  expect((await runAsStep(['apply-matrix', '--plans', tmp, '--matrix', 'x'])).summary).toMatch(/--matrix: not JSON/);
});
