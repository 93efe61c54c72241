import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createHandler, type EtlHandler } from '../../src/index';
import { jobIdFor } from '../../src/jobId';
import { type OutputKeys, outputKeys } from '../../src/outputKeys';
import { putObject, startTestAws, type TestAws } from './aws';
import { captureLogs } from './capturedLogs';
import { lambdaContext, objectCreatedBody } from './lambda';

export const RAW_BUCKET = 'analytics-raw-test';
export const JOB_TABLE = 'analytics-jobs-test';
export const ETL_ENV = { JOB_TABLE_NAME: JOB_TABLE, RAW_BUCKET_NAME: RAW_BUCKET, ETL_VERSION: '0.9.0-test' };
/** Event time of every test upload unless given: fixes the dt= folder of the outputs. */
export const EVENT_TIME = '2026-11-25T10:15:30Z';

/** An object uploaded to the raw bucket and the EventBridge body announcing it. */
export interface Uploaded {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly etag: string;
  readonly body: string;
  readonly jobId: string;
  readonly outputs: OutputKeys;
}

export interface Invocation {
  readonly response: SQSBatchResponse;
  /** Powertools log lines and EMF metric objects written meanwhile. */
  readonly logs: Record<string, unknown>[];
}

export interface EtlFixture {
  readonly aws: TestAws;
  /** The handler with the test env, pointed at moto. */
  readonly handler: EtlHandler;
  /** A handler over the source (not the bundle), with the test env plus `env`, pointed at moto. */
  createHandler(env?: Record<string, string>): EtlHandler;
  upload(key: string, content: string | Uint8Array): Promise<Uploaded>;
  invoke(event: SQSEvent, context?: Context, handler?: EtlHandler): Promise<Invocation>;
  job(jobId: string): Promise<Record<string, unknown> | undefined>;
}

/** moto with the raw bucket and the job table, as the ETL finds them deployed. */
export async function startEtlFixture(): Promise<EtlFixture> {
  const aws = await startTestAws();
  await Promise.all([aws.createRawBucket(RAW_BUCKET), aws.createJobTable(JOB_TABLE)]);
  // Read by Powertools when the handler is created, as in Lambda
  process.env.POWERTOOLS_SERVICE_NAME = 'analytics-etl';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'AnalyticsPlatformTest';
  const build = (env: Record<string, string> = {}): EtlHandler => createHandler({ env: { ...ETL_ENV, ...env }, clients: aws.clients });
  const defaultHandler = build();

  return {
    aws,
    handler: defaultHandler,
    createHandler: build,
    async upload(key, content) {
      const put = await putObject(aws.clients.s3, RAW_BUCKET, key, content);
      const object = { bucket: RAW_BUCKET, key, ...put, time: EVENT_TIME };
      const jobId = jobIdFor(object);
      return { ...object, body: objectCreatedBody(object), jobId, outputs: outputKeys(key, jobId, EVENT_TIME) };
    },
    async invoke(event, context = lambdaContext(), handler = defaultHandler) {
      const { result, logs } = await captureLogs(() => handler(event, context));
      return { response: result, logs };
    },
    async job(jobId) {
      return (await aws.clients.ddb.send(new GetCommand({ TableName: JOB_TABLE, Key: { job_id: jobId }, ConsistentRead: true }))).Item;
    },
  };
}

/** Item identifiers of the batch's failures. */
export const failedMessages = (response: SQSBatchResponse): string[] => response.batchItemFailures.map((failure) => failure.itemIdentifier);

/** Values of an EMF metric over the invocation's metric objects (Powertools writes one per flush). */
export function metricValues(logs: readonly Record<string, unknown>[], name: string): number[] {
  return logs.filter((line) => '_aws' in line && name in line).flatMap((line) => line[name] as number | number[]);
}
