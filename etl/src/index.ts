import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type AwsClients, createClients } from './clients';
import { limitConcurrency } from './concurrency';
import { type EtlConfig, readConfig } from './config';
import { OutOfTimeError } from './errors';
import { jobIdFor } from './jobId';
import { JobLedger, summaryAttributes } from './jobLedger';
import { ignoreReason, type ObjectCreated, parseObjectCreated } from './objectCreatedEvent';
import { JobBusyError, type ProcessOutcome, processObject } from './processObject';

export interface HandlerOptions {
  /** Read and validated at the first invocation. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default clients for the Lambda's region, or `AWS_ENDPOINT_URL` when set */
  readonly clients?: AwsClients;
}

export type EtlHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

interface Runtime {
  readonly config: EtlConfig;
  readonly clients: AwsClients;
  readonly ledger: JobLedger;
}

function startRuntime(options: HandlerOptions): Runtime {
  const config = readConfig(options.env ?? process.env);
  const clients = options.clients ?? createClients();
  return { config, clients, ledger: new JobLedger(clients.ddb, config.jobTableName, config.etlVersion) };
}

/** Metrics and log line for a message that is acknowledged. */
function report(outcome: ProcessOutcome, object: ObjectCreated, log: Logger, metrics: Metrics): void {
  switch (outcome.kind) {
    case 'succeeded': {
      const { summary, durationMs } = outcome;
      metrics.addMetric('JobsSucceeded', MetricUnit.Count, 1);
      metrics.addMetric('RecordsIn', MetricUnit.Count, summary.recordsIn);
      metrics.addMetric('RecordsOut', MetricUnit.Count, summary.recordsOut);
      metrics.addMetric('RecordsRejected', MetricUnit.Count, summary.recordsRejected);
      metrics.addMetric('BytesIn', MetricUnit.Bytes, summary.bytesIn);
      metrics.addMetric('BytesOut', MetricUnit.Bytes, summary.bytesOut);
      metrics.addMetric('Duration', MetricUnit.Milliseconds, durationMs);
      log.info('job succeeded', { ...summaryAttributes(summary), duration_ms: durationMs });
      return;
    }
    case 'failed':
      metrics.addMetric('JobsFailed', MetricUnit.Count, 1);
      metrics.addMetric('Duration', MetricUnit.Milliseconds, outcome.durationMs);
      // the file to fix, and why, on the line an alarm or a log search finds
      log.warn('job failed: the file cannot be processed', {
        bucket: object.bucket,
        key: object.key,
        version_id: object.versionId,
        error_code: outcome.error.code,
        error_message: outcome.error.message,
      });
      return;
    case 'duplicate':
      metrics.addMetric('Duplicates', MetricUnit.Count, 1);
      log.info(`duplicate delivery: the job already ${outcome.status}`);
      return;
    case 'superseded':
      metrics.addMetric('Duplicates', MetricUnit.Count, 1);
      log.warn('a newer attempt took the job over; leaving it the result', { reason: outcome.reason });
      return;
  }
}

/**
 * The SQS-triggered ETL. Each record is a job (see processObject); a record that throws becomes an item failure
 * (ReportBatchItemFailures) so SQS redelivers only it. Logs are JSON with the job id on every line of a job; EMF
 * metrics are flushed once per invocation.
 */
export function createHandler(options: HandlerOptions = {}): EtlHandler {
  const logger = new Logger();
  const metrics = new Metrics();
  let runtime: Runtime | undefined;

  async function handleRecord({ config, clients, ledger }: Runtime, record: SQSRecord, context: Context): Promise<void> {
    const parsed = parseObjectCreated(record.body);
    if (!parsed.ok) {
      // Retrying cannot fix the body: acknowledge, or it would go round until the DLQ.
      logger.warn('message is not an S3 Object Created event; acknowledged', { message_id: record.messageId, reason: parsed.reason });
      return;
    }
    const { object } = parsed;
    const ignored = ignoreReason(object, config.rawBucketName);
    if (ignored) {
      logger.info('object ignored', { message_id: record.messageId, bucket: object.bucket, key: object.key, reason: ignored });
      return;
    }

    const jobId = jobIdFor(object);
    // A child per record: records run in parallel, so keys appended to the shared logger would mix jobs.
    const log = logger.createChild();
    log.appendKeys({ job_id: jobId, message_id: record.messageId });
    log.info('job received', { bucket: object.bucket, key: object.key, version_id: object.versionId, size: object.size });
    try {
      const outcome = await processObject(object, jobId, {
        s3: clients.s3,
        ledger,
        config,
        remainingMs: () => context.getRemainingTimeInMillis(),
        log,
      });
      report(outcome, object, log, metrics);
    } catch (error) {
      metrics.addMetric('JobsRetried', MetricUnit.Count, 1);
      if (error instanceof JobBusyError || error instanceof OutOfTimeError) log.warn('job will be retried', { error });
      else log.error('job will be retried', { error });
      throw error;
    }
  }

  return async (event, context) => {
    // Not at import: a missing variable then fails every invocation with its name instead of an opaque init error.
    runtime ??= startRuntime(options);
    const current = runtime;
    logger.addContext(context);
    const handle = limitConcurrency(current.config.maxParallelRecords, (record: SQSRecord) => handleRecord(current, record, context));
    // A processor per invocation: it keeps the batch's records and failures in instance fields.
    const processor = new BatchProcessor(EventType.SQS);
    try {
      // A fully failed batch is reported item by item too, rather than as a thrown invocation error.
      return await processPartialResponse(event, handle, processor, { context, throwOnFullBatchFailure: false });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

export const handler = createHandler();
