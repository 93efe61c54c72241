import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface OpsClients {
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
}

/**
 * Clients for the target's region. Credentials come from the SDK's usual chain (env, profile, SSO, role).
 * The endpoint: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS`) when set, which the SDK
 * reads itself; otherwise the regional AWS endpoints.
 */
export function createOpsClients(region: string): OpsClients {
  return {
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
    sqs: new SQSClient({ region }),
  };
}

/** For messages: where requests go when not to AWS itself. */
export function endpointNote(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_ENDPOINT_URL ? ` at ${env.AWS_ENDPOINT_URL}` : '';
}
