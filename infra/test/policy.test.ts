/**
 * Security policy over every synthesized stack (AWS FSBP / checkov controls that apply to this platform).
 * Unlike regionalStack.test.ts this does not know which construct made what: it scans all resources.
 */
import { SynthesizedStack, policy, synthesizeStacks, type Json } from './support/synthesized';

/** The VPC-access actions Lambda needs that AWS does not let you scope to a resource. */
const UNSCOPABLE_ACTIONS = new Set([
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
]);
const REQUIRED_TAGS = ['Environment', 'Region', 'Application', 'ManagedBy', 'EtlVersion'];
const ref = SynthesizedStack.ref;

function policyStatements(s: SynthesizedStack): { where: string; statement: Json }[] {
  return s.all().flatMap(([type, id, values]) =>
    ['policy', 'assume_role_policy']
      .filter((attribute) => typeof values[attribute] === 'string')
      .flatMap((attribute) => policy(values[attribute] as string).Statement.map((statement) => ({ where: `${type}.${id}.${attribute}`, statement }))),
  );
}

describe.each(synthesizeStacks().map((s) => [s.name, s] as const))('%s', (_name, s) => {
  const statements = policyStatements(s);

  test('has policies to check', () => {
    expect(statements.length).toBeGreaterThan(10);
  });

  test('no allowed IAM action contains "*"', () => {
    const offenders = statements.filter(({ statement }) => statement.Effect === 'Allow' && [statement.Action].flat().some((a: string) => a.includes('*')));
    expect(offenders).toEqual([]);
  });

  test('wildcard actions appear only in the TLS-only Deny', () => {
    const wildcardDenies = statements.filter(({ statement }) => [statement.Action].flat().some((a: string) => a.includes('*')));
    for (const { statement } of wildcardDenies) {
      expect(statement).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
    }
  });

  test('"*" resources only on the EC2 network-interface actions AWS cannot scope', () => {
    const offenders = statements.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        [statement.Resource].flat().includes('*') &&
        ![statement.Action].flat().every((a: string) => UNSCOPABLE_ACTIONS.has(a)),
    );
    expect(offenders).toEqual([]);
  });

  test('no Allow to principal "*" except gateway-endpoint policies (which only filter this VPC’s traffic)', () => {
    const offenders = statements.filter(({ where, statement }) => statement.Effect === 'Allow' && statement.Principal === '*' && !where.startsWith('aws_vpc_endpoint.'));
    expect(offenders).toEqual([]);
  });

  test.each(Object.keys(synthesizeStacks()[0]!.resources('aws_s3_bucket')))('bucket %s versioned, encrypted, public-access-blocked, TLS-only', (id) => {
    const bucket = { address: `aws_s3_bucket.${id}` };
    const of = (type: string) => Object.values(s.resources(type)).filter((r) => r.bucket === ref(bucket, 'id'));
    expect(of('aws_s3_bucket_versioning').map((v) => v.versioning_configuration.status)).toEqual(['Enabled']);
    expect(of('aws_s3_bucket_server_side_encryption_configuration')).toHaveLength(1);
    expect(of('aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    ]);
    const bucketPolicy = of('aws_s3_bucket_policy')[0];
    expect(policy(bucketPolicy!.policy).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } }),
    );
  });

  test('every bucket is covered by the checks above', () => {
    expect(Object.keys(s.resources('aws_s3_bucket'))).toEqual(Object.keys(synthesizeStacks()[0]!.resources('aws_s3_bucket')));
  });

  test('every DynamoDB table has PITR and server-side encryption', () => {
    const tables = Object.values(s.resources('aws_dynamodb_table'));
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      expect(table.point_in_time_recovery).toEqual({ enabled: true });
      expect(table.server_side_encryption).toEqual({ enabled: true });
    }
  });

  test('every log group has a retention', () => {
    const groups = Object.values(s.resources('aws_cloudwatch_log_group'));
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.retention_in_days).toBeGreaterThan(0);
  });

  test('every queue is encrypted', () => {
    const queues = Object.values(s.resources('aws_sqs_queue'));
    expect(queues.length).toBeGreaterThan(0);
    for (const queue of queues) expect(queue.sqs_managed_sse_enabled ?? Boolean(queue.kms_master_key_id)).toBe(true);
  });

  test('no security group admits traffic from anywhere; no subnet hands out public IPs', () => {
    for (const sg of Object.values(s.resources('aws_security_group'))) {
      expect(sg.ingress).toEqual([]);
      for (const egress of sg.egress as Json[]) expect(egress.cidr_blocks ?? []).toEqual([]);
    }
    for (const subnet of Object.values(s.resources('aws_subnet'))) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  test('every Lambda runs a supported runtime and is not public', () => {
    for (const fn of Object.values(s.resources('aws_lambda_function'))) expect(fn.runtime).toBe('nodejs22.x');
    expect(s.resources('aws_lambda_permission')).toEqual({});
    expect(s.resources('aws_lambda_function_url')).toEqual({});
  });

  test('every taggable resource is tagged through provider default_tags, and no resource overrides them', () => {
    const tags = s.json.provider.aws[0].default_tags[0].tags as Record<string, string>;
    for (const key of REQUIRED_TAGS) expect(tags[key]).toEqual(expect.any(String));
    for (const [type, id, values] of s.all()) {
      const overridden = Object.keys(values.tags ?? {}).filter((key) => REQUIRED_TAGS.includes(key));
      expect({ resource: `${type}.${id}`, overridden }).toEqual({ resource: `${type}.${id}`, overridden: [] });
    }
  });
});
