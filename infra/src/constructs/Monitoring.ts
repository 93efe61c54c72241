import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly region: string;
  readonly dashboardName: string;
  readonly topicName: string;
  readonly alarmNames: { etlErrors: string; queueDepth: string; oldestMessage: string; deadLetter: string };
  readonly functionName: string;
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** Errors in 10 minutes above which the errors alarm fires (the seed's rule: 5). */
  readonly lambdaErrorsThreshold: number;
  /** Visible messages above which the backlog alarm fires. */
  readonly queueDepthThreshold: number;
  /** Age in seconds of the oldest queued message above which the latency alarm fires. */
  readonly oldestMessageAgeThreshold: number;
  /** Subscribed to the alarm topic by e-mail. @default none */
  readonly alarmEmails?: readonly string[];
}

type AlarmSpec = Pick<CloudwatchMetricAlarmConfig, 'alarmName' | 'alarmDescription' | 'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'period' | 'threshold'>;

/** The region's dashboard and its four alarms, which notify the region's alarm topic on ALARM and OK. */
export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and alarm
    // notifications carry no data (waiver documented in docs/security.md, like the other customer-managed-key ones).
    this.topic = new SnsTopic(this, 'alarm-topic', { name: props.topicName });
    (props.alarmEmails ?? []).forEach((email, index) => {
      new SnsTopicSubscription(this, `alarm-email-${index}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    });

    const lambda = { namespace: 'AWS/Lambda', dimensions: { FunctionName: props.functionName } };
    const queue = { namespace: 'AWS/SQS', dimensions: { QueueName: props.queueName } };
    const specs: AlarmSpec[] = [
      {
        ...lambda,
        alarmName: props.alarmNames.etlErrors,
        alarmDescription: `ETL errors > ${props.lambdaErrorsThreshold} in 10 minutes`,
        metricName: 'Errors',
        statistic: 'Sum',
        period: 600,
        threshold: props.lambdaErrorsThreshold,
      },
      {
        ...queue,
        alarmName: props.alarmNames.queueDepth,
        alarmDescription: `More than ${props.queueDepthThreshold} files waiting for the ETL`,
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        period: 300,
        threshold: props.queueDepthThreshold,
      },
      {
        ...queue,
        alarmName: props.alarmNames.oldestMessage,
        alarmDescription: `A file has waited more than ${props.oldestMessageAgeThreshold} s for the ETL`,
        metricName: 'ApproximateAgeOfOldestMessage',
        statistic: 'Maximum',
        period: 300,
        threshold: props.oldestMessageAgeThreshold,
      },
      {
        namespace: 'AWS/SQS',
        dimensions: { QueueName: props.deadLetterQueueName },
        alarmName: props.alarmNames.deadLetter,
        alarmDescription: 'Messages in the dead-letter queue: inspect, fix, then redrive',
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        period: 60,
        threshold: 0,
      },
    ];
    this.alarms = specs.map(
      (spec) =>
        new CloudwatchMetricAlarm(this, spec.alarmName, {
          ...spec,
          comparisonOperator: 'GreaterThanThreshold',
          evaluationPeriods: 1,
          treatMissingData: 'notBreaching',
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
        }),
    );

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify(dashboardBody(props)),
    });
  }
}

function dashboardBody(props: MonitoringProps) {
  const metric = (namespace: string, name: string, dimension: string, value: string, stat: string) => [namespace, name, dimension, value, { stat }];
  const etl = (name: string, stat: string) => metric('AWS/Lambda', name, 'FunctionName', props.functionName, stat);
  const sqs = (queueName: string, name: string) => metric('AWS/SQS', name, 'QueueName', queueName, 'Maximum');
  const widget = (title: string, metrics: unknown[][], index: number) => ({
    type: 'metric',
    x: (index % 2) * 12,
    y: Math.floor(index / 2) * 6,
    width: 12,
    height: 6,
    properties: { title, region: props.region, view: 'timeSeries', stacked: false, period: 300, metrics },
  });
  return {
    widgets: [
      widget('ETL invocations and errors', [etl('Invocations', 'Sum'), etl('Errors', 'Sum')], 0),
      widget('ETL duration (ms)', [etl('Duration', 'Average'), etl('Duration', 'p99')], 1),
      widget('ETL throttles', [etl('Throttles', 'Sum')], 2),
      widget('Queue depth', [sqs(props.queueName, 'ApproximateNumberOfMessagesVisible')], 3),
      widget('Oldest message age (s)', [sqs(props.queueName, 'ApproximateAgeOfOldestMessage')], 4),
      widget('Dead-letter queue depth', [sqs(props.deadLetterQueueName, 'ApproximateNumberOfMessagesVisible')], 5),
    ],
  };
}
