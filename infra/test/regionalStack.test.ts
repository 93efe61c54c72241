/**
 * The synthesized Terraform JSON of every shipped environment × region, one test per requirement of the
 * foundation issue: removing a requirement from the constructs makes the matching test fail.
 */
import { subnetCidr, parseIpv4Cidr, type Ipv4Block } from '../src/config/cidr';
import { regionKey } from '../src/config/regions';
import { TerraformStack, Testing } from 'cdktf';
import { DIRECT_UPLOAD_MAX_BYTES, EtlFunction } from '../src/constructs/EtlFunction';
import { JOBS_BY_STATUS_INDEX } from '../src/constructs/JobTable';
import { devDefinition, writeEnvironments } from './support/environmentFixtures';
import { SynthesizedStack, policy, synthesizeStacks, type Json } from './support/synthesized';

const stacks = synthesizeStacks();
const ref = SynthesizedStack.ref;

test("an environment's etl.memoryMb is its ETL Lambda's memory", () => {
  const dev = devDefinition();
  dev.etl.memoryMb = 2048;
  const synthesized = synthesizeStacks({ environmentsDir: writeEnvironments({ dev }) });

  expect(synthesized.map((stack) => stack.one('aws_lambda_function').memory_size)).toEqual([2048, 2048, 2048]);
});

test("an environment's etl.maxObjectMb and etl.parallelRecords size the ETL Lambda's /tmp and reach its code", () => {
  const dev = devDefinition();
  dev.etl.maxObjectMb = 256;
  dev.etl.parallelRecords = 2;
  const functions = synthesizeStacks({ environmentsDir: writeEnvironments({ dev }) }).map((stack) => stack.one('aws_lambda_function'));

  // 2 files × 3 copies × 256 MiB + 1,024 MiB of DuckDB spill
  expect(functions.map((fn) => fn.ephemeral_storage)).toEqual(Array(3).fill({ size: 2560 }));
  for (const fn of functions) expect(fn.environment.variables).toMatchObject({ MAX_OBJECT_BYTES: String(256 * 1024 ** 2), MAX_PARALLEL_RECORDS: '2' });
});

test('an ETL zip larger than Lambda takes with the function (50 MiB) stops the synth and says what to do', () => {
  const arn = 'arn:aws:service:us-east-1:123456789012:x';
  const props = {
    account: '123456789012', functionName: 'f', roleName: 'r', logGroupName: 'l', subnetIds: ['s'], securityGroupIds: ['g'], bucketName: 'b', bucketArn: arn,
    tableName: 't', tableArn: arn, queueArn: arn, timeoutSeconds: 900, reservedConcurrency: 5, maxConcurrency: 2, batchSize: 1, memorySize: 1769,
    maxObjectBytes: 1024 ** 3, parallelRecords: 3,
  };
  // any file will do as the zip: only its stated size counts here
  const artifact = (bytes: number) => ({ version: '1.0.0', zipPath: __filename, sha256: 'a'.repeat(64), base64Sha256: 'b', bytes });

  expect(() => new EtlFunction(new TerraformStack(Testing.app(), 'over'), 'etl', { ...props, artifact: artifact(DIRECT_UPLOAD_MAX_BYTES + 1) })).toThrow(
    `${__filename} is 52428801 bytes, more than the 52428800 (50 MiB) Lambda takes uploaded with the function: make the zip smaller`,
  );
  expect(() => new EtlFunction(new TerraformStack(Testing.app(), 'at'), 'etl', { ...props, artifact: artifact(DIRECT_UPLOAD_MAX_BYTES) })).not.toThrow();
});

test('one stack per environment × region of the shipped environments', () => {
  expect(stacks.map((s) => s.name).sort()).toEqual(
    ['dev', 'prod', 'staging'].flatMap((env) => ['ap-southeast-1', 'eu-west-1', 'us-east-1'].map((r) => `${env}-${r}`)).sort(),
  );
});

