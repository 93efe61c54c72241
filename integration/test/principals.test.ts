import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACCESS_KEYS, asRole, PlatformPolicies, principalOf, terraformAgent } from '../src/principals';
import type { AwsCall } from '../src/recordedCall';

const call = (accessKeyId: string, userAgent = 'aws-sdk-js/3'): AwsCall => ({
  accessKeyId,
  userAgent,
  region: 'us-east-1',
  service: 's3',
  operation: 'HeadBucket',
  params: {},
  method: 'HEAD',
  url: 'http://127.0.0.1:5000/b',
});
const TERRAFORM = 'APN/1.0 HashiCorp/1.0 Terraform/1.11.4 terraform-provider-aws/5.100.0';

test('each actor is told by its key, terraform by its User-Agent', () => {
  expect(principalOf(call('etl-function-eu-west-1'))).toEqual({ kind: 'etl-function', region: 'eu-west-1' });
  expect(principalOf(call('etl-mapping-us-east-1'))).toEqual({ kind: 'etl-mapping', region: 'us-east-1' });
  expect(principalOf(call(asRole('deploy-staging').AWS_ACCESS_KEY_ID!))).toEqual({ kind: 'deploy', environment: 'staging' });
  expect(principalOf(call('test', `${TERRAFORM} ${terraformAgent('plan')}`))).toEqual({ kind: 'plan' });
  expect(principalOf(call('test', `${TERRAFORM} ${terraformAgent('copies')}`))).toEqual({ kind: 'copies' });
  expect(principalOf(call(asRole('copies').AWS_ACCESS_KEY_ID!))).toEqual({ kind: 'copies' });
  expect(principalOf(call('test', `${TERRAFORM} ${terraformAgent('administrator')}`))).toEqual({ kind: 'administrator' });
  expect(principalOf(call(ACCESS_KEYS.operator('prod')))).toEqual({ kind: 'operator', environment: 'prod' });
  expect(principalOf(call('test'))).toEqual({ kind: 'harness' });
});

test('a terraform call without a role, or a key nobody has, fails the check instead of passing unchecked', () => {
  expect(() => principalOf(call('test', TERRAFORM))).toThrow('without a role: run terraform with TF_APPEND_USER_AGENT=analytics-principal/deploy-<env>');
  expect(() => principalOf(call('AKIAREAL'))).toThrow('signed with AKIAREAL: no principal has that key');
  expect(() => principalOf(call('test', `${TERRAFORM} analytics-principal/root`))).toThrow('terraform ran as "root": not a principal');
});

test("the copies' principal is the bootstrap's copies' deploy role, an operator has the environment's operators' policy", () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'principals-'));
  try {
    const policies = new PlatformPolicies('dev', outdir);
    const copies = policies.principal({ kind: 'copies' });
    expect(copies).toMatchObject({ name: "copies' deploy role", arn: 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies' });
    expect(copies!.identityPolicies.map((p) => p.name).sort()).toEqual(['analytics-deploy-ephemeral-copies-1', 'analytics-deploy-ephemeral-copies-2', 'analytics-deploy-ephemeral-copies-3']);
    const operator = policies.principal({ kind: 'operator', environment: 'dev' });
    expect(operator).toMatchObject({ name: 'operator (dev)', identityPolicies: [{ name: 'analytics-operator-dev' }] });
    expect(() => policies.principal({ kind: 'operator', environment: 'prod' })).toThrow('operator of prod: only dev was synthesized');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
