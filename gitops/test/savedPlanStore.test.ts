/**
 * The saved plan's trip through the state bucket, against a real moto_server with the real AWS SDK: the record the
 * plan job leaves, the bytes the apply job gets back, and what it refuses (a replaced object, a missing one, another
 * stack's record).
 */
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type MotoServer, startMotoServer } from '../../integration/src/motoServer';
import type { SavedPlanLocation } from '../src/savedPlanLocation';
import { restorePlan, savedPlanRecordFile, savePlan } from '../src/savedPlanStore';

const REGION = 'us-east-1';
const BUCKET = 'analytics-tfstate-123456789012';
const STACK = 'dev-us-east-1';

let moto: MotoServer;
let s3: S3Client;
let tmp: string;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMotoServer();
  Object.assign(process.env, { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  s3 = new S3Client({ region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'saved-plan-'));
}, 60_000);

afterAll(async () => {
  process.env = saved;
  s3?.destroy();
  await moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

let run = 0;
/** A plan file of random bytes saved under a key of its own, its record in a plans folder of its own. */
async function savedPlan(stack = STACK) {
  const dir = mkdtempSync(path.join(tmp, 'run-'));
  const bytes = randomBytes(4096);
  const planFile = path.join(dir, 'saved.tfplan');
  writeFileSync(planFile, bytes);
  const location: SavedPlanLocation = { bucket: BUCKET, region: REGION, key: `plans/dev/${stack}/${++run}-1.tfplan` };
  const recordDir = path.join(dir, 'plans');
  const record = await savePlan(planFile, stack, location, recordDir);
  return { bytes, location, recordDir, record, restored: path.join(dir, 'restored.tfplan') };
}

test('save: the plan goes to the bucket as is, its record (no plan content) to <out>/<stack>.saved-plan', async () => {
  const { bytes, location, recordDir, record } = await savedPlan();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  expect(record).toEqual({ stack: STACK, bucket: BUCKET, region: REGION, key: location.key, sha256 });
  expect(savedPlanRecordFile(recordDir, STACK)).toBe(path.join(recordDir, `${STACK}.saved-plan`));
  expect(JSON.parse(readFileSync(savedPlanRecordFile(recordDir, STACK), 'utf8'))).toEqual(record);
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: location.key }));
  expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(bytes);
});

test('restore from the record folder or the record file: the same bytes, written to the plan file', async () => {
  const { bytes, recordDir, restored } = await savedPlan();
  await restorePlan(recordDir, STACK, restored);
  expect(readFileSync(restored)).toEqual(bytes);
  rmSync(restored);
  await restorePlan(savedPlanRecordFile(recordDir, STACK), STACK, restored);
  expect(readFileSync(restored)).toEqual(bytes);
});

test('an object replaced after the plan job is refused by its sha256, and nothing is written', async () => {
  const { location, recordDir, record, restored } = await savedPlan();
  const other = randomBytes(4096);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: location.key, Body: other }));
  const sha256 = createHash('sha256').update(other).digest('hex');
  await expect(restorePlan(recordDir, STACK, restored)).rejects.toThrow(
    `s3://${BUCKET}/${location.key} is not the plan the plan job saved: its sha256 is ${sha256}, the record says ${record.sha256}. ` +
      'It was replaced after the plan job (the plan role can write plans/); refusing to apply it. Re-run the whole workflow to plan again.',
  );
  expect(existsSync(restored)).toBe(false);
});

test('a missing object (expired or deleted) says to plan again', async () => {
  const { location, recordDir, restored } = await savedPlan();
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: location.key }));
  await expect(restorePlan(recordDir, STACK, restored)).rejects.toThrow(
    `s3://${BUCKET}/${location.key} is gone: the state bucket's lifecycle expires saved plans once no approval can still be pending. Re-run the whole workflow to plan again.`,
  );
});

test("another stack's record is refused", async () => {
  const { recordDir, restored } = await savedPlan('dev-eu-west-1');
  mkdirSync(path.join(tmp, 'renamed'));
  const file = path.join(tmp, 'renamed', `${STACK}.saved-plan`);
  writeFileSync(file, readFileSync(savedPlanRecordFile(recordDir, 'dev-eu-west-1')));
  await expect(restorePlan(file, STACK, restored)).rejects.toThrow(`${file} records the saved plan of dev-eu-west-1, not of ${STACK}`);
});

test('no record where the artifact should have been downloaded', async () => {
  const empty = mkdtempSync(path.join(tmp, 'empty-'));
  await expect(restorePlan(empty, STACK, path.join(empty, 'saved.tfplan'))).rejects.toThrow(
    `${path.join(empty, `${STACK}.saved-plan`)} not found: download the plan job's plan-${STACK} artifact (with the record plan --save writes) there`,
  );
});

test('a record that is not one names the field', async () => {
  const { recordDir, restored } = await savedPlan();
  const file = savedPlanRecordFile(recordDir, STACK);
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), sha256: 'abc' }));
  await expect(restorePlan(recordDir, STACK, restored)).rejects.toThrow(`${file}: sha256: must be 64 lowercase hex digits`);
});

test('a bucket that does not exist: the save fails naming the object and S3 error', async () => {
  const planFile = path.join(tmp, 'orphan.tfplan');
  writeFileSync(planFile, 'plan');
  const location = { bucket: 'no-such-bucket-here', region: REGION, key: `plans/dev/${STACK}/9-1.tfplan` };
  await expect(savePlan(planFile, STACK, location, path.join(tmp, 'orphan'))).rejects.toThrow(
    `could not save the plan of ${STACK} to s3://no-such-bucket-here/${location.key}: NoSuchBucket: `,
  );
  expect(existsSync(path.join(tmp, 'orphan'))).toBe(false);
});