describe.each(stacks.map((s) => [s.name, s] as const))('%s', (_name, s) => {
  const { region, environment: env } = s;
  const suffix = env.suffix;
  const regionDef = env.regions.find((r) => r.name === region)!;
  const bucket = () => s.one('aws_s3_bucket');
  const table = () => s.one('aws_dynamodb_table');
  const queue = () => s.one('aws_sqs_queue', (q) => q.name === `analytics-queue-${region}-${suffix}`);
  const dlq = () => s.one('aws_sqs_queue', (q) => q.name === `analytics-dlq-${region}-${suffix}`);
  const fn = () => s.one('aws_lambda_function');
  const rule = () => s.one('aws_cloudwatch_event_rule');
  const etlRole = () => s.one('aws_iam_role', (r) => r.name === `analytics-etl-${region}-${suffix}`);
  const etlPolicy = () => policy(s.one('aws_iam_role_policy', (p) => p.role === ref(etlRole(), 'id')).policy);
  const endpoint = (service: string) => s.one('aws_vpc_endpoint', (e) => e.service_name === `com.amazonaws.${region}.${service}`);

  describe('network', () => {
    test('VPC with the region CIDR', () => {
      expect(s.one('aws_vpc')).toMatchObject({ cidr_block: regionDef.cidr, tags: { Name: `analytics-vpc-${region}-${suffix}` } });
    });

    test('one private subnet per listed AZ (≥ 2), inside the VPC, no public IPs', () => {
      const subnets = Object.values(s.resources('aws_subnet'));
      expect(subnets.map((n) => n.availability_zone).sort()).toEqual([...regionDef.availabilityZones].sort());
      expect(subnets.length).toBeGreaterThanOrEqual(2);
      const vpcBlock = parseIpv4Cidr(regionDef.cidr) as Ipv4Block;
      subnets.forEach((subnet, i) => {
        expect(subnet.map_public_ip_on_launch).toBe(false);
        expect(subnet.vpc_id).toBe(ref(s.one('aws_vpc'), 'id'));
        expect(subnet.cidr_block).toBe(subnetCidr(vpcBlock, i));
      });
    });

    test('no internet gateway, NAT gateway, EIP or public route', () => {
      for (const type of ['aws_internet_gateway', 'aws_nat_gateway', 'aws_eip', 'aws_egress_only_internet_gateway', 'aws_route']) {
        expect(s.resources(type)).toEqual({});
      }
      expect(s.one('aws_route_table').route ?? []).toEqual([]);
    });

    test('default security group managed with no rules', () => {
      const sg = s.one('aws_default_security_group');
      expect(sg.vpc_id).toBe(ref(s.one('aws_vpc'), 'id'));
      expect(sg.ingress).toEqual([]);
      expect(sg.egress).toEqual([]);
    });

    test('ETL security group: no ingress, egress only HTTPS to the S3 and DynamoDB endpoint prefix lists', () => {
      const sg = s.one('aws_security_group');
      expect(sg.ingress).toEqual([]);
      expect(sg.egress).toHaveLength(1);
      const [egress] = sg.egress as Json[];
      expect(egress).toMatchObject({ from_port: 443, to_port: 443, protocol: 'tcp' });
      expect(egress!.cidr_blocks ?? []).toEqual([]);
      expect(egress!.prefix_list_ids.sort()).toEqual([ref(endpoint('s3'), 'prefix_list_id'), ref(endpoint('dynamodb'), 'prefix_list_id')].sort());
      expect(fn().vpc_config.security_group_ids).toEqual([ref(sg, 'id')]);
    });

    test.each(['s3', 'dynamodb'])('%s gateway endpoint on the private route table', (service) => {
      const e = endpoint(service);
      expect(e.vpc_endpoint_type).toBe('Gateway');
      expect(e.route_table_ids).toEqual([ref(s.one('aws_route_table'), 'id')]);
    });

    test('S3 endpoint policy admits only this region’s bucket', () => {
      const statements = policy(endpoint('s3').policy).Statement;
      expect(statements.every((st) => st.Effect === 'Allow')).toBe(true);
      expect(statements.flatMap((st) => [st.Resource].flat())).toEqual([`${ref(bucket(), 'arn')}/*`]);
    });

    test('DynamoDB endpoint policy admits only the ledger’s item calls on this region’s table', () => {
      const statements = policy(endpoint('dynamodb').policy).Statement;
      expect(statements.flatMap((st) => [st.Resource].flat())).toEqual([ref(table(), 'arn')]);
      expect(statements.flatMap((st) => st.Action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    });

    test('VPC flow logs to a CloudWatch log group kept 30 days', () => {
      const group = s.one('aws_cloudwatch_log_group', (g) => g.name === `/aws/vpc-flow-logs/analytics-vpc-${region}-${suffix}`);
      expect(group.retention_in_days).toBe(30);
      const flowLog = s.one('aws_flow_log');
      expect(flowLog).toMatchObject({ vpc_id: ref(s.one('aws_vpc'), 'id'), traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs', log_destination: ref(group, 'arn') });
      const role = s.one('aws_iam_role', (r) => r.name === `analytics-flowlog-${region}-${suffix}`);
      expect(flowLog.iam_role_arn).toBe(ref(role, 'arn'));
    });
  });

  describe('raw bucket', () => {
    const forBucket = (type: string) => s.one(type, (r) => r.bucket === ref(bucket(), 'id'));

    test('named analytics-bucket-<region>-<suffix>; emptied on destroy only when ephemeral', () => {
      expect(bucket().bucket).toBe(`analytics-bucket-${region}-${suffix}`);
      expect(bucket().force_destroy).toBe(env.ephemeral);
    });
    test('versioning enabled', () => {
      expect(forBucket('aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    });
    test('SSE-S3 encryption', () => {
      expect(forBucket('aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    });
    test('lifecycle: Glacier after 90 days, noncurrent versions expire, incomplete uploads aborted', () => {
      const [rule] = forBucket('aws_s3_bucket_lifecycle_configuration').rule as Json[];
      expect(rule!.status).toBe('Enabled');
      expect(rule!.transition).toEqual([{ days: 90, storage_class: 'GLACIER' }]);
      expect(rule!.noncurrent_version_expiration[0].noncurrent_days).toBeGreaterThan(0);
      expect(rule!.abort_incomplete_multipart_upload[0].days_after_initiation).toBeGreaterThan(0);
    });
    test('public access fully blocked', () => {
      expect(forBucket('aws_s3_bucket_public_access_block')).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    });
    test('ACLs disabled (bucket owner enforced)', () => {
      expect(forBucket('aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
    });
    test('bucket policy denies non-TLS requests on the bucket and its objects', () => {
      const deny = policy(forBucket('aws_s3_bucket_policy').policy).Statement.find((st) => st.Effect === 'Deny');
      expect(deny).toMatchObject({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': false } } });
      expect(deny!.Resource).toEqual([ref(bucket(), 'arn'), `${ref(bucket(), 'arn')}/*`]);
    });
    test('EventBridge notifications on', () => {
      expect(forBucket('aws_s3_bucket_notification').eventbridge).toBe(true);
    });
  });

  describe('ETL Lambda', () => {
    test('name, runtime nodejs22.x, 1769 MB (one vCPU, the default), handler', () => {
      expect(fn()).toMatchObject({ function_name: `analytics-etl-${region}-${suffix}`, runtime: 'nodejs22.x', memory_size: 1769, handler: 'index.handler' });
    });
    test("/tmp for the default limits: 3 files × 3 copies × 1 GiB + 1 GiB of DuckDB spill = Lambda's most, 10,240 MiB", () => {
      expect(fn().ephemeral_storage).toEqual({ size: 10_240 });
      expect(fn().environment.variables).toMatchObject({ MAX_OBJECT_BYTES: String(1024 ** 3), MAX_PARALLEL_RECORDS: '3', DUCKDB_SPILL_MB: '1024' });
    });
    test("the function's memory is not set as a variable: Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE (a reserved name) itself", () => {
      expect(fn().environment.variables).not.toHaveProperty('AWS_LAMBDA_FUNCTION_MEMORY_SIZE');
    });
    test('in the private subnets', () => {
      expect(fn().vpc_config.subnet_ids.sort()).toEqual(Object.keys(s.resources('aws_subnet')).map((id) => `\${aws_subnet.${id}.id}`).sort());
    });
    test('code is the built ETL zip with its source_code_hash', () => {
      expect(fn().filename).toMatch(/^\.\.\/\.\.\/assets\/.+\/analytics-etl-\d+\.\d+\.\d+\.zip$/);
      expect(fn().source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    });
    test('environment: table, bucket, ETL version', () => {
      expect(fn().environment.variables).toMatchObject({
        JOB_TABLE_NAME: ref(table(), 'name'),
        RAW_BUCKET_NAME: ref(bucket(), 'bucket'),
        ETL_VERSION: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
    });
    test('reserved concurrency from the environment', () => {
      expect(fn().reserved_concurrent_executions).toBe(env.etl.reservedConcurrency);
    });
    test('log group /aws/lambda/<function> kept 30 days, created before the function', () => {
      const group = s.one('aws_cloudwatch_log_group', (g) => g.name === `/aws/lambda/analytics-etl-${region}-${suffix}`);
      expect(group.retention_in_days).toBe(30);
      expect(fn().depends_on).toContain(group.address);
    });
  });

  describe('job table', () => {
    test('named analytics-jobs-<region>-<suffix>, on demand, hash key job_id', () => {
      expect(table()).toMatchObject({ name: `analytics-jobs-${region}-${suffix}`, billing_mode: 'PAY_PER_REQUEST', hash_key: 'job_id' });
    });
    test('point-in-time recovery and server-side encryption', () => {
      expect(table().point_in_time_recovery.enabled).toBe(true);
      expect(table().server_side_encryption.enabled).toBe(true);
    });
    test('GSI status + created_at answers "status S created between A and B"', () => {
      expect(table().global_secondary_index).toEqual([{ name: JOBS_BY_STATUS_INDEX, hash_key: 'status', range_key: 'created_at', projection_type: 'ALL' }]);
      expect(table().attribute).toEqual(expect.arrayContaining([{ name: 'status', type: 'S' }, { name: 'created_at', type: 'S' }]));
    });
    test('deletion protection unless ephemeral', () => {
      expect(table().deletion_protection_enabled).toBe(!env.ephemeral);
    });
  });

  describe('queues', () => {
    test('redrive to the DLQ after 3 receives', () => {
      expect(JSON.parse(queue().redrive_policy)).toEqual({ deadLetterTargetArn: ref(dlq(), 'arn'), maxReceiveCount: 3 });
    });
    test('SQS-managed SSE set explicitly on both', () => {
      expect(queue().sqs_managed_sse_enabled).toBe(true);
      expect(dlq().sqs_managed_sse_enabled).toBe(true);
    });
    test('visibility timeout ≥ 6 × the Lambda timeout', () => {
      expect(queue().visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * fn().timeout);
    });
    test('DLQ keeps messages 14 days', () => {
      expect(dlq().message_retention_seconds).toBe(14 * 24 * 3600);
    });
    test.each([
      ['queue', queue],
      ['dead-letter queue', dlq],
    ])('%s policy admits only this region’s EventBridge rule', (_label, which) => {
      const q = which();
      const statements = policy(s.one('aws_sqs_queue_policy', (p) => p.queue_url === ref(q, 'url')).policy).Statement;
      expect(statements).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: ref(q, 'arn'),
          Condition: { ArnEquals: { 'aws:SourceArn': ref(rule(), 'arn') } },
        }),
      ]);
    });
    test('event source mapping: ReportBatchItemFailures, batch size, maximum concurrency ≤ reserved', () => {
      const mapping = s.one('aws_lambda_event_source_mapping');
      expect(mapping.event_source_arn).toBe(ref(queue(), 'arn'));
      expect(mapping.function_name).toBe(ref(fn(), 'arn'));
      expect(mapping.function_response_types).toEqual(['ReportBatchItemFailures']);
      expect(mapping.enabled).toBe(true);
      expect(mapping.batch_size).toBe(env.etl.batchSize);
      expect(mapping.scaling_config.maximum_concurrency).toBe(env.etl.maxConcurrency);
      expect(mapping.scaling_config.maximum_concurrency).toBeLessThanOrEqual(fn().reserved_concurrent_executions);
    });
  });

  describe('events', () => {
    test('rule: S3 Object Created on this bucket under input/ only', () => {
      expect(JSON.parse(rule().event_pattern)).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [ref(bucket(), 'bucket')] }, object: { key: [{ prefix: 'input/' }] } },
      });
    });
    test('target: the queue, with a retry policy and the DLQ as dead-letter target', () => {
      const target = s.one('aws_cloudwatch_event_target');
      expect(target.rule).toBe(ref(rule(), 'name'));
      expect(target.arn).toBe(ref(queue(), 'arn'));
      expect(target.retry_policy.maximum_retry_attempts).toBeGreaterThan(0);
      expect(target.retry_policy.maximum_event_age_in_seconds).toBeGreaterThan(0);
      expect(target.dead_letter_config.arn).toBe(ref(dlq(), 'arn'));
    });
  });

  describe('monitoring', () => {
    const alarm = (name: string) => s.one('aws_cloudwatch_metric_alarm', (a) => a.alarm_name === `analytics-${name}-${region}-${suffix}`);

    test('dashboard shows invocations, errors, duration, throttles, queue depth, oldest message age, DLQ depth', () => {
      const dashboard = s.one('aws_cloudwatch_dashboard');
      expect(dashboard.dashboard_name).toBe(`analytics-monitoring-${region}-${suffix}`);
      const metrics = (JSON.parse(dashboard.dashboard_body).widgets as Json[]).flatMap((w) => w.properties.metrics as unknown[][]);
      const shown = metrics.map((m) => `${m[1]}:${m[3]}`);
      const fnName = `analytics-etl-${region}-${suffix}`;
      for (const metric of ['Invocations', 'Errors', 'Duration', 'Throttles']) expect(shown).toContain(`${metric}:${fnName}`);
      expect(shown).toContain(`ApproximateNumberOfMessagesVisible:analytics-queue-${region}-${suffix}`);
      expect(shown).toContain(`ApproximateAgeOfOldestMessage:analytics-queue-${region}-${suffix}`);
      expect(shown).toContain(`ApproximateNumberOfMessagesVisible:analytics-dlq-${region}-${suffix}`);
    });
    test('alarm: Lambda errors > 5 in 10 minutes', () => {
      expect(alarm('etl-errors')).toMatchObject({
        namespace: 'AWS/Lambda',
        metric_name: 'Errors',
        dimensions: { FunctionName: `analytics-etl-${region}-${suffix}` },
        statistic: 'Sum',
        period: 600,
        evaluation_periods: 1,
        threshold: 5,
        comparison_operator: 'GreaterThanThreshold',
      });
    });
    test('alarm: queue depth above the environment threshold', () => {
      expect(alarm('queue-depth')).toMatchObject({
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: `analytics-queue-${region}-${suffix}` },
        threshold: env.alarms.queueDepth,
        comparison_operator: 'GreaterThanThreshold',
      });
    });
    test('alarm: DLQ not empty', () => {
      expect(alarm('dlq-not-empty')).toMatchObject({
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: `analytics-dlq-${region}-${suffix}` },
        threshold: 0,
        comparison_operator: 'GreaterThanThreshold',
      });
    });
    test('alarm: oldest message too old', () => {
      expect(alarm('queue-oldest-message')).toMatchObject({
        metric_name: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: `analytics-queue-${region}-${suffix}` },
        threshold: env.alarms.oldestMessageAgeSeconds,
      });
    });
    test('every alarm notifies the region’s alarm topic', () => {
      const topic = s.one('aws_sns_topic');
      expect(topic.name).toBe(`analytics-alarms-${region}-${suffix}`);
      for (const a of Object.values(s.resources('aws_cloudwatch_metric_alarm'))) {
        expect(a.alarm_actions).toEqual([ref(topic, 'arn')]);
      }
    });
  });

  describe('IAM execution role', () => {
    const statement = (sid: string) => etlPolicy().Statement.find((st) => st.Sid === sid)!;

    test('assumable only by Lambda for this account', () => {
      const trust = policy(etlRole().assume_role_policy).Statement;
      expect(trust).toEqual([expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': env.account } } })]);
      expect(fn().role).toBe(ref(etlRole(), 'arn'));
    });
    test('SQS consume on this queue only', () => {
      expect(statement('ConsumeQueue')).toMatchObject({ Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']), Resource: ref(queue(), 'arn') });
    });
    test('S3 read under input/ only', () => {
      expect(statement('ReadInput').Resource).toBe(`${ref(bucket(), 'arn')}/input/*`);
      // the version the event announced, never the latest (GetObject with a version id is s3:GetObjectVersion)
      expect(statement('ReadInput').Action).toEqual(['s3:GetObjectVersion']);
    });
    test('S3 write under processed/ and rejected/ only', () => {
      expect(statement('WriteOutputs').Resource).toEqual([`${ref(bucket(), 'arn')}/processed/*`, `${ref(bucket(), 'arn')}/rejected/*`]);
      expect(statement('WriteOutputs').Action).toContain('s3:PutObject');
    });
    test('DynamoDB: the ledger’s item calls on this table only, no Query and no index (those are the operators’)', () => {
      expect(statement('JobLedger').Resource).toBe(ref(table(), 'arn'));
      expect(statement('JobLedger').Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    });
    test('logs on its own log group only', () => {
      const group = s.one('aws_cloudwatch_log_group', (g) => g.name === `/aws/lambda/analytics-etl-${region}-${suffix}`);
      expect(statement('OwnLogs').Resource).toBe(`${ref(group, 'arn')}:*`);
    });
    test('the only "*" resource is the VPC network-interface statement', () => {
      const wildcard = etlPolicy().Statement.filter((st) => [st.Resource].flat().includes('*'));
      expect(wildcard.map((st) => st.Sid)).toEqual(['VpcNetworkInterfaces']);
      expect(wildcard[0]!.Action.every((a: string) => a.startsWith('ec2:'))).toBe(true);
    });
  });

  describe('tags, outputs, state', () => {
    test('provider default_tags: environment, region, application, managed-by, ETL version, plus the environment’s tags', () => {
      const [provider] = s.json.provider.aws as Json[];
      expect(provider!.region).toBe(region);
      expect(provider!.default_tags[0].tags).toEqual({
        ...env.tags,
        Environment: env.name,
        Region: region,
        Application: 'analytics-platform',
        ManagedBy: 'cdktf',
        EtlVersion: fn().environment.variables.ETL_VERSION,
      });
    });
    test('outputs named as in the seed', () => {
      const key = regionKey(region);
      expect(Object.keys(s.json.output).sort()).toEqual(
        ['dynamodb_table_name', 'lambda_function_arn', 's3_bucket_name', 'sqs_dead_letter_queue_url', 'sqs_queue_url', 'vpc_id'].map((o) => `${o}_${key}`).sort(),
      );
      expect(s.json.output[`s3_bucket_name_${key}`].value).toBe(ref(bucket(), 'bucket'));
      expect(s.json.output[`lambda_function_arn_${key}`].value).toBe(ref(fn(), 'arn'));
      expect(s.json.output[`dynamodb_table_name_${key}`].value).toBe(ref(table(), 'name'));
      expect(s.json.output[`sqs_queue_url_${key}`].value).toBe(ref(queue(), 'url'));
      expect(s.json.output[`sqs_dead_letter_queue_url_${key}`].value).toBe(ref(dlq(), 'url'));
      expect(s.json.output[`vpc_id_${key}`].value).toBe(ref(s.one('aws_vpc'), 'id'));
    });
    test('S3 state backend, one key per environment × region, locked, in the environment’s state bucket', () => {
      expect(s.json.terraform.backend).toEqual({
        s3: { bucket: env.state.bucket, key: `analytics/${env.name}/${region}.tfstate`, region: env.state.region, encrypt: true, use_lockfile: true },
      });
    });
    test('the provider refuses any account but the environment’s', () => {
      expect(s.json.provider.aws[0].allowed_account_ids).toEqual([env.account]);
    });
    test('no data sources (plan works offline)', () => {
      expect(s.json.data ?? {}).toEqual({});
    });
    test('nothing refers to another region', () => {
      const others = ['us-east-1', 'eu-west-1', 'ap-southeast-1'].filter((r) => r !== region);
      const text = JSON.stringify({ resource: s.json.resource, output: s.json.output });
      for (const other of others) expect(text).not.toContain(other);
    });
  });
});
