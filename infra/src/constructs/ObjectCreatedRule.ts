import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { policyDocument } from './policyDocument';

export interface ObjectCreatedRuleProps {
  readonly ruleName: string;
  readonly bucketName: string;
  /** Only keys under this prefix start jobs, so the ETL's own `processed/` and `rejected/` writes never do. @default 'input/' */
  readonly keyPrefix?: string;
  readonly queue: SqsQueue;
  /** Where EventBridge puts events it could not deliver; the same DLQ as the queue's, so one redrive covers both. */
  readonly deadLetterQueue: SqsQueue;
  /** @default 24 hours */
  readonly maximumEventAgeSeconds?: number;
  /** @default 185 (EventBridge's maximum) */
  readonly maximumRetryAttempts?: number;
}

export const INPUT_PREFIX = 'input/';

/**
 * S3 "Object Created" on this bucket under `input/` → the work queue, with retries and a dead-letter target.
 * Owns both queue policies, admitting only this rule (aws:SourceArn), so no other rule or account can send.
 */
export class ObjectCreatedRule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ObjectCreatedRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: `S3 Object Created under ${props.keyPrefix ?? INPUT_PREFIX} in ${props.bucketName}`,
      eventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [props.bucketName] }, object: { key: [{ prefix: props.keyPrefix ?? INPUT_PREFIX }] } },
      }),
    });

    const onlyThisRule = (queue: SqsQueue) =>
      policyDocument({
        Sid: 'OnlyThisRegionsObjectCreatedRule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
      });
    const queuePolicy = new SqsQueuePolicy(this, 'queue-policy', { queueUrl: props.queue.url, policy: onlyThisRule(props.queue) });
    const deadLetterPolicy = new SqsQueuePolicy(this, 'dead-letter-policy', {
      queueUrl: props.deadLetterQueue.url,
      policy: onlyThisRule(props.deadLetterQueue),
    });

    new CloudwatchEventTarget(this, 'to-queue', {
      rule: this.rule.name,
      targetId: 'etl-queue',
      arn: props.queue.arn,
      retryPolicy: {
        maximumEventAgeInSeconds: props.maximumEventAgeSeconds ?? 24 * 3600,
        maximumRetryAttempts: props.maximumRetryAttempts ?? 185,
      },
      deadLetterConfig: { arn: props.deadLetterQueue.arn },
      dependsOn: [queuePolicy, deadLetterPolicy],
    });
  }
}
