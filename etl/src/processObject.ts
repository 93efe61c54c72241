import { Readable } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EtlConfig } from './config';
import { checkDeadline } from './deadline';
import { DataError } from './errors';
import { JobOutputs } from './jobOutputs';
import { type Claim, ClaimLostError, type JobLedger, type JobSummary } from './jobLedger';
import type { ObjectCreated } from './objectCreatedEvent';
import { type OutputKeys, outputKeys } from './outputKeys';
import { transform } from './transform/transform';

export interface ProcessDeps {
  readonly s3: S3Client;
  readonly ledger: JobLedger;
  readonly config: EtlConfig;
  /** The invocation's `context.getRemainingTimeInMillis`. */
  readonly remainingMs: () => number;
  readonly log: Pick<Logger, 'warn'>;
}

/** Every outcome here acknowledges the message; anything thrown is an item failure (SQS redelivers). */
export type ProcessOutcome =
  | { readonly kind: 'succeeded'; readonly summary: JobSummary; readonly durationMs: number }
  | { readonly kind: 'failed'; readonly error: DataError; readonly durationMs: number }
  /** The job had already finished: a duplicate event or a redelivery. */
  | { readonly kind: 'duplicate'; readonly status: 'SUCCEEDED' | 'FAILED' }
  /** A newer attempt took the job over while this one ran; it reports the job. */
  | { readonly kind: 'superseded'; readonly reason: string };

/** Another delivery is running the job right now: retry later. */
export class JobBusyError extends Error {
  override readonly name = 'JobBusyError';
}

/**
 * Runs the job of one object version: claim → read the version → transform into uploads → complete the uploads →
 * record the result. Uploads are aborted on any failure; a data error is recorded as FAILED; a transient error or
 * running out of time releases the lease and is rethrown.
 */
export async function processObject(object: ObjectCreated, jobId: string, deps: ProcessDeps): Promise<ProcessOutcome> {
  const { config, ledger } = deps;
  // Not worth claiming a job that could not even start.
  checkDeadline(deps.remainingMs, config.timeSafetyMarginMs);
  const keys = outputKeys(object.key, jobId, object.time);
  // At least the rest of this invocation, so no delivery takes over a run that is still going.
  const leaseMs = Math.max(config.leaseSeconds * 1000, deps.remainingMs());
  const claimed = await ledger.claim(
    jobId,
    { bucket: object.bucket, key: object.key, versionId: object.versionId, size: object.size, etag: object.etag, dataset: keys.dataset },
    leaseMs,
  );
  switch (claimed.kind) {
    case 'succeeded':
      return { kind: 'duplicate', status: 'SUCCEEDED' };
    case 'failed':
      return { kind: 'duplicate', status: 'FAILED' };
    case 'busy':
      throw new JobBusyError(`attempt ${claimed.attempt} holds the job until ${claimed.leaseExpiresAt}`);
    case 'claimed':
      break;
  }

  try {
    return await runClaimed(object, claimed.claim, keys, deps);
  } catch (error) {
    if (error instanceof ClaimLostError) return { kind: 'superseded', reason: error.message };
    await ledger.release(claimed.claim, error).catch((releaseError: unknown) => {
      // The lease then runs out on its own; the original error is what the retry needs to know about.
      deps.log.warn('could not release the job', { error: releaseError });
    });
    throw error;
  }
}

async function runClaimed(object: ObjectCreated, claim: Claim, keys: OutputKeys, deps: ProcessDeps): Promise<ProcessOutcome> {
  const outputs = new JobOutputs(deps.s3, object.bucket, keys);
  try {
    const summary = await readAndWrite(object, claim, keys, outputs, deps);
    const durationMs = await deps.ledger.succeed(claim, summary);
    return { kind: 'succeeded', summary, durationMs };
  } catch (error) {
    await outputs.abort();
    if (!(error instanceof DataError)) throw error;
    const durationMs = await deps.ledger.fail(claim, error);
    return { kind: 'failed', error, durationMs };
  }
}

function tooLarge(bytes: number, maxBytes: number): DataError {
  return new DataError(
    'OBJECT_TOO_LARGE',
    `the object is ${bytes} bytes, more than the ${maxBytes}-byte limit (MAX_OBJECT_BYTES); split it into smaller files under input/`,
  );
}

async function readAndWrite(object: ObjectCreated, claim: Claim, keys: OutputKeys, outputs: JobOutputs, deps: ProcessDeps): Promise<JobSummary> {
  const { config, ledger } = deps;
  if (object.size > config.maxObjectBytes) throw tooLarge(object.size, config.maxObjectBytes);

  await ledger.setStage(claim, 'READING');
  const response = await deps.s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key, VersionId: object.versionId }));
  const body = response.Body;
  if (!(body instanceof Readable)) throw new Error('GetObject returned no readable body');
  try {
    const contentLength = response.ContentLength ?? 0;
    if (contentLength > config.maxObjectBytes) throw tooLarge(contentLength, config.maxObjectBytes);

    const result = await transform({
      key: object.key,
      body,
      parquet: outputs.parquet,
      openRejected: outputs.openRejected,
      metadata: {
        etl_version: config.etlVersion,
        source_bucket: object.bucket,
        source_key: object.key,
        source_version_id: object.versionId,
        job_id: claim.jobId,
      },
      maxRejectedShare: config.maxRejectedShare,
      checkpoint: () => checkDeadline(deps.remainingMs, config.timeSafetyMarginMs),
      scratchDir: config.scratchDir,
      maxTextBytes: config.maxObjectBytes,
      threads: config.duckDbThreads,
      spillLimitMb: config.duckDbSpillMb,
      ...(config.duckDbMemoryMb === undefined ? {} : { memoryLimitMb: config.duckDbMemoryMb }),
    });

    await ledger.setStage(claim, 'WRITING');
    await outputs.commit();
    return {
      recordsIn: result.recordsIn,
      recordsOut: result.recordsOut,
      recordsRejected: result.recordsRejected,
      bytesIn: result.bytesIn,
      bytesOut: result.parquetBytes + result.rejectedBytes,
      outputKey: keys.parquet,
      rejectedKey: outputs.rejectedKey,
    };
  } finally {
    // Read to the end or not: an undrained body keeps its socket from the pool.
    body.destroy();
  }
}
