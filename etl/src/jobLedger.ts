import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { DataError } from './errors';
import { type ExpectedState, updateJobIf } from './jobUpdate';

/** The table's GSI on status + created_at (ISO-8601 UTC strings), as created by infra's JobTable. */
export const JOBS_BY_STATUS_INDEX = 'status-created_at-index';

/**
 * RUNNING → SUCCEEDED or FAILED, both final for ordinary deliveries. Only an operator's replay (JobReplays) moves a
 * FAILED job on, to REPLAY_REQUESTED, which the next delivery claims as a new attempt.
 */
export const JOB_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'REPLAY_REQUESTED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** How far a RUNNING job got: claimed, reading the source (and streaming the output), completing the output. */
export type JobStage = 'CLAIMED' | 'READING' | 'WRITING';

export interface JobSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly etag: string;
  readonly dataset: string;
}

/** This run's ownership of a job: every later write is conditioned on the job still having this attempt. */
export interface Claim {
  readonly jobId: string;
  readonly attempt: number;
  readonly startedAt: Date;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly claim: Claim }
  | { readonly kind: 'succeeded' }
  /** A data error is final for that object version. */
  | { readonly kind: 'failed'; readonly errorCode: string }
  /** Another run holds a live lease. */
  | { readonly kind: 'busy'; readonly attempt: number; readonly leaseExpiresAt: string };

export interface JobSummary {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly recordsRejected: number;
  readonly bytesIn: number;
  /** Everything written: Parquet plus rejected rows. */
  readonly bytesOut: number;
  readonly outputKey: string;
  readonly rejectedKey: string | undefined;
}

/** A newer attempt took the job over: this run must not write its result. */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';
}

// What a failed conditional write returns (ReturnValuesOnConditionCheckFailure=ALL_OLD), still in DynamoDB's
// attribute-value form: lib-dynamodb does not unmarshall exceptions.
const existingJobSchema = z.object({
  status: z.object({ S: z.enum(JOB_STATUSES) }),
  attempt: z.object({ N: z.coerce.number().int() }),
  lease_expires_at: z.object({ S: z.string() }).optional(),
  error_code: z.object({ S: z.string() }).optional(),
});
type ExistingJob = z.infer<typeof existingJobSchema>;

