import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { COPY_STATE_PREFIX, copyStateKey, copyTags } from '../config/ephemeralCopy';
import type { EtlArtifact } from '../config/etlArtifact';
import type { Environment } from '../config/loadEnvironments';
import { regionalNames } from '../config/names';
import { regionKey, type RegionName } from '../config/regions';
import { EtlFunction } from '../constructs/EtlFunction';
import { EtlQueues } from '../constructs/EtlQueues';
import { JobTable } from '../constructs/JobTable';
import { Monitoring } from '../constructs/Monitoring';
import { Network } from '../constructs/Network';
import { ObjectCreatedRule } from '../constructs/ObjectCreatedRule';
import { RawBucket } from '../constructs/RawBucket';
import { providerTargetSettings, type DeployTarget } from './deployTarget';
import { stackName, stateKey } from './stackNames';
import { useLocalState, useS3State } from './stateBackend';

export interface RegionalStackProps {
  readonly environment: Environment;
  readonly region: RegionName;
  readonly artifact: EtlArtifact;
  readonly target: DeployTarget;
}

/** The Application tag on every resource; the deploy roles' EC2 permissions key on it (bootstrap/permissions.ts). */
export const APPLICATION_TAG = 'analytics-platform';

/** SQS redelivers a message only after this many Lambda timeouts (AWS guidance for SQS event sources). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

// also exported here, where the modules that build stacks (and their tests) have always found them
export { stackName, stateKey };

/** One isolated copy of the platform in one region of one environment; nothing in it refers to another region. */
export class RegionalStack extends TerraformStack {
  constructor(scope: Construct, props: RegionalStackProps) {
    const { environment: env, region, artifact, target } = props;
    super(scope, stackName(env.name, region));
    const regionDef = env.regions.find((r) => r.name === region);
    if (!regionDef) throw new Error(`${env.file}: region ${region} is not defined`);
    const names = regionalNames(region, env.suffix);

    this.configureState(env, region, target);
    new AwsProvider(this, 'aws', {
      region,
      defaultTags: [
        {
          tags: {
            ...env.tags,
            Application: APPLICATION_TAG,
            Environment: env.name,
            Region: region,
            ManagedBy: 'cdktf',
            EtlVersion: artifact.version,
            ...(env.copy ? copyTags(env.copy) : {}),
          },
        },
      ],
      ...providerTargetSettings(target, env.account),
    });

    const raw = new RawBucket(this, 'raw-bucket', {
      bucketName: names.bucket,
      forceDestroy: env.ephemeral,
      tlsOnlyPolicy: target.kind === 'aws' || target.evaluatesPolicyConditions,
    });
    const jobs = new JobTable(this, 'job-table', { tableName: names.jobTable, deletionProtection: !env.ephemeral });

    const network = new Network(this, 'network', {
      region,
      account: env.account,
      vpcName: names.vpc,
      cidr: regionDef.cidr,
      availabilityZones: regionDef.availabilityZones,
      flowLogGroupName: names.flowLogGroup,
      flowLogRoleName: names.flowLogRole,
      securityGroupName: names.etlSecurityGroup,
      endpointS3Statements: [
        {
          Sid: 'OnlyThisRegionsRawBucket',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload'],
          Resource: `${raw.bucket.arn}/*`,
        },
      ],
      endpointDynamodbStatements: [
        {
          Sid: 'OnlyThisRegionsJobTable',
          Effect: 'Allow',
          Principal: '*',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: jobs.table.arn,
        },
      ],
    });

    const queues = new EtlQueues(this, 'queues', {
      queueName: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * env.etl.timeoutSeconds,
    });

    const etl = new EtlFunction(this, 'etl', {
      account: env.account,
      functionName: names.etlFunction,
      roleName: names.etlRole,
      logGroupName: names.etlLogGroup,
      artifact,
      subnetIds: network.subnets.map((s) => s.id),
      securityGroupIds: [network.securityGroup.id],
      bucketName: raw.bucket.bucket,
      bucketArn: raw.bucket.arn,
      tableName: jobs.table.name,
      tableArn: jobs.table.arn,
      queueArn: queues.queue.arn,
      timeoutSeconds: env.etl.timeoutSeconds,
      memorySize: env.etl.memoryMb,
      maxObjectBytes: env.etl.maxObjectMb * 1024 ** 2,
      parallelRecords: env.etl.parallelRecords,
      reservedConcurrency: env.etl.reservedConcurrency,
      maxConcurrency: env.etl.maxConcurrency,
      batchSize: env.etl.batchSize,
      eventSourceEnabled: target.kind === 'aws' || target.runsLambda,
    });

    new ObjectCreatedRule(this, 'object-created', {
      ruleName: names.eventRule,
      bucketName: raw.bucket.bucket,
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
    });

    new Monitoring(this, 'monitoring', {
      region,
      dashboardName: names.dashboard,
      topicName: names.alarmTopic,
      alarmNames: {
        etlErrors: names.etlErrorsAlarm,
        queueDepth: names.queueDepthAlarm,
        oldestMessage: names.oldestMessageAlarm,
        deadLetter: names.deadLetterAlarm,
      },
      functionName: names.etlFunction,
      queueName: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      lambdaErrorsThreshold: env.alarms.lambdaErrors,
      queueDepthThreshold: env.alarms.queueDepth,
      oldestMessageAgeThreshold: env.alarms.oldestMessageAgeSeconds,
      alarmEmails: env.alarms.emails,
    });

    const key = regionKey(region);
    const output = (name: string, value: string, description: string) => {
      new TerraformOutput(this, `${name}_${key}`, { value, description }).overrideLogicalId(`${name}_${key}`);
    };
    output('s3_bucket_name', raw.bucket.bucket, 'Raw-data bucket; drop files under input/<dataset>/');
    output('lambda_function_arn', etl.function.arn, 'ETL function');
    output('dynamodb_table_name', jobs.table.name, 'Job ledger');
    output('sqs_queue_url', queues.queue.url, 'ETL work queue');
    output('sqs_dead_letter_queue_url', queues.deadLetterQueue.url, 'Messages the ETL failed 3 times; redrive with npm run dlq:redrive');
    output('vpc_id', network.vpc.id, 'Private VPC of this region');
  }

  private configureState(env: Environment, region: string, target: DeployTarget): void {
    // a copy's state is where the reaper finds it, on an emulator too; its workspace listing stays under its prefix
    if (env.copy) useS3State(this, env.state, copyStateKey(env.copy.suffix, region), { target, workspaceKeyPrefix: COPY_STATE_PREFIX.replace(/\/$/, '') });
    else if (target.kind === 'emulator') useLocalState(this);
    else useS3State(this, env.state, stateKey(env.name, region));
  }
}
