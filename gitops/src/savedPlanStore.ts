/**
 * A saved plan on its way from the plan job to the protected apply job, through the state bucket instead of a
 * workflow artifact: a plan file holds the prior state and every value, sensitive ones too, and artifacts are
 * readable by anyone who can read the repository. The plan job uploads the plan and leaves a record (bucket, key,
 * sha256: nothing secret) for the apply job, which downloads the plan and refuses it unless its bytes hash to the
 * recorded sha256: the plan role that wrote it also runs pull-request plans, so the object could have been replaced
 * while the approval was pending. Terraform itself still refuses a plan made stale by another apply.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { validatedJsonFile } from '../../infra/src/config/validatedJsonFile';
import { GitopsError } from './errors';
import { withS3 } from './s3Client';
import type { SavedPlanLocation } from './savedPlanLocation';

const RECORD = z.strictObject({
  stack: z.string(),
  bucket: z.string(),
  region: z.string(),
  key: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' }),
});

/** What the plan job hands the apply job as an artifact: where the plan is, and what its bytes hash to. */
export type SavedPlanRecord = z.infer<typeof RECORD>;

const REPLAN = 'Re-run the whole workflow to plan again.';

/**
 * `<dir>/<stack>.saved-plan` (JSON): the record `plan --save --out <dir>` writes and `deploy --saved-plan <dir>` reads.
 * Not `.json`: the plan report reads every `.json` in that folder as a plan.
 */
export function savedPlanRecordFile(dir: string, stack: string): string {
  return path.join(dir, `${stack}.saved-plan`);
}

/** Uploads `planFile` to `location`, then writes its record into `recordDir`. */
export async function savePlan(planFile: string, stack: string, location: SavedPlanLocation, recordDir: string): Promise<SavedPlanRecord> {
  const bytes = readFileSync(planFile);
  const digest = createHash('sha256').update(bytes).digest();
  await withS3(location.region, (s3) =>
    // with the checksum S3 refuses the upload unless it received exactly these bytes
    s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: bytes, ChecksumSHA256: digest.toString('base64') })),
  ).catch((error: Error) => {
    throw new GitopsError(`could not save the plan of ${stack} to ${objectUrl(location)}: ${error.name}: ${error.message}\nThe plan role may put objects under plans/ of the state bucket once the bootstrap stack of its account is applied.`);
  });
  const record: SavedPlanRecord = { stack, ...location, sha256: digest.toString('hex') };
  mkdirSync(recordDir, { recursive: true });
  writeFileSync(savedPlanRecordFile(recordDir, stack), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/**
 * Reads the record at `recordPath` (the file, or the folder holding it), downloads the plan it names and
 * writes it to `planFile` only when its bytes hash to the recorded sha256.
 */
export async function restorePlan(recordPath: string, stack: string, planFile: string): Promise<SavedPlanRecord> {
  const record = readRecord(recordPath, stack);
  const url = objectUrl(record);
  const bytes = await withS3(record.region, async (s3) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: record.bucket, Key: record.key }));
    return object.Body!.transformToByteArray();
  }).catch((error: Error) => {
    if (error instanceof NoSuchKey) throw new GitopsError(`${url} is gone: the state bucket's lifecycle expires saved plans once no approval can still be pending. ${REPLAN}`);
    throw new GitopsError(`could not read the saved plan ${url}: ${error.name}: ${error.message}\nThe deploy role of an environment may read only plans/<environment>/ of the state bucket.`);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== record.sha256) {
    throw new GitopsError(
      `${url} is not the plan the plan job saved: its sha256 is ${sha256}, the record says ${record.sha256}. ` +
        `It was replaced after the plan job (the plan role can write plans/); refusing to apply it. ${REPLAN}`,
    );
  }
  writeFileSync(planFile, bytes);
  return record;
}

function readRecord(recordPath: string, stack: string): SavedPlanRecord {
  const file = statSync(recordPath, { throwIfNoEntry: false })?.isDirectory() ? savedPlanRecordFile(recordPath, stack) : recordPath;
  if (!existsSync(file)) throw new GitopsError(`${file} not found: download the plan job's plan-${stack} artifact (with the record plan --save writes) there`);
  const read = validatedJsonFile(file, RECORD);
  if (!read.ok) throw new GitopsError(`${file} is not a saved-plan record:\n${read.problems.join('\n')}`);
  if (read.data.stack !== stack) throw new GitopsError(`${file} records the saved plan of ${read.data.stack}, not of ${stack}`);
  return read.data;
}

function objectUrl(location: SavedPlanLocation): string {
  return `s3://${location.bucket}/${location.key}`;
}
