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

test('a reviewed plan (plan job) applied by the deploy job, a direct deploy, outputs in the summary; destroy removes the stack', async () => {
  const stack = ['--stack', 'dev-us-east-1', '--stacks-dir', path.join(outdir, 'stacks')];
  expect(await runAsStep(['deploy', ...stack, '--saved-plan'])).toMatchObject({ code: 1, summary: expect.stringMatching(/saved\.tfplan not found: download the plan job's saved-plan-dev-us-east-1 artifact/) });
  const planned = await runAsStep(['plan', ...stack, '--out', path.join(outdir, 'plans')]);
  expect(planned).toMatchObject({ code: 0, outputs: { changes: 'true' } });
  const deployed = await runAsStep(['deploy', ...stack, '--saved-plan']);
  expect(deployed.summary).toMatch(/^### dev-us-east-1 outputs\n\n\| output \| value \|/);
  expect(deployed.summary).toContain('| s3_bucket_name_us_east_1 | `analytics-bucket-us-east-1-dev` |');
  expect(deployed.summary).toMatch(/\| sqs_queue_url_us_east_1 \| `http:\/\/[^`]+analytics-queue-us-east-1-dev` \|/);
  expect(deployed.summary).toMatch(/dev-us-east-1: applied the reviewed plan\n/);
  expect(deployed.code).toBe(0);
  // a second apply of the same saved plan is refused by terraform: the state moved on since it was made
  expect(await runAsStep(['deploy', ...stack, '--saved-plan'])).toMatchObject({ code: 1, summary: expect.stringMatching(/Saved plan is stale/) });

  // without a reviewed plan: plan and apply in one step (on moto the known emulator drift makes it apply again)
  expect(await runAsStep(['deploy', ...stack])).toMatchObject({ code: 0, summary: expect.stringMatching(/dev-us-east-1: (applied|no changes)\n/) });

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
