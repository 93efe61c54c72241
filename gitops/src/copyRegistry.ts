/**
 * The registry of on-demand copies: each template's state bucket, under `analytics/ephemeral/<suffix>/`, holds a
 * copy's record (`copy.json`, the truth for listing and expiry) and its regions' states (`<region>.tfstate`). The
 * record is written before the first apply and deleted after the last region's state, so a copy that exists in AWS
 * always has one.
 */
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { COPY_STATE_PREFIX, copyRecordKey, copyRecordSchema, copyStateKey, type CopyRecord } from '../../infra/src/config/ephemeralCopy';
import type { Environment } from '../../infra/src/config/loadEnvironments';
import { GitopsError } from './errors';
import { withS3 } from './s3Client';

/** A state bucket that holds copies: a template's. */
export interface CopyBucket {
  readonly bucket: string;
  readonly region: string;
  /** The S3 backend's DynamoDB lock table, when the template names one (state.lockTable). */
  readonly lockTable?: string;
}

/** One copy as its bucket shows it. */
export interface ListedCopy {
  readonly suffix: string;
  readonly bucket: CopyBucket;
  /** Its record; absent when the record is missing or unreadable (`problem` says which). */
  readonly record?: CopyRecord;
  readonly problem?: string;
  /** The regions that have a state (deployed, half-deployed or not yet cleaned up), sorted. */
  readonly regions: readonly string[];
}

const RECORD_FILE = 'copy.json';
const STATE_FILE = /^([a-z0-9-]+)\.tfstate$/;
/** terraform's S3-native lock beside a state while a run holds it (a crashed run can leave one). */

/** The distinct state buckets of the templates (ephemeral environments): where every copy is registered. */
export function copyBuckets(environments: readonly Environment[]): CopyBucket[] {
  const buckets = new Map<string, CopyBucket>();
  for (const { state } of environments.filter((e) => e.ephemeral)) {
    buckets.set(`${state.region}/${state.bucket}`, { bucket: state.bucket, region: state.region, ...(state.lockTable ? { lockTable: state.lockTable } : {}) });
  }
  return [...buckets.values()];
}

const where = (bucket: CopyBucket, key: string) => `s3://${bucket.bucket}/${key}`;

/** Writes (or overwrites: a re-dispatch with a new TTL extends the copy) the copy's record. */
export async function putCopyRecord(bucket: CopyBucket, record: CopyRecord): Promise<void> {
  const body = `${JSON.stringify(record, null, 2)}\n`;
  await withS3(bucket.region, (s3) => s3.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: copyRecordKey(record.suffix), Body: body, ContentType: 'application/json' })));
}

/** Every copy in the bucket, by suffix: record and regions with state; a record that cannot be read is a problem, not an error. */
export async function listCopies(bucket: CopyBucket): Promise<ListedCopy[]> {
  return withS3(bucket.region, async (s3) => {
    const files = new Map<string, string[]>();
    for (const key of await listKeys(s3, bucket.bucket, COPY_STATE_PREFIX)) {
      const [suffix, file, ...deeper] = key.slice(COPY_STATE_PREFIX.length).split('/');
      if (!suffix || file === undefined || deeper.length > 0) continue;
      files.set(suffix, [...(files.get(suffix) ?? []), file]);
    }
    const copies: ListedCopy[] = [];
    for (const [suffix, names] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const regions = names.flatMap((name) => STATE_FILE.exec(name)?.[1] ?? []).sort();
      const read = names.includes(RECORD_FILE) ? await readRecord(s3, bucket, suffix) : { problem: `no ${RECORD_FILE}: not made from a template, or its record was deleted by hand` };
      copies.push({ suffix, bucket, regions, ...read });
    }
    return copies;
  });
}

/** The copy's record as it is now; undefined when it is gone or unreadable. */
export async function readCopyRecord(bucket: CopyBucket, suffix: string): Promise<CopyRecord | undefined> {
  return (await withS3(bucket.region, (s3) => readRecord(s3, bucket, suffix))).record;
}

async function readRecord(s3: S3Client, bucket: CopyBucket, suffix: string): Promise<{ record?: CopyRecord; problem?: string }> {
  const key = copyRecordKey(suffix);
  let text: string;
  try {
    text = await (await s3.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: key }))).Body!.transformToString();
  } catch (error) {
    if (error instanceof NoSuchKey) return { problem: `no ${RECORD_FILE}: not made from a template` };
    throw new GitopsError(`could not read ${where(bucket, key)}: ${(error as Error).name}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `${where(bucket, key)} is not JSON` };
  }
  const parsed = copyRecordSchema.safeParse(json);
  if (!parsed.success) return { problem: `${where(bucket, key)} is not a copy record (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})` };
  if (parsed.data.suffix !== suffix) return { problem: `${where(bucket, key)} names suffix ${parsed.data.suffix}, not ${suffix}` };
  return { record: parsed.data };
}

/**
 * After a region's destroy: deletes its state, and with a lock table the state's digest item there (terraform refuses a
 * later init of the same key, a copy deployed again under this suffix, while a digest outlives its state). A lockfile
 * still there belongs to another run (a deploy of this suffix) and stays.
 */
export async function deleteRegionState(bucket: CopyBucket, suffix: string, region: string): Promise<void> {
  const state = copyStateKey(suffix, region);
  await withS3(bucket.region, (s3) => deleteKeys(s3, bucket, [state]));
  if (!bucket.lockTable) return;
  const dynamodb = new DynamoDBClient({ region: bucket.region });
  try {
    await dynamodb.send(new DeleteItemCommand({ TableName: bucket.lockTable, Key: { LockID: { S: `${bucket.bucket}/${state}-md5` } } }));
  } finally {
    dynamodb.destroy();
  }
}

/** Deletes the copy's record once no region's state is left; returns the regions that still have state. */
export async function deleteRecordIfNoState(bucket: CopyBucket, suffix: string): Promise<string[]> {
  return withS3(bucket.region, async (s3) => {
    const left = (await listKeys(s3, bucket.bucket, `${COPY_STATE_PREFIX}${suffix}/`)).flatMap((key) => STATE_FILE.exec(key.slice(key.lastIndexOf('/') + 1))?.[1] ?? []);
    if (left.length === 0) await deleteKeys(s3, bucket, [copyRecordKey(suffix)]);
    return left.sort();
  });
}

/** Every copy in the state buckets of all templates. */
export async function listAllCopies(environments: readonly Environment[]): Promise<ListedCopy[]> {
  return (await Promise.all(copyBuckets(environments).map(listCopies))).flat();
}

async function deleteKeys(s3: S3Client, bucket: CopyBucket, keys: readonly string[]): Promise<void> {
  const { Errors } = await s3.send(new DeleteObjectsCommand({ Bucket: bucket.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  if (Errors && Errors.length > 0) throw new GitopsError(`could not delete ${Errors.map((e) => `${where(bucket, e.Key ?? '?')} (${e.Code}: ${e.Message})`).join(', ')}`);
}

/** Every key under `prefix`, page by page (ListObjectsV2 returns at most 1,000 at a time). */
async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).flatMap((object) => object.Key ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
