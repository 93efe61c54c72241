import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpsClients } from '../../../ops/src/clients';
import type { CommandDeps } from '../../../ops/src/commands';
import { ACCESS_KEYS } from '../../src/principals';

/**
 * `npm run jobs` / `dlq:redrive` as a person operating `environment` runs them, against the emulator: the commands'
 * own code, with clients that sign as that environment's operator (so the recorded calls are checked against the
 * operators' policy). `close()` ends the clients' connections.
 */
export function asOperator(endpoint: string, environment: string): { readonly deps: CommandDeps; close(): void } {
  const credentials = { accessKeyId: ACCESS_KEYS.operator(environment), secretAccessKey: 'test' };
  const open: OpsClients[] = [];
  const clients = (region: string): OpsClients => {
    const config = { region, endpoint, credentials };
    const made = { ddb: DynamoDBDocumentClient.from(new DynamoDBClient(config)), sqs: new SQSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }) };
    open.push(made);
    return made;
  };
  return {
    deps: { now: () => new Date(), clients, env: { AWS_ENDPOINT_URL: endpoint } },
    close: () => open.splice(0).forEach((made) => Object.values(made).forEach((client) => client.destroy())),
  };
}
