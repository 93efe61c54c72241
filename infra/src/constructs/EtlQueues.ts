import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';

export interface EtlQueuesProps {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** At least 6× the ETL timeout, so a message is not redelivered while a run may still hold it. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ. @default 3 (the platform's retry limit) */
  readonly maxReceiveCount?: number;
  /** @default 14 days, the SQS maximum, so operators have time to redrive */
  readonly deadLetterRetentionSeconds?: number;
}

export const DEFAULT_MAX_RECEIVE_COUNT = 3;
const FOURTEEN_DAYS = 14 * 24 * 3600;

/**
 * The work queue between EventBridge and the ETL, and its dead-letter queue. Both SQS-managed SSE.
 * Who may send is set by the rule that feeds them (see ObjectCreatedRule), which knows the rule's ARN.
 */
export class EtlQueues extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: EtlQueuesProps) {
    super(scope, id);
    this.deadLetterQueue = new SqsQueue(this, 'dead-letter-queue', {
      name: props.deadLetterQueueName,
      messageRetentionSeconds: props.deadLetterRetentionSeconds ?? FOURTEEN_DAYS,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT }),
    });
  }
}
