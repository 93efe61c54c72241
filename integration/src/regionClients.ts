import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The emulator's fixed dummy credentials: the machine's real ones never reach it. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface RegionClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly ddb: DynamoDBDocumentClient;
  /** For table-level calls (DescribeTable, DeleteTable, tags) that the document client does not type. */
  readonly dynamodb: DynamoDBClient;
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
}

/** SDK clients for one region of the emulator at `endpoint`. */
export function regionClients(endpoint: string, region: string): RegionClients {
  const config = { endpoint, region, credentials: EMULATOR_CREDENTIALS };
  const dynamodb = new DynamoDBClient(config);
  return {
    // Path style: bucket names as hostnames do not resolve on an emulator's loopback address.
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sqs: new SQSClient(config),
    ddb: DynamoDBDocumentClient.from(dynamodb),
    dynamodb,
    lambda: new LambdaClient(config),
    cloudwatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export function destroyClients(clients: RegionClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