function existingJob(error: ConditionalCheckFailedException): ExistingJob {
  const parsed = existingJobSchema.safeParse(error.Item);
  if (!parsed.success) throw new Error(`job item unreadable after a failed condition: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A success summary as the job item (and the log line) spell it. */
export function summaryAttributes(summary: JobSummary): Record<string, number | string | undefined> {
  return {
    records_in: summary.recordsIn,
    records_out: summary.recordsOut,
    records_rejected: summary.recordsRejected,
    bytes_in: summary.bytesIn,
    bytes_out: summary.bytesOut,
    output_key: summary.outputKey,
    rejected_key: summary.rejectedKey,
  };
}

const MAX_ERROR_CHARS = 1_000;

function describe(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, MAX_ERROR_CHARS);
}

/**
 * The job table: one item per object version, claimed with conditional writes so that concurrent and repeated
 * deliveries run a job once: the write side (the state machine). Reads are JobReader's. Uses only PutItem and UpdateItem.
 */
export class JobLedger {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly etlVersion: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * New job → RUNNING, attempt 1. RUNNING with an expired lease (a crashed or timed-out run), or REPLAY_REQUESTED →
   * taken over with the next attempt. Otherwise (SUCCEEDED, FAILED, a live lease) the existing state comes back
   * unchanged.
   */
  async claim(jobId: string, source: JobSource, leaseMs: number): Promise<ClaimOutcome> {
    const startedAt = this.now();
    const fields = this.#claimFields(1, startedAt, leaseMs);
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            job_id: jobId,
            status: 'RUNNING' satisfies JobStatus,
            created_at: startedAt.toISOString(),
            bucket: source.bucket,
            key: source.key,
            version_id: source.versionId,
            size: source.size,
            etag: source.etag,
            dataset: source.dataset,
            ...fields,
          },
          ConditionExpression: 'attribute_not_exists(job_id)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'claimed', claim: { jobId, attempt: 1, startedAt } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.#claimExisting(jobId, existingJob(error), leaseMs);
    }
  }

  async #claimExisting(jobId: string, existing: ExistingJob, leaseMs: number): Promise<ClaimOutcome> {
    const status = existing.status.S;
    if (status === 'SUCCEEDED') return { kind: 'succeeded' };
    if (status === 'FAILED') return { kind: 'failed', errorCode: existing.error_code?.S ?? 'UNKNOWN' };

    const startedAt = this.now();
    const leaseExpiresAt = existing.lease_expires_at?.S ?? '';
    if (status === 'RUNNING' && Date.parse(leaseExpiresAt) > startedAt.getTime()) return { kind: 'busy', attempt: existing.attempt.N, leaseExpiresAt };

    const attempt = existing.attempt.N + 1;
    try {
      // Conditioned on the state we saw: of two deliveries taking over the same job, one wins.
      const running = { status: 'RUNNING' satisfies JobStatus, ...this.#claimFields(attempt, startedAt, leaseMs) };
      await updateJobIf(this.ddb, this.tableName, jobId, { status, attempt: existing.attempt.N }, running);
      return { kind: 'claimed', claim: { jobId, attempt, startedAt } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Someone else moved the job on first. Ends: they left a live lease or a final status.
      return this.#claimExisting(jobId, existingJob(error), leaseMs);
    }
  }

  #claimFields(attempt: number, startedAt: Date, leaseMs: number) {
    return {
      attempt,
      stage: 'CLAIMED' satisfies JobStage,
      started_at: startedAt.toISOString(),
      lease_expires_at: new Date(startedAt.getTime() + leaseMs).toISOString(),
      etl_version: this.etlVersion,
    };
  }

  async setStage(claim: Claim, stage: JobStage): Promise<void> {
    await this.#updateOwned(claim, { stage });
  }

  /** Resolves to the run's duration (ms), as recorded. */
  async succeed(claim: Claim, summary: JobSummary): Promise<number> {
    return this.#finish(claim, 'SUCCEEDED', summaryAttributes(summary));
  }

  /** Resolves to the run's duration (ms), as recorded. */
  async fail(claim: Claim, error: DataError): Promise<number> {
    return this.#finish(claim, 'FAILED', { error_code: error.code, error_message: error.message });
  }

  /** After a transient failure: keeps the job RUNNING but ends the lease, so the redelivery can take over at once. */
  async release(claim: Claim, error: unknown): Promise<void> {
    await this.#updateOwned(claim, { lease_expires_at: this.now().toISOString(), last_error: describe(error) });
  }

  async #finish(claim: Claim, status: 'SUCCEEDED' | 'FAILED', fields: Record<string, unknown>): Promise<number> {
    const finishedAt = this.now();
    const durationMs = finishedAt.getTime() - claim.startedAt.getTime();
    await this.#updateOwned(claim, { ...fields, status, finished_at: finishedAt.toISOString(), duration_ms: durationMs }, [
      'lease_expires_at',
      'stage',
    ]);
    return durationMs;
  }

  /** Writes only while this run still owns the job, so a stale run cannot overwrite a newer attempt. */
  async #updateOwned(claim: Claim, set: Record<string, unknown>, remove: string[] = []): Promise<void> {
    const owned: ExpectedState = { status: 'RUNNING', attempt: claim.attempt };
    try {
      await updateJobIf(this.ddb, this.tableName, claim.jobId, owned, set, remove);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ClaimLostError(`job ${claim.jobId} is no longer RUNNING attempt ${claim.attempt}`);
      }
      throw error;
    }
  }
}
