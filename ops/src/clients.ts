import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { explainAccessFailures } from './awsAccess';

export interface OpsClients {
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

/**
 * Clients for the target's region. Credentials come from the SDK's usual chain (env, profile, SSO, role).
 * The endpoint: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_DYNAMODB` / `_SQS` / `_S3`) when set, which the SDK reads
 * itself; otherwise the regional AWS endpoints. A call that cannot reach AWS or is not let in says so in one line.
 */
export function createOpsClients(region: string): OpsClients {
  const env = process.env;
  return {
    ddb: DynamoDBDocumentClient.from(explainAccessFailures(new DynamoDBClient({ region }), 'DynamoDB', region, env)),
    sqs: explainAccessFailures(new SQSClient({ region }), 'SQS', region, env),
    // Emulators serve buckets by path only (no <bucket>.<host> DNS).
    s3: explainAccessFailures(new S3Client({ region, forcePathStyle: Boolean(env.AWS_ENDPOINT_URL) }), 'S3', region, env),
  };
}

/** For messages: where requests go when not to AWS itself. */
export function endpointNote(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_ENDPOINT_URL ? ` at ${env.AWS_ENDPOINT_URL}` : '';
}
