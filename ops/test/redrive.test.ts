import path from 'node:path';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type MotoServer, startMotoServer } from '../../integration/src/motoServer';
import { createOpsClients } from '../src/clients';
import type { CommandDeps } from '../src/commands';
import { main } from '../src/main';
import { queueDepth, redriveMessages } from '../src/redrive';

const REGION = 'us-east-1';
const QUEUE = 'analytics-queue-us-east-1-dev';
const DLQ = 'analytics-dlq-us-east-1-dev';
const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');
const TARGET = ['--env', 'dev', '--region', REGION, '--environments', ENVIRONMENTS];

/** Bodies as EventBridge and S3 write them, plus characters a careless copy would mangle. */
const bodies = (count: number, tag: string): string[] =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({ 'detail-type': 'Object Created', source: 'aws.s3', detail: { object: { key: `input/sales/${tag}-${i}.csv`, note: 'ünïcødé "quoted" \\ back' } } }),
  );

describe('dlq:redrive against moto', () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let deps: CommandDeps;
  let queueUrl: string;
  let dlqUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    moto = await startMotoServer();
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    sqs = new SQSClient({ region: REGION });
    deps = { now: () => new Date(), clients: createOpsClients, env: process.env };
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    await moto?.stop();
  });

  // Fresh queues per test, wired as infra wires them (the queue's redrive policy points at the DLQ).
  beforeEach(async () => {
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: DLQ }))).QueueUrl ?? '';
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    queueUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: QUEUE, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } })))
        .QueueUrl ?? '';
  });

  afterEach(async () => {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlqUrl }));
  });

  async function putDeadLetters(messages: readonly string[]): Promise<void> {
    for (const body of messages) await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));
  }

  /** Receives (and leaves in flight) everything in the queue. */
  async function drain(url: string): Promise<string[]> {
    const received: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300, MessageAttributeNames: ['All'] }));
      if (Messages.length === 0) return received;
      received.push(...Messages.map((message) => message.Body ?? ''));
    }
  }

  it('moves every DLQ message to the queue with its body intact and leaves the DLQ empty', async () => {
    const sent = bodies(23, 'all'); // more than two batches of ten
    await putDeadLetters(sent);

    const result = await main(['dlq-redrive', ...TARGET], deps);

    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `Moved 23 messages from ${DLQ} to ${QUEUE} (us-east-1 at ${moto.endpoint}).\n${DLQ} now holds about 0 messages (0 in flight).\n`,
    });
    expect((await drain(queueUrl)).sort()).toEqual([...sent].sort());
    expect(await queueDepth(sqs, dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('moves at most --max messages and leaves the rest in the DLQ', async () => {
    const sent = bodies(7, 'max');
    await putDeadLetters(sent);

    const result = await main(['dlq-redrive', ...TARGET, '--max', '3'], deps);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`Moved 3 messages from ${DLQ} to ${QUEUE} (us-east-1 at ${moto.endpoint}).\nStopped at --max 3.\n${DLQ} now holds about 4 messages (0 in flight).\n`);
    const moved = await drain(queueUrl);
    const left = await drain(dlqUrl);
    expect(moved).toHaveLength(3);
    expect([...moved, ...left].sort()).toEqual([...sent].sort());
  });

  it('keeps message attributes (EventBridge puts the delivery error there)', async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"a":1}', MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' } } }),
    );

    expect(await redriveMessages(sqs, { sourceUrl: dlqUrl, destinationUrl: queueUrl })).toEqual({ moved: 1, notSent: [], notDeleted: [], reachedMax: false });

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }));
    expect(Messages[0]).toMatchObject({ Body: '{"a":1}', MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' } } });
  });

  it('says so when the DLQ is empty', async () => {
    const result = await main(['dlq-redrive', ...TARGET], deps);

    expect(result.stdout).toBe(`Moved 0 messages from ${DLQ} to ${QUEUE} (us-east-1 at ${moto.endpoint}).\n${DLQ} now holds about 0 messages (0 in flight).\n`);
  });

  it('deletes nothing it could not send, and makes it visible again at once', async () => {
    const sent = bodies(4, 'fail');
    await putDeadLetters(sent);

    const result = await redriveMessages(sqs, { sourceUrl: dlqUrl, destinationUrl: `${queueUrl}-does-not-exist` });

    expect(result.moved).toBe(0);
    expect(result.notSent).toHaveLength(4);
    expect(result.notSent[0]?.reason).toMatch(/QueueDoesNotExist|NonExistentQueue/);
    expect(await queueDepth(sqs, dlqUrl)).toEqual({ visible: 4, inFlight: 0 });
  });

  it('deletes only the messages of a batch that were sent, then stops', async () => {
    await putDeadLetters(bodies(12, 'partial'));
    // SQS may reject single entries of a batch; moto never does, so the second entry's send is reported failed here.
    const original = sqs.send.bind(sqs) as (command: unknown) => Promise<unknown>;
    const flaky = new SQSClient({ region: REGION });
    jest.spyOn(flaky, 'send').mockImplementation((async (command: unknown) => {
      if (!(command instanceof SendMessageBatchCommand)) return original(command);
      const entries = command.input.Entries ?? [];
      const result = (await original(new SendMessageBatchCommand({ ...command.input, Entries: entries.filter((entry) => entry.Id !== '1') }))) as object;
      return { ...result, Failed: [{ Id: '1', Code: 'InternalError', Message: 'try again', SenderFault: false }] };
    }) as never);

    const result = await redriveMessages(flaky, { sourceUrl: dlqUrl, destinationUrl: queueUrl });

    expect(result).toMatchObject({ moved: 9, notDeleted: [], reachedMax: false, notSent: [{ reason: 'InternalError: try again' }] });
    expect(await queueDepth(sqs, dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
    expect(await drain(queueUrl)).toHaveLength(9);
  });

  it('names the queue when it does not exist', async () => {
    const result = await main(['dlq-redrive', '--suffix', 'gone', '--region', REGION], deps);

    expect(result).toMatchObject({ exitCode: 1, stderr: 'error: queue analytics-dlq-us-east-1-gone not found; is the environment deployed in this region and account?\n' });
  });
});
