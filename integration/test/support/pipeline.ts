import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { jobIdFor } from '../../../etl/src/jobId';
import type { PlatformRegion } from '../../src/platform';

/** Polls `probe` until it returns a value, or fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(500);
  }
}

export interface Uploaded {
  readonly key: string;
  readonly versionId: string;
  readonly jobId: string;
  readonly body: Uint8Array;
}

/** Drops a file into the region's raw bucket, as a data team would. */
export async function upload(region: PlatformRegion, key: string, body: string | Uint8Array): Promise<Uploaded> {
  const bucket = region.outputs.bucketName;
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const put = await region.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  if (!put.VersionId) throw new Error(`PutObject ${key}: no version id (is the bucket versioned?)`);
  return { key, versionId: put.VersionId, jobId: jobIdFor({ bucket, key, versionId: put.VersionId }), body: bytes };
}

export type JobItem = Record<string, unknown>;

export async function getJob(region: PlatformRegion, jobId: string): Promise<JobItem | undefined> {
  const { Item } = await region.clients.ddb.send(new GetCommand({ TableName: region.outputs.tableName, Key: { job_id: jobId }, ConsistentRead: true }));
  return Item;
}

/** The job once it has finished (SUCCEEDED or FAILED). */
export function finishedJob(region: PlatformRegion, jobId: string, timeoutMs?: number): Promise<JobItem> {
  return waitFor(
    `job ${jobId} to finish in ${region.region}`,
    async () => {
      const job = await getJob(region, jobId);
      return job && (job.status === 'SUCCEEDED' || job.status === 'FAILED') ? job : undefined;
    },
    timeoutMs,
  );
}

/** Visible + in-flight messages of a queue. */
export async function queueDepth(region: PlatformRegion, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await region.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Waits until the work queue stays empty for `quietMs`: nothing left to process, nothing in flight. */
export async function drained(region: PlatformRegion, quietMs = 3_000): Promise<void> {
  await waitFor(`${region.region}'s queue to drain`, async () => {
    if ((await queueDepth(region, region.outputs.queueUrl)) > 0) return undefined;
    await sleep(quietMs);
    return (await queueDepth(region, region.outputs.queueUrl)) === 0 ? true : undefined;
  });
}
