import { type DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { JOBS_BY_STATUS_INDEX, type JobStatus } from './jobLedger';

/** A job item as the ledger wrote it (attribute names such as `status`, `error_code`, `records_out`). */
export type JobItem = Record<string, unknown>;

/**
 * The read side of the job table: what operators and tests ask of it. The state machine that writes it is
 * JobLedger. Uses only GetItem and Query, never a Scan.
 */
export class JobReader {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Read consistently, so a job that just finished is seen finished; undefined when there is none. */
  async job(jobId: string): Promise<JobItem | undefined> {
    const read = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: { job_id: jobId }, ConsistentRead: true }));
    return read.Item;
  }

  /** Jobs with `status` created in [from, to] (ISO-8601), oldest first: one Query on the status index. */
  async jobsByStatus(status: JobStatus, from: string, to: string): Promise<JobItem[]> {
    const pages = paginateQuery(
      { client: this.ddb },
      {
        TableName: this.tableName,
        IndexName: JOBS_BY_STATUS_INDEX,
        KeyConditionExpression: '#status = :status AND created_at BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':from': from, ':to': to },
      },
    );
    const jobs: JobItem[] = [];
    for await (const page of pages) jobs.push(...(page.Items ?? []));
    return jobs;
  }
}
