import {
  CreateTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type MotoServer, startMotoServer } from '../../../integration/src/motoServer';
import { type AwsClients, createClients } from '../../src/clients';
import { JOBS_BY_STATUS_INDEX } from '../../src/jobLedger';

export const REGION = 'us-east-1';
/** moto checks no signatures; fixed values keep real credentials of the machine away from the emulator. */
export const EMULATOR_ENV = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

export interface TestAws {
  readonly moto: MotoServer;
  readonly clients: AwsClients;
  /** A table with the job table's key schema and status index, as infra's JobTable creates it. */
  createJobTable(name: string): Promise<void>;
  /** A versioned bucket, like infra's RawBucket. */
  createRawBucket(name: string): Promise<void>;
}

/** moto on a free port and SDK clients pointed at it. */
export async function startTestAws(): Promise<TestAws> {
  Object.assign(process.env, EMULATOR_ENV);
  const moto = await startMotoServer();
  const clients = createClients({ endpoint: moto.endpoint });
  const dynamodb = new DynamoDBClient({ endpoint: moto.endpoint });
  return {
    moto,
    clients,
    async createJobTable(name) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{ AttributeName: 'job_id', KeyType: 'HASH' }],
          AttributeDefinitions: [
            { AttributeName: 'job_id', AttributeType: 'S' },
            { AttributeName: 'status', AttributeType: 'S' },
            { AttributeName: 'created_at', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: JOBS_BY_STATUS_INDEX,
              KeySchema: [
                { AttributeName: 'status', KeyType: 'HASH' },
                { AttributeName: 'created_at', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
    },
    async createRawBucket(name) {
      await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
      await clients.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
    },
  };
}

export interface PutResult {
  readonly versionId: string;
  readonly etag: string;
  readonly size: number;
}

export async function putObject(s3: S3Client, bucket: string, key: string, body: string | Uint8Array): Promise<PutResult> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  if (!put.VersionId || !put.ETag) throw new Error(`PutObject ${key}: no version id / etag (is the bucket versioned?)`);
  return { versionId: put.VersionId, etag: put.ETag.replaceAll('"', ''), size: bytes.byteLength };
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

/** Every version of the key, delete markers aside. */
export async function versionIds(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (listed.Versions ?? []).filter((version) => version.Key === key).map((version) => version.VersionId ?? '');
}

/** Keys of multipart uploads started and neither completed nor aborted. */
export async function pendingUploads(s3: S3Client, bucket: string): Promise<string[]> {
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (listed.Uploads ?? []).map((upload) => upload.Key ?? '');
}
