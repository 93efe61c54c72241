import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { JOB_STATUSES, type JobStatus } from './jobLedger';
import type { JobItem } from './jobReader';
import { updateJobIf } from './jobUpdate';

/*
 * Replay: an operator runs a FAILED job again once its cause is fixed (a limit raised, a new ETL version). The
 * request moves the job FAILED → REPLAY_REQUESTED and files the failed attempt under `previous_attempts`; the next
 * delivery of the job's object version claims it as attempt + 1 (JobLedger.claim). Ordinary deliveries never move a
 * FAILED job, so duplicates stay acknowledged as before. Whichever delivery comes first after the request runs the
 * job (the operator's message or a late duplicate of the original event): it is the same object version either way.
 */

/** What a replay sends again: the job's object version, as its item records it. */
export interface ReplaySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
}

/** A job a replay may be requested for. */
export interface ReplayableJob {
  readonly jobId: string;
  /** FAILED, or REPLAY_REQUESTED by an earlier request whose run has not started (its message is sent again). */
  readonly status: 'FAILED' | 'REPLAY_REQUESTED';
  /** The last attempt that ran: the replay runs as the next one. */
  readonly attempt: number;
  readonly source: ReplaySource;
  /** How many replays were requested before this one. */
  readonly replays: number;
  /** The failed attempt as `previous_attempts` keeps it, and the ones filed before it. */
  readonly previousAttempts: readonly Record<string, unknown>[];
  readonly failedAttempt: Record<string, unknown>;
}

export type Replayability =
  | { readonly kind: 'replayable'; readonly job: ReplayableJob }
  /** Still running, or done: nothing to replay. */
  | { readonly kind: 'refused'; readonly status: Exclude<JobStatus, 'FAILED' | 'REPLAY_REQUESTED'> };

/** A finished attempt's own fields: filed under `previous_attempts`, so the next attempt records its outcome afresh. */
const ATTEMPT_FIELDS = ['attempt', 'status', 'etl_version', 'started_at', 'finished_at', 'duration_ms', 'error_code', 'error_message', 'last_error'] as const;
/** Of those, the ones only the finished attempt had: gone from the job once it is filed. */
const OUTCOME_FIELDS = ['error_code', 'error_message', 'finished_at', 'duration_ms', 'last_error'] as const;

const itemSchema = z.object({
  job_id: z.string(),
  status: z.enum(JOB_STATUSES),
  attempt: z.number().int().positive(),
  bucket: z.string(),
  key: z.string(),
  version_id: z.string(),
  replays: z.number().int().nonnegative().default(0),
  previous_attempts: z.array(z.record(z.string(), z.unknown())).default([]),
});

/** Whether `item` (as JobReader returns it) may be replayed; throws when it is not a job item at all. */
export function replayability(item: JobItem): Replayability {
  const parsed = itemSchema.safeParse(item);
  if (!parsed.success) throw new Error(`job item unreadable: ${z.prettifyError(parsed.error)}`);
  const job = parsed.data;
  if (job.status === 'RUNNING' || job.status === 'SUCCEEDED') return { kind: 'refused', status: job.status };
  const failedAttempt = Object.fromEntries(ATTEMPT_FIELDS.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
  return {
    kind: 'replayable',
    job: {
      jobId: job.job_id,
      status: job.status,
      attempt: job.attempt,
      source: { bucket: job.bucket, key: job.key, versionId: job.version_id },
      replays: job.replays,
      previousAttempts: job.previous_attempts,
      failedAttempt,
    },
  };
}

export type ReplayRequest =
  /** Recorded: the next delivery of the job's object version runs it as `attempt`. */
  | { readonly kind: 'requested'; readonly attempt: number }
  /** The job moved on between reading and writing it (a run started, another request won): nothing written. */
  | { readonly kind: 'changed' };

/** The operator's side of the job state machine (JobLedger is the ETL's). Uses only UpdateItem. */
export class JobReplays {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * FAILED → REPLAY_REQUESTED (`replays` + 1, the failed attempt filed, its outcome removed). Already
   * REPLAY_REQUESTED → only `replay_requested_at` renewed. Conditioned on the status and attempt `job` was read with.
   */
  async request(job: ReplayableJob): Promise<ReplayRequest> {
    const requestedAt = this.now().toISOString();
    const expected = { status: job.status, attempt: job.attempt };
    const filed =
      job.status === 'FAILED'
        ? { status: 'REPLAY_REQUESTED' satisfies JobStatus, replays: job.replays + 1, previous_attempts: [...job.previousAttempts, job.failedAttempt] }
        : {};
    try {
      await updateJobIf(this.ddb, this.tableName, job.jobId, expected, { ...filed, replay_requested_at: requestedAt }, job.status === 'FAILED' ? OUTCOME_FIELDS : []);
      return { kind: 'requested', attempt: job.attempt + 1 };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { kind: 'changed' };
      throw error;
    }
  }
}
