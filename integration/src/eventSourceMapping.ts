import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { InvokeResult } from './functionRuntime';
import type { MappingSettings } from './synthesizedStack';

export interface EventSourceMappingOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly mapping: MappingSettings;
  readonly invoke: (event: SQSEvent) => Promise<InvokeResult>;
  /** One line per batch, for the local platform's console. */
  readonly onBatch?: (batch: BatchReport) => void;
}

export interface BatchReport {
  readonly received: number;
  readonly deleted: number;
  /** Message ids left on the queue: SQS makes them visible again after the visibility timeout. */
  readonly returned: readonly string[];
  readonly outcome: InvokeResult['kind'];
}

/** SQS returns at most this many messages per ReceiveMessage. */
const MAX_RECEIVE = 10;
/** Long polling keeps an idle loop cheap; short enough that stop() returns promptly. */
const WAIT_SECONDS = 1;

/**
 * Does what Lambda's SQS event source mapping does, for an emulator that cannot run Lambda (moto): receive up to the
 * mapping's batch size, invoke the function with an SQS event, delete what succeeded. Failed records are only left
 * alone; SQS's own visibility timeout and redrive policy (→ DLQ after maxReceiveCount) take it from there.
 */
export class EventSourceMapping {
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: EventSourceMappingOptions) {}

  /** Receives one batch (none when the queue is empty) and handles it. */
  async pollOnce(): Promise<BatchReport | undefined> {
    const messages = await this.receiveBatch();
    if (messages.length === 0) return undefined;
    const outcome = await this.options.invoke(this.event(messages));
    const failed = this.failedIds(messages, outcome);
    const succeeded = messages.filter((m) => !failed.has(m.MessageId!));
    if (succeeded.length > 0) {
      const result = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: succeeded.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      if (result.Failed?.length) throw new Error(`could not delete ${result.Failed.length} processed message(s): ${result.Failed[0]?.Message}`);
    }
    const report: BatchReport = { received: messages.length, deleted: succeeded.length, returned: [...failed], outcome: outcome.kind };
    this.options.onBatch?.(report);
    return report;
  }

  /** Polls until stop(); a failed poll is retried after a pause, as the Lambda service keeps polling too. */
  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        try {
          await this.pollOnce();
        } catch (error) {
          if (!this.stopping) onError(error);
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = undefined;
  }

  private async receiveBatch(): Promise<Message[]> {
    const { sqs, queueUrl, mapping } = this.options;
    const messages: Message[] = [];
    while (messages.length < mapping.batchSize) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(MAX_RECEIVE, mapping.batchSize - messages.length),
          WaitTimeSeconds: messages.length === 0 ? WAIT_SECONDS : 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      messages.push(...Messages);
      if (Messages.length === 0) break;
    }
    return messages;
  }

  private event(messages: readonly Message[]): SQSEvent {
    const { queueArn, region } = this.options;
    const records = messages.map(
      (m): SQSRecord => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: m.Attributes as unknown as SQSRecord['attributes'],
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      }),
    );
    return { Records: records };
  }

  /** Which records go back to the queue: those reported failed, or all of them when the invocation failed. */
  private failedIds(messages: readonly Message[], outcome: InvokeResult): Set<string> {
    const all = new Set(messages.map((m) => m.MessageId!));
    if (outcome.kind !== 'returned') return all;
    if (!this.options.mapping.reportsBatchItemFailures) return new Set();
    const failures = (outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | null)?.batchItemFailures;
    if (failures === undefined) return new Set();
    // Lambda treats a malformed response (an id not in the batch) as a failure of the whole batch.
    const ids = new Set(failures.map((f) => f.itemIdentifier));
    return [...ids].every((id) => all.has(id)) ? ids : all;
  }
}
