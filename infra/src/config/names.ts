/**
 * Every physical name the regional stack creates, `{type}-{region}-{suffix}`, with the limit AWS puts on it.
 * The environment schema checks each name against its limit, so a long suffix fails validation
 * instead of failing `terraform apply` in one region.
 */
export interface RegionalNames {
  vpc: string;
  bucket: string;
  etlFunction: string;
  etlRole: string;
  etlLogGroup: string;
  etlSecurityGroup: string;
  flowLogGroup: string;
  flowLogRole: string;
  jobTable: string;
  queue: string;
  deadLetterQueue: string;
  eventRule: string;
  dashboard: string;
  alarmTopic: string;
  etlErrorsAlarm: string;
  queueDepthAlarm: string;
  oldestMessageAlarm: string;
  deadLetterAlarm: string;
}

export function regionalNames(region: string, suffix: string): RegionalNames {
  const name = (type: string) => `analytics-${type}-${region}-${suffix}`;
  const etlFunction = name('etl');
  const vpc = name('vpc');
  return {
    vpc,
    bucket: name('bucket'),
    etlFunction,
    // IAM role names are account-wide, so the region stays in the name; same text as the function it serves
    etlRole: etlFunction,
    etlLogGroup: `/aws/lambda/${etlFunction}`,
    etlSecurityGroup: name('etl-sg'),
    flowLogGroup: `/aws/vpc-flow-logs/${vpc}`,
    flowLogRole: name('flowlog'),
    jobTable: name('jobs'),
    queue: name('queue'),
    deadLetterQueue: name('dlq'),
    eventRule: name('rule'),
    dashboard: name('monitoring'),
    alarmTopic: name('alarms'),
    etlErrorsAlarm: name('etl-errors'),
    queueDepthAlarm: name('queue-depth'),
    oldestMessageAlarm: name('queue-oldest-message'),
    deadLetterAlarm: name('dlq-not-empty'),
  };
}

/** AWS name-length limits (service quotas pages of S3, Lambda, IAM, SQS, EventBridge, SNS, CloudWatch). */
export const NAME_LIMITS: Record<keyof RegionalNames, { limit: number; what: string }> = {
  vpc: { limit: 255, what: 'VPC Name tag' },
  bucket: { limit: 63, what: 'S3 bucket name' },
  etlFunction: { limit: 64, what: 'Lambda function name' },
  etlRole: { limit: 64, what: 'IAM role name' },
  etlLogGroup: { limit: 512, what: 'log group name' },
  etlSecurityGroup: { limit: 255, what: 'security group name' },
  flowLogGroup: { limit: 512, what: 'log group name' },
  flowLogRole: { limit: 64, what: 'IAM role name' },
  jobTable: { limit: 255, what: 'DynamoDB table name' },
  queue: { limit: 80, what: 'SQS queue name' },
  deadLetterQueue: { limit: 80, what: 'SQS queue name' },
  eventRule: { limit: 64, what: 'EventBridge rule name' },
  dashboard: { limit: 255, what: 'CloudWatch dashboard name' },
  alarmTopic: { limit: 256, what: 'SNS topic name' },
  etlErrorsAlarm: { limit: 255, what: 'CloudWatch alarm name' },
  queueDepthAlarm: { limit: 255, what: 'CloudWatch alarm name' },
  oldestMessageAlarm: { limit: 255, what: 'CloudWatch alarm name' },
  deadLetterAlarm: { limit: 255, what: 'CloudWatch alarm name' },
};

/** Characters allowed in both S3 bucket names and Lambda function names, starting and ending alphanumeric. */
export const SUFFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
