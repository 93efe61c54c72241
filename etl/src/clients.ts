import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  readonly s3: S3Client;
  readonly ddb: DynamoDBDocumentClient;
}

export interface ClientOptions {
  /** Emulator URL (tests). Without it the SDK uses `AWS_ENDPOINT_URL` when set, else the regional AWS endpoints. */
  readonly endpoint?: string;
}

/** Region and credentials come from the SDK's usual sources (the Lambda environment). */
export function createClients(options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const endpoint = options.endpoint;
  const config = endpoint ? { endpoint } : {};
  // Emulators serve buckets by path only (no <bucket>.<host> DNS).
  const forcePathStyle = Boolean(endpoint ?? env.AWS_ENDPOINT_URL);
  return {
    s3: new S3Client({ ...config, forcePathStyle }),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
  };
}
