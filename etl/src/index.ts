import { readConfig } from './config';
import type { SqsBatchResponse, SqsEvent } from './sqs';

/**
 * Placeholder consumer so the deploy path can be exercised end to end;
 * the transform arrives with the ETL issue.
 */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  // Lazy so importing the bundle (tests, tooling) needs no environment; cheap enough to repeat per invocation.
  const config = readConfig(process.env);
  console.log(JSON.stringify({ message: 'batch received', records: event.Records.length, etlVersion: config.etlVersion }));
  return { batchItemFailures: [] };
}
