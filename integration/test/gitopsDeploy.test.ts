/**
 * The deploy and destroy steps of the workflows (`npm run gitops -- deploy|destroy`), run as a workflow step would
 * against a real terraform apply on the emulator: one stack, plan saved then applied, outputs in the job summary.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { runAsStep } from '../../gitops/test/support/actionsRun';
import { type Emulator, startEmulator } from '../src/emulator';
import { destroyClients, regionClients } from '../src/regionClients';

const MINUTE = 60_000;
let emulator: Emulator;
let outdir: string;

beforeAll(async () => {
  emulator = await startEmulator();
  outdir = mkdtempSync(path.join(tmpdir(), 'gitops-deploy-'));
  synth({ environments: ['dev'], outdir, target: emulator.target });
}, 5 * MINUTE);

afterAll(async () => {
  await emulator?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

test('deploy applies the saved plan and reports the outputs; destroy removes the stack', async () => {
  const stack = ['--stack', 'dev-us-east-1', '--stacks-dir', path.join(outdir, 'stacks')];
  const deployed = await runAsStep(['deploy', ...stack]);
  expect(deployed.summary).toMatch(/^### dev-us-east-1 outputs\n\n\| output \| value \|/);
  expect(deployed.summary).toContain('| s3_bucket_name_us_east_1 | `analytics-bucket-us-east-1-dev` |');
  expect(deployed.summary).toMatch(/\| sqs_queue_url_us_east_1 \| `http:\/\/[^`]+analytics-queue-us-east-1-dev` \|/);
  expect(deployed.summary).toMatch(/dev-us-east-1: applied\n/);
  expect(deployed.code).toBe(0);

  const s3 = regionClients(emulator.target.endpoint, 'us-east-1');
  try {
    await s3.s3.send(new HeadBucketCommand({ Bucket: 'analytics-bucket-us-east-1-dev' }));
    const destroyed = await runAsStep(['destroy', ...stack]);
    expect(destroyed).toMatchObject({ code: 0, summary: expect.stringContaining('### dev-us-east-1 destroyed') });
    await expect(s3.s3.send(new HeadBucketCommand({ Bucket: 'analytics-bucket-us-east-1-dev' }))).rejects.toMatchObject({ name: 'NotFound' });
  } finally {
    destroyClients(s3);
  }
}, 15 * MINUTE);

test('a stack directory that was never synthesized fails the step with the path', async () => {
  const run = await runAsStep(['deploy', '--stack', 'dev-mars-1', '--stacks-dir', path.join(outdir, 'stacks')]);
  expect(run.code).toBe(1);
  expect(run.summary).toMatch(/no stack dev-mars-1 in .*stacks: run npm run synth first/);
});
