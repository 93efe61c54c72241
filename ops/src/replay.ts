import { HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { JobReplays, type ReplaySource, replayability } from '../../etl/src/jobReplay';
import type { JobItem } from '../../etl/src/jobReader';
import type { ObjectCreated } from '../../etl/src/objectCreatedEvent';
import { replayEventBody } from '../../etl/src/replayEvent';
import type { OpsClients } from './clients';
import { OpsError } from './errors';
import { queueUrl } from './redrive';
import { type Target, targetFlags } from './target';

export interface ReplaySent {
  /** The attempt the ETL runs the job as. */
  readonly attempt: number;
  /** The job was REPLAY_REQUESTED already (an earlier replay not yet run): only its message was sent again. */
  readonly resent: boolean;
  /** What the failed attempt recorded, e.g. `TOO_MANY_REJECTED_ROWS`; undefined when resent. */
  readonly failedWith: string | undefined;
  readonly object: ObjectCreated;
  readonly messageId: string;
}

/**
 * Runs a FAILED job again: checks the job may be replayed and its object version is still there, records the
 * request (JobReplays: FAILED → REPLAY_REQUESTED), then sends the job's Object Created event to the region's queue.
 * The ledger first: a message that arrived before the request would be acknowledged as a duplicate of the FAILED job.
 * Nothing is written when a check refuses; a failed send leaves REPLAY_REQUESTED, and the same command sends again.
 */
export async function replayJob(item: JobItem, clients: OpsClients, target: Target, now: () => Date): Promise<ReplaySent> {
  const jobId = String(item.job_id);
  const check = replayability(item);
  if (check.kind === 'refused') throw new OpsError(refusal(check.status, item, target));
  const { job } = check;

  const object = await objectVersion(clients, job.source, jobId);
  const url = await queueUrl(clients.sqs, target.queue);
  const request = await new JobReplays(clients.ddb, target.jobTable, now).request(job);
  if (request.kind === 'changed') {
    throw new OpsError(`job ${jobId} changed while the replay was being requested (a run started, or another replay); see npm run jobs -- show ${jobId} ${targetFlags(target)}`);
  }

  const body = replayEventBody(object, { account: accountOf(url), region: target.region });
  let messageId: string;
  try {
    messageId = (await clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))).MessageId ?? '?';
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OpsError(
      `job ${jobId} is REPLAY_REQUESTED (attempt ${request.attempt} will run) but its message could not be sent to ${target.queue}: ${reason}; run the same command again to send it`,
    );
  }
  const failedWith = job.status === 'FAILED' ? String(job.failedAttempt.error_code ?? 'FAILED') : undefined;
  return { attempt: request.attempt, resent: job.status === 'REPLAY_REQUESTED', failedWith, object, messageId };
}

function refusal(status: 'RUNNING' | 'SUCCEEDED', item: JobItem, target: Target): string {
  const id = String(item.job_id);
  if (status === 'RUNNING') {
    return (
      `job ${id} is RUNNING (attempt ${String(item.attempt)}, stage ${String(item.stage)}, lease until ${String(item.lease_expires_at)}): only a FAILED job ` +
      `can be replayed; a run that stops without finishing is retried by the queue (npm run jobs -- show ${id} ${targetFlags(target)})`
    );
  }
  return `job ${id} SUCCEEDED (attempt ${String(item.attempt)}, output ${String(item.output_key)}): only a FAILED job can be replayed; to process the file again, upload it again (a new version is a new job)`;
}

/** The version as S3 has it now: size, ETag and creation time (the Object Created event's time, which dates the output). */
async function objectVersion(clients: OpsClients, source: ReplaySource, jobId: string): Promise<ObjectCreated> {
  const where = `s3://${source.bucket}/${source.key} version ${source.versionId}`;
  try {
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }));
    if (head.LastModified === undefined || head.ETag === undefined) throw new OpsError(`${where}: HeadObject returned no LastModified or ETag`);
    return {
      bucket: source.bucket,
      key: source.key,
      versionId: source.versionId,
      size: head.ContentLength ?? 0,
      etag: head.ETag.replaceAll('"', ''),
      time: head.LastModified.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  } catch (error) {
    // 404: the version was deleted (or expired); 405: the version id names a delete marker.
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404 || status === 405) {
      throw new OpsError(`the raw object of job ${jobId}, ${where}, is gone (${error instanceof Error ? error.name : status}): a replay would have nothing to read; upload the file again (a new version is a new job)`);
    }
    throw error;
  }
}

/** The account in a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), as EventBridge stamps events. */
function accountOf(url: string): string {
  return new URL(url).pathname.split('/')[1] ?? '';
}
