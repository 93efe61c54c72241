/**
 * Where a stack's saved plan goes, read from stacks as `npm run synth` writes them (stackBackend.ts): the state
 * bucket of the stack's S3 backend (AWS target), or --plan-bucket for an emulator target's local state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { emulatorTarget } from '../../infra/src/stacks/deployTarget';
import { savedPlanLocation } from '../src/savedPlanLocation';
import { readStackBackend } from '../src/stackBackend';
import { writeStacks } from './support/planFixtures';

const ENVIRONMENTS_DIR = path.join(__dirname, '../../environments');
const RUN = { GITHUB_RUN_ID: '16234567890', GITHUB_RUN_ATTEMPT: '2' };

let tmp: string;
/** The stack as synthesized for AWS or for moto. */
let synthesized: (target: 'aws' | 'moto', stack: string) => { stack: string; dir: string };
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'saved-plan-location-'));
  synth({ environmentsDir: ENVIRONMENTS_DIR, environments: ['staging'], outdir: path.join(tmp, 'aws') });
  synth({ environmentsDir: ENVIRONMENTS_DIR, environments: ['staging'], outdir: path.join(tmp, 'moto'), target: emulatorTarget('moto', 'http://127.0.0.1:4999') });
  synthesized = (target, stack) => ({ stack, dir: path.join(tmp, target, 'stacks', stack) });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test("AWS target: the state bucket and region of the stack's backend, plans/<environment>/<stack>/<run>-<attempt>.tfplan", () => {
  const backend = readStackBackend(synthesized('aws', 'staging-eu-west-1'));
  expect(backend).toEqual({ stack: 'staging-eu-west-1', environment: 'staging', region: 'eu-west-1', s3: { bucket: 'analytics-tfstate-123456789012', region: 'us-east-1' } });
  expect(savedPlanLocation(backend, undefined, RUN)).toEqual({
    bucket: 'analytics-tfstate-123456789012',
    region: 'us-east-1',
    key: 'plans/staging/staging-eu-west-1/16234567890-2.tfplan',
  });
});

test("--plan-bucket replaces the bucket, in the stack's own region", () => {
  expect(savedPlanLocation(readStackBackend(synthesized('aws', 'staging-eu-west-1')), 'my-plans', RUN)).toMatchObject({ bucket: 'my-plans', region: 'eu-west-1' });
});

test('emulator target (local state): --plan-bucket is required, and enough', () => {
  const backend = readStackBackend(synthesized('moto', 'staging-us-east-1'));
  expect(backend.s3).toBeUndefined();
  expect(() => savedPlanLocation(backend, undefined, RUN)).toThrow('staging-us-east-1 keeps local state (synthesized for an emulator): give --plan-bucket <bucket> to save its plan');
  expect(savedPlanLocation(backend, 'plans-bucket', RUN)).toEqual({ bucket: 'plans-bucket', region: 'us-east-1', key: 'plans/staging/staging-us-east-1/16234567890-2.tfplan' });
});

test('the run names the plan: both variables required, no path characters', () => {
  const backend = readStackBackend(synthesized('aws', 'staging-us-east-1'));
  expect(() => savedPlanLocation(backend, undefined, { GITHUB_RUN_ID: '1' })).toThrow(
    'GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT name the saved plan; outside GitHub Actions set both (e.g. GITHUB_RUN_ID=local GITHUB_RUN_ATTEMPT=1)',
  );
  expect(() => savedPlanLocation(backend, undefined, { GITHUB_RUN_ID: '../prod', GITHUB_RUN_ATTEMPT: '1' })).toThrow(
    'GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT may hold only letters, digits, _ . and -, not "../prod-1"',
  );
});

test('a stack without an AWS provider tagged with its environment is not a regional stack', () => {
  const stacks = writeStacks(tmp, { 'dev-us-east-1': { terraform: { backend: { local: { path: 'terraform.tfstate' } } } } });
  expect(() => readStackBackend({ stack: 'dev-us-east-1', dir: path.join(stacks, 'dev-us-east-1') })).toThrow(
    /^dev-us-east-1 is not a regional stack as npm run synth writes it:\n.*cdk\.tf\.json: provider: missing required field/,
  );
});
