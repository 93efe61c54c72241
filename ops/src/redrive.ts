import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { OpsError } from './errors';

/*
 * Why receive → send → delete rather than SQS StartMessageMoveTask (the AWS-native DLQ redrive): moto 5.2.1, the
 * emulator the tests and local runs use, does not implement StartMessageMoveTask / ListMessageMoveTasks (it answers
 * with an HTML 404 page; tried). This loop works against any SQS endpoint, stops exactly at --max and reports every
 * message it could not move. A message is deleted from the DLQ only after the queue accepted its copy, so a failure
 * can duplicate a message (sent, then the delete failed) but never lose one; the ETL is idempotent per object version.
 * Redriving cannot loop within a run: a message that fails again returns to the DLQ only after 3 receives, each a
 * visibility timeout (6 × the ETL timeout) apart.
 */

export interface QueueDepth {
  /** Waiting to be received (approximate, as SQS reports it). */
  readonly visible: number;
  /** Received by someone and not yet deleted. */
  readonly inFlight: number;
}

export interface RedriveFailure {
  readonly messageId: string;
  readonly reason: string;
}

export interface RedriveResult {
  readonly moved: number;
  /** Not moved: still in the DLQ (made visible again at once). */
  readonly notSent: RedriveFailure[];
  /** Sent to the queue but still in the DLQ: a later redrive sends them again. */
  readonly notDeleted: RedriveFailure[];
  /** The run stopped at --max rather than because the DLQ was empty. */
  readonly reachedMax: boolean;
}

export interface RedriveOptions {
  readonly sourceUrl: string;
  readonly destinationUrl: string;
  /** Move at most this many; all when undefined. */
  readonly max?: number | undefined;
  /** Long poll of each receive; the run ends at the first receive that waited this long for nothing. */
  readonly waitTimeSeconds?: number;
  /** How long received messages stay hidden from other consumers while one batch is moved. */
  readonly visibilityTimeoutSeconds?: number;
}

const BATCH = 10; // the SQS maximum for receive, send batch and delete batch

export async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new OpsError(`queue ${name}: GetQueueUrl returned no URL`);
    return QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist) {
      throw new OpsError(`queue ${name} not found; is the environment deployed in this region and account?`);
    }
    throw error;
  }
}

export async function queueDepth(sqs: SQSClient, url: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/**
 * Moves messages, ten at a time, from `sourceUrl` to `destinationUrl` with the same body and message attributes.
 * Stops when the source is empty, at `max`, or after a batch in which something could not be moved (so a persistent
 * failure does not spin); what failed is in the result.
 */
export async function redriveMessages(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const notSent: RedriveFailure[] = [];
  const notDeleted: RedriveFailure[] = [];
  let moved = 0;

  while (moved < max) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.sourceUrl,
        MaxNumberOfMessages: Math.min(BATCH, max - moved),
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (messages.length === 0) break;

    const sent = await sendCopies(sqs, options, messages);
    notSent.push(...sent.failed);
    if (sent.failed.length > 0) await releaseQuietly(sqs, options.sourceUrl, messages, sent.failed);

    const deleted = await deleteOriginals(sqs, options.sourceUrl, sent.succeeded);
    notDeleted.push(...deleted.failed);
    moved += sent.succeeded.length;

    if (sent.failed.length > 0 || deleted.failed.length > 0) break;
  }
  return { moved, notSent, notDeleted, reachedMax: moved >= max };
}

interface BatchOutcome {
  readonly succeeded: Message[];
  readonly failed: RedriveFailure[];
}

async function sendCopies(sqs: SQSClient, options: RedriveOptions, messages: Message[]): Promise<BatchOutcome> {
  try {
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: options.destinationUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          MessageAttributes: message.MessageAttributes,
        })),
      }),
    );
    return splitOutcome(messages, result.Failed ?? []);
  } catch (error) {
    const reason = describe(error);
    return { succeeded: [], failed: messages.map((message) => ({ messageId: message.MessageId ?? '?', reason })) };
  }
}

async function deleteOriginals(sqs: SQSClient, sourceUrl: string, messages: Message[]): Promise<BatchOutcome> {
  if (messages.length === 0) return { succeeded: [], failed: [] };
  try {
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: sourceUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    return splitOutcome(messages, result.Failed ?? []);
  } catch (error) {
    const reason = describe(error);
    return { succeeded: [], failed: messages.map((message) => ({ messageId: message.MessageId ?? '?', reason })) };
  }
}

function splitOutcome(messages: Message[], failed: readonly { Id?: string | undefined; Code?: string | undefined; Message?: string | undefined }[]): BatchOutcome {
  const reasons = new Map(failed.map((entry) => [entry.Id, `${entry.Code ?? 'Failed'}: ${entry.Message ?? ''}`.trim()]));
  const outcome: BatchOutcome = { succeeded: [], failed: [] };
  messages.forEach((message, index) => {
    const reason = reasons.get(String(index));
    if (reason === undefined) outcome.succeeded.push(message);
    else outcome.failed.push({ messageId: message.MessageId ?? '?', reason });
  });
  return outcome;
}

/** Makes messages that were not sent visible in the DLQ again now rather than after the visibility timeout. */
async function releaseQuietly(sqs: SQSClient, sourceUrl: string, messages: Message[], failed: readonly RedriveFailure[]): Promise<void> {
  const ids = new Set(failed.map((failure) => failure.messageId));
  const entries = messages
    .filter((message) => ids.has(message.MessageId ?? '?'))
    .map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
  try {
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: sourceUrl, Entries: entries }));
  } catch {
    // They become visible anyway when the visibility timeout ends.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
