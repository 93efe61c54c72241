import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Construct } from 'constructs';
import path from 'node:path';
import type { EtlArtifact } from '../config/etlArtifact';
import { DUCKDB_SPILL_MIB, ephemeralStorageMib } from './etlFunctionStorage';
import { policyDocument, serviceTrustPolicy } from './policyDocument';
import { SharedFile } from './SharedFile';

export interface EtlFunctionProps {
  readonly account: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly logGroupName: string;
  /** The built ETL package (zip + manifest). */
  readonly artifact: EtlArtifact;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly queueArn: string;
  readonly timeoutSeconds: number;
  /** Upper bound on concurrent ETL runs in this region. */
  readonly reservedConcurrency: number;
  /** Concurrency the SQS poller may use; at most reservedConcurrency so no receive is throttled. */
  readonly maxConcurrency: number;
  readonly batchSize: number;
  /**
   * MB; also sets the CPU share (1,769 MB = one vCPU). Lambda tells the code in AWS_LAMBDA_FUNCTION_MEMORY_SIZE (set
   * by the service itself, a reserved name), from which the ETL sizes DuckDB's memory_limit.
   */
  readonly memorySize: number;
  /**
   * Largest file the function takes, in bytes of text (after gunzip): MAX_OBJECT_BYTES; larger ones fail as
   * OBJECT_TOO_LARGE. With parallelRecords it sizes the function's ephemeral storage (/tmp), where DuckDB works:
   *
   *   ephemeral storage (MiB) = parallelRecords × STAGED_COPIES × maxObjectBytes / 1 MiB + DUCKDB_SPILL_MIB
   *
   * Each job holds at most STAGED_COPIES times its text there at once — the staged source, its JSON Lines rewrite
   * (JSON Lines only) and the Parquet file (zstd Parquet is smaller than its text: 0.29× on the bench CSV) — and DuckDB's
   * spill files come on top (temp_directory, shared by the jobs). Lambda allows at most 10,240 MiB; the environment
   * schema refuses limits that need more.
   */
  readonly maxObjectBytes: number;
  /** Files of one batch processed at the same time (MAX_PARALLEL_RECORDS): each stages its own copies in /tmp. */
  readonly parallelRecords: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Whether the queue mapping polls. Off only where the platform cannot run the code (moto), so the messages wait
   * for a harness that plays the mapping instead. @default true
   */
  readonly eventSourceEnabled?: boolean;
}

export const ETL_RUNTIME = 'nodejs22.x';
export const ETL_HANDLER = 'index.handler';

const MIB = 1024 ** 2;

/**
 * The largest zip Lambda takes with the function itself (terraform `filename`; CreateFunction refuses a request over
 * 69,905,067 bytes, which is 50 MiB in base64). The ETL zip with DuckDB's binding is ~24 MB.
 */
export const DIRECT_UPLOAD_MAX_BYTES = 50 * MIB;

/**
 * The ETL Lambda in the private subnets, its log group (created here so retention applies from the first line),
 * its least-privilege role, and the SQS event source mapping that reports partial batch failures.
 */
export class EtlFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly eventSourceMapping: LambdaEventSourceMapping;

  constructor(scope: Construct, id: string, props: EtlFunctionProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', { name: props.logGroupName, retentionInDays: props.logRetentionDays ?? 30 });

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com', props.account),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'etl-least-privilege',
      role: this.role.id,
      policy: policyDocument(
        {
          Sid: 'ConsumeQueue',
          Effect: 'Allow',
          // what the event source mapping polls with (the function itself never calls SQS)
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: props.queueArn,
        },
        // every read names the version the event announced (GetObject with a version id is s3:GetObjectVersion)
        { Sid: 'ReadInput', Effect: 'Allow', Action: ['s3:GetObjectVersion'], Resource: `${props.bucketArn}/input/*` },
        {
          Sid: 'WriteOutputs',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Resource: [`${props.bucketArn}/processed/*`, `${props.bucketArn}/rejected/*`],
        },
        {
          Sid: 'JobLedger',
          Effect: 'Allow',
          // the ledger's conditional writes; Query is the operators' (npm run jobs). GetItem stays: a failed condition
          // returns the item (ReturnValuesOnConditionCheckFailure=ALL_OLD), a read whose authorization AWS does not document
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: props.tableArn,
        },
        { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${this.logGroup.arn}:*` },
        {
          // Lambda manages the function's ENIs in the VPC with these; AWS does not support resource-level
          // scoping for them (DescribeNetworkInterfaces/DescribeSubnets are describe-only, the others act on ENIs
          // Lambda creates), so the AWS-managed AWSLambdaVPCAccessExecutionRole grants them on "*" as well.
          Sid: 'VpcNetworkInterfaces',
          Effect: 'Allow',
          Action: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          Resource: '*',
        },
      ),
    });

    if (props.artifact.bytes > DIRECT_UPLOAD_MAX_BYTES) {
      throw new Error(
        `${props.artifact.zipPath} is ${props.artifact.bytes} bytes, more than the ${DIRECT_UPLOAD_MAX_BYTES} (50 MiB) Lambda takes ` +
          'uploaded with the function: make the zip smaller (etl/scripts/build.ts), or deploy it through an S3 object (s3_bucket, s3_key)',
      );
    }
    // one copy per synth, not per stack (24 MB each): <outdir>/assets/etl-<sha256, 16 digits>/<the zip's name>
    const code = new SharedFile(this, 'code', { source: props.artifact.zipPath, place: `etl-${props.artifact.sha256.slice(0, 16)}/${path.basename(props.artifact.zipPath)}` });
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: ETL_RUNTIME,
      handler: ETL_HANDLER,
      memorySize: props.memorySize,
      ephemeralStorage: { size: ephemeralStorageMib(props.maxObjectBytes, props.parallelRecords) },
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      filename: code.path,
      sourceCodeHash: props.artifact.base64Sha256,
      vpcConfig: { subnetIds: props.subnetIds, securityGroupIds: props.securityGroupIds },
      environment: {
        variables: {
          JOB_TABLE_NAME: props.tableName,
          RAW_BUCKET_NAME: props.bucketName,
          ETL_VERSION: props.artifact.version,
          // what the ephemeral storage is sized for, so the code and /tmp agree
          MAX_OBJECT_BYTES: String(props.maxObjectBytes),
          MAX_PARALLEL_RECORDS: String(props.parallelRecords),
          DUCKDB_SPILL_MB: String(DUCKDB_SPILL_MIB),
          POWERTOOLS_SERVICE_NAME: 'analytics-etl',
          POWERTOOLS_METRICS_NAMESPACE: 'AnalyticsPlatform',
        },
      },
      // CreateFunction checks the role can manage ENIs, so the policy must exist first
      dependsOn: [this.logGroup, policy],
    });

    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'queue-mapping', {
      eventSourceArn: props.queueArn,
      functionName: this.function.arn,
      batchSize: props.batchSize,
      enabled: props.eventSourceEnabled ?? true,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: props.maxConcurrency },
    });
  }
}
