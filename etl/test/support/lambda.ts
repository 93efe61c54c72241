import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { REGION } from './aws';

export const ACCOUNT = '123456789012';

/** A Lambda context; `remainingMs` answers getRemainingTimeInMillis (default: a 5-minute budget from now). */
export function lambdaContext(remainingMs?: () => number): Context {
  const deadline = Date.now() + 300_000;
  const unused = (): never => {
    throw new Error('callback-style completion is not used');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'analytics-etl-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:analytics-etl-test`,
    memoryLimitInMB: '1024',
    awsRequestId: `request-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/analytics-etl-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: remainingMs ?? (() => deadline - Date.now()),
    done: unused,
    fail: unused,
    succeed: unused,
  };
}

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId: string;
  /** @default now */
  readonly time?: string;
}

/** The body EventBridge puts on the queue for an S3 "Object Created" event (key NOT URL-encoded). */
export function objectCreatedBody(object: CreatedObject): string {
  const time = object.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({
    version: '0',
    id: `17793124-05d4-b198-2fde-${Math.random().toString(16).slice(2, 14)}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: '0',
      bucket: { name: object.bucket },
      object: {
        key: object.key,
        size: object.size,
        etag: object.etag,
        'version-id': object.versionId,
        sequencer: '00617F08299329D189',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: ACCOUNT,
      'source-ip-address': '203.0.113.15',
      reason: 'PutObject',
    },
  });
}

let messageCounter = 0;

/** An SQS batch as the event source mapping delivers it; each message gets a fresh messageId. */
export function sqsEvent(...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body): SQSRecord => {
      messageCounter += 1;
      return {
        messageId: `message-${messageCounter}`,
        receiptHandle: `receipt-${messageCounter}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:analytics-queue-test`,
        awsRegion: REGION,
      };
    }),
  };
}
