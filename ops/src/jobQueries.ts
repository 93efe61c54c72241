import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOB_STATUSES, type JobStatus } from '../../etl/src/jobLedger';
import { type JobItem, JobReader } from '../../etl/src/jobReader';
import { OpsError } from './errors';
import type { TimeWindow } from './timeWindow';

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export interface JobListQuery {
  readonly statuses: readonly JobStatus[];
  readonly window: TimeWindow;
  /** Keep the newest this many. */
  readonly limit: number;
}

export interface JobList {
  /** Oldest first. */
  readonly jobs: JobItem[];
  /** How many matched before the limit. */
  readonly total: number;
}

/**
 * Jobs of the given statuses created in the window, through the ETL's own status-index query (one Query per status,
 * never a Scan). That query reads the whole window, so the limit is applied here: the newest `limit` are kept.
 */
export async function listJobs(ddb: DynamoDBDocumentClient, table: string, query: JobListQuery): Promise<JobList> {
  const reader = new JobReader(ddb, table);
  const perStatus = await withTableErrors(table, () =>
    Promise.all(query.statuses.map((status) => reader.jobsByStatus(status, query.window.from, query.window.to))),
  );
  const all = perStatus.flat().sort(byCreation);
  return { jobs: all.slice(Math.max(0, all.length - query.limit)), total: all.length };
}

/** The job's item, read consistently; undefined when there is none. */
export async function getJob(ddb: DynamoDBDocumentClient, table: string, jobId: string): Promise<JobItem | undefined> {
  return withTableErrors(table, () => new JobReader(ddb, table).job(jobId));
}

function byCreation(a: JobItem, b: JobItem): number {
  return compare(String(a.created_at ?? ''), String(b.created_at ?? '')) || compare(String(a.job_id ?? ''), String(b.job_id ?? ''));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function withTableErrors<T>(table: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new OpsError(`table ${table} not found (${error.message}); is the environment deployed in this region and account?`);
    }
    throw error;
  }
}
