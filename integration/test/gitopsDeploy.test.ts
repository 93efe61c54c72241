/**
 * The deploy and destroy steps of the workflows (`npm run gitops -- plan|deploy|destroy`), run as a workflow step
 * would against a real terraform apply on the emulator: one stack, plan saved to the state bucket by the plan job
 * then applied by the deploy job, outputs in the job summary.
 */
import { CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { runAsStep } from '../../gitops/test/support/actionsRun';
import { SAVED_PLAN_FILE } from '../../gitops/src/planStack';
import { emptyBucket } from '../src/emptyBucket';
import { type Emulator, startEmulator } from '../src/emulator';
import { destroyClients, EMULATOR_CREDENTIALS, type RegionClients, regionClients } from '../src/regionClients';

const MINUTE = 60_000;
/**
 * A state bucket for saved plans. Emulator stacks keep local state, so the plan step is told where it is; not the
 * bootstrap's bucket name, which the bootstrap suite creates on a shared external emulator (LocalStack in Actions).
 */
const STATE_BUCKET = 'analytics-tfstate-gitops-deploy-test';
let emulator: Emulator;
let outdir: string;
let clients: RegionClients;

/** A job's environment: the emulator for the SDK (AWS_ENDPOINT_URL), its credentials, the workflow run. */
const job = (attempt: number) => ({
  AWS_ENDPOINT_URL: emulator.target.endpoint,
  AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
  GITHUB_RUN_ID: '16234567890',
  GITHUB_RUN_ATTEMPT: String(attempt),
});

beforeAll(async () => {
  emulator = await startEmulator();
  outdir = mkdtempSync(path.join(tmpdir(), 'gitops-deploy-'));
  synth({ environments: ['dev'], outdir, target: emulator.target });
  clients = regionClients(emulator.target.endpoint, 'us-east-1');
  await clients.s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET }));
}, 5 * MINUTE);

afterAll(async () => {
  // an external emulator outlives this suite: leave it as it was found
  if (clients && emulator && !emulator.owned) {
    await emptyBucket(clients.s3, STATE_BUCKET);
    await clients.s3.send(new DeleteBucketCommand({ Bucket: STATE_BUCKET }));
  }
  if (clients) destroyClients(clients);
  await emulator?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

test('a reviewed plan (plan job, state bucket) applied by the deploy job, a direct deploy, outputs in the summary; destroy removes the stack', async () => {
  const stack = ['--stack', 'dev-us-east-1', '--stacks-dir', path.join(outdir, 'stacks')];
  const planFile = path.join(outdir, 'stacks', 'dev-us-east-1', SAVED_PLAN_FILE);
  const planJob = (attempt: number, out: string) => runAsStep(['plan', ...stack, '--out', out, '--save', '--plan-bucket', STATE_BUCKET], job(attempt));
  const deployJob = (plans: string) => runAsStep(['deploy', ...stack, '--saved-plan', plans], job(1));
  const reviewed = path.join(outdir, 'plans');
  expect(await deployJob(reviewed)).toMatchObject({ code: 1, summary: expect.stringContaining(`${reviewed} not found: download the plan job's plan-dev-us-east-1 artifact`) });

  expect(await planJob(1, reviewed)).toMatchObject({ code: 0, outputs: { changes: 'true' } });
  const key = 'plans/dev/dev-us-east-1/16234567890-1.tfplan';
  const sha256 = createHash('sha256').update(readFileSync(planFile)).digest('hex');
  expect(JSON.parse(readFileSync(path.join(reviewed, 'dev-us-east-1.saved-plan'), 'utf8'))).toEqual({ stack: 'dev-us-east-1', bucket: STATE_BUCKET, region: 'us-east-1', key, sha256 });
  const stored = await clients.s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(readFileSync(planFile));
  // the deploy job's checkout holds no plan: only the record, and the bucket
  rmSync(planFile);

  const deployed = await deployJob(reviewed);
  expect(deployed.summary).toMatch(/^### dev-us-east-1 outputs\n\n\| output \| value \|/);
  expect(deployed.summary).toContain('| s3_bucket_name_us_east_1 | `analytics-bucket-us-east-1-dev` |');
  expect(deployed.summary).toMatch(/\| sqs_queue_url_us_east_1 \| `http:\/\/[^`]+analytics-queue-us-east-1-dev` \|/);
  expect(deployed.summary).toMatch(/dev-us-east-1: applied the reviewed plan \(commit [0-9a-f]{12}\)\n/);
  expect(deployed.code).toBe(0);
  // a second apply of the same saved plan is refused by terraform: the state moved on since it was made
  expect(await deployJob(reviewed)).toMatchObject({ code: 1, summary: expect.stringMatching(/Saved plan is stale: another apply changed the state of dev-us-east-1 after this run planned it .* Re-run all jobs of this workflow run/) });

  // a fresh plan (not stale: terraform would apply it) put over the reviewed one's key is refused by the record's sha256
  expect(await planJob(2, path.join(outdir, 'newer-plans'))).toMatchObject({ code: 0 });
  await clients.s3.send(new CopyObjectCommand({ Bucket: STATE_BUCKET, Key: key, CopySource: `${STATE_BUCKET}/plans/dev/dev-us-east-1/16234567890-2.tfplan` }));
  expect(await deployJob(reviewed)).toMatchObject({
    code: 1,
    summary: expect.stringContaining(`s3://${STATE_BUCKET}/${key} is not the plan the plan job saved: its sha256 is `),
  });
  // expired (or deleted): plan again
  await clients.s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  expect(await deployJob(reviewed)).toMatchObject({
    code: 1,
    summary: expect.stringContaining(`s3://${STATE_BUCKET}/${key} is gone: the state bucket's lifecycle expires saved plans once no approval can still be pending. Re-run the whole workflow to plan again.`),
  });

  // without a reviewed plan: plan and apply in one step (on moto the known emulator drift makes it apply again)
  expect(await runAsStep(['deploy', ...stack])).toMatchObject({ code: 0, summary: expect.stringMatching(/dev-us-east-1: (applied|no changes) \(commit [0-9a-f]{12}\)\n/) });

  await clients.s3.send(new HeadBucketCommand({ Bucket: 'analytics-bucket-us-east-1-dev' }));
  const destroyed = await runAsStep(['destroy', ...stack]);
  expect(destroyed).toMatchObject({ code: 0, summary: expect.stringContaining('### dev-us-east-1 destroyed') });
  await expect(clients.s3.send(new HeadBucketCommand({ Bucket: 'analytics-bucket-us-east-1-dev' }))).rejects.toMatchObject({ name: 'NotFound' });
}, 15 * MINUTE);

test('a stack directory that was never synthesized fails the step with the path', async () => {
  const run = await runAsStep(['deploy', '--stack', 'dev-mars-1', '--stacks-dir', path.join(outdir, 'stacks')]);
  expect(run.code).toBe(1);
  expect(run.summary).toMatch(/no stack dev-mars-1 in .*stacks: run npm run synth first/);
});
