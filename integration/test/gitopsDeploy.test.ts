/**
 * The deploy and destroy steps of the workflows (`npm run gitops -- deploy|destroy`) without a reviewed plan, run as a
 * workflow step would against a real terraform apply on the emulator: plan and apply in one step, outputs in the job
 * summary, then destroy. The reviewed-plan path (plan job → state bucket → deploy job) is reviewedPlan.test.ts.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { runAsStep } from '../../gitops/test/support/actionsRun';
import { type Emulator, startEmulator } from '../src/emulator';
import { asRole } from '../src/principals';
import { destroyClients, type RegionClients, regionClients } from '../src/regionClients';
import { RecordedCalls } from './support/recordedCalls';

const MINUTE = 60_000;
let emulator: Emulator;
let outdir: string;
let clients: RegionClients;
const recorded = new RecordedCalls('gitopsDeploy.test.ts', () => emulator);

beforeAll(async () => {
  emulator = await startEmulator(process.env, { record: true });
  outdir = mkdtempSync(path.join(tmpdir(), 'gitops-deploy-'));
  synth({ environments: ['dev'], outdir, target: emulator.target });
  clients = regionClients(emulator.target.endpoint, 'us-east-1');
}, 5 * MINUTE);

afterAll(async () => {
  if (clients) destroyClients(clients);
  await emulator?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

test('deploy without a reviewed plan: plan and apply in one step, outputs in the summary; destroy removes the stack', async () => {
  const stack = ['--stack', 'dev-us-east-1', '--stacks-dir', path.join(outdir, 'stacks')];
  // the deploy and destroy jobs run in the GitHub environment dev: its deploy role
  const deployed = await runAsStep(['deploy', ...stack], asRole('deploy-dev'));
  expect(deployed.summary).toMatch(/^### dev-us-east-1 outputs\n\n\| output \| value \|/);
  expect(deployed.summary).toContain('| dynamodb_table_name_us_east_1 | `analytics-jobs-us-east-1-dev` |');
  expect(deployed.summary).toMatch(/dev-us-east-1: applied \(commit [0-9a-f]{12}\)\n/);
  expect(deployed.code).toBe(0);

  await clients.s3.send(new HeadBucketCommand({ Bucket: 'analytics-bucket-us-east-1-dev' }));
  await recorded.beforeDestroy();
  const destroyed = await runAsStep(['destroy', ...stack], asRole('deploy-dev'));
  expect(destroyed).toMatchObject({ code: 0, summary: expect.stringContaining('### dev-us-east-1 destroyed') });
  await expect(clients.s3.send(new HeadBucketCommand({ Bucket: 'analytics-bucket-us-east-1-dev' }))).rejects.toMatchObject({ name: 'NotFound' });
}, 15 * MINUTE);

test('a stack directory that was never synthesized fails the step with the path', async () => {
  const run = await runAsStep(['deploy', '--stack', 'dev-mars-1', '--stacks-dir', path.join(outdir, 'stacks')]);
  expect(run.code).toBe(1);
  expect(run.summary).toMatch(/no stack dev-mars-1 in .*stacks: run npm run synth first/);
});

recorded.test();
