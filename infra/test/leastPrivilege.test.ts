/**
 * The security claims of README as IAM decisions: what each role must NOT be able to do, simulated by
 * @cloud-copilot/iam-simulate against the policies synthesized for AWS (the bootstrap stack's plan and deploy roles,
 * the regional stacks' ETL roles, bucket, queue and gateway-endpoint policies). Each role also gets one call it must be
 * allowed, so a policy that denies everything cannot pass. What the platform really calls is proven allowed by the
 * integration suites over moto's request recorder (integration/test/support/recordedCalls.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth, synthBootstrap } from '../src/app';
import { bootstrapStackName, bootstrapStateKey } from '../src/bootstrap/BootstrapStack';
import { bootstrapAdministratorStatements } from '../src/bootstrap/permissions';
import { regionalNames } from '../src/config/names';
import { savedPlansPrefix } from '../src/constructs/StateStore';
import { stackName, stateKey } from '../src/stacks/RegionalStack';
import type { Authorization } from '../../integration/src/iamActions';
import { type Decision, simulate, type SimulatedPrincipal } from '../../integration/src/policySimulation';
import { type PolicyDocument, SynthesizedPolicies } from '../../integration/src/synthesizedPolicies';

const ACCOUNT = '123456789012';
const STATE_BUCKET = `arn:aws:s3:::analytics-tfstate-${ACCOUNT}`;
const names = (region: string, env: string) => regionalNames(region, env);
const bucket = (region: string, env: string) => `arn:aws:s3:::${names(region, env).bucket}`;
const table = (region: string, env: string) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${names(region, env).jobTable}`;
const fn = (region: string, env: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${names(region, env).etlFunction}`;

let outdir: string;
let principals: Record<'plan' | 'deployDev' | 'deployStaging' | 'deployProd' | 'etlUsEast1' | 'administrator', SimulatedPrincipal>;
let resourcePolicies: Map<string, PolicyDocument>;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'least-privilege-'));
  synth({ outdir });
  const { accounts } = synthBootstrap({ outdir });
  const bootstrap = new SynthesizedPolicies(path.join(outdir, 'stacks', bootstrapStackName(ACCOUNT)));
  const regional = new SynthesizedPolicies(path.join(outdir, 'stacks', stackName('dev', 'us-east-1')));
  const role = (stack: SynthesizedPolicies, roleName: string, name: string, extra: Partial<SimulatedPrincipal> = {}): SimulatedPrincipal => {
    const { arn, policies } = stack.role(roleName);
    return { name, arn, account: ACCOUNT, identityPolicies: policies, ...extra };
  };
  principals = {
    plan: role(bootstrap, 'analytics-plan', 'plan role'),
    deployDev: role(bootstrap, 'analytics-deploy-dev', 'deploy role (dev, ephemeral)'),
    deployStaging: role(bootstrap, 'analytics-deploy-staging', 'deploy role (staging)'),
    deployProd: role(bootstrap, 'analytics-deploy-prod', 'deploy role (prod)'),
    etlUsEast1: role(regional, names('us-east-1', 'dev').etlRole, 'ETL role (dev us-east-1)', { endpointPolicies: regional.endpointPolicies() }),
    administrator: {
      name: 'bootstrap administrator',
      arn: `arn:aws:iam::${ACCOUNT}:user/bootstrap-administrator`,
      account: ACCOUNT,
      identityPolicies: [{ name: 'bootstrap-administrator', policy: { Version: '2012-10-17', Statement: bootstrapAdministratorStatements(accounts[0]!, bootstrapStateKey(ACCOUNT)) } }],
    },
  };
  resourcePolicies = new Map([...bootstrap.resourcePolicies(), ...regional.resourcePolicies()]);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

interface Case {
  readonly why: string;
  readonly who: keyof typeof principals;
  readonly action: string;
  readonly resource: string;
  readonly region?: string;
  readonly context?: Authorization['context'];
  readonly plainHttp?: boolean;
}

const decide = async (c: Case): Promise<Decision> =>
  (
    await simulate({
      principal: principals[c.who],
      authorization: { action: c.action, resource: c.resource, context: c.context ?? {} },
      region: c.region ?? 'us-east-1',
      resourcePolicies,
      plainHttp: c.plainHttp,
    })
  ).decision;

const devTags = { 'aws:ResourceTag/Environment': 'dev', 'aws:ResourceTag/Application': 'analytics-platform' };
const prodTags = { 'aws:ResourceTag/Environment': 'prod', 'aws:ResourceTag/Application': 'analytics-platform' };
const everyRole = ['plan', 'deployDev', 'deployStaging', 'deployProd', 'etlUsEast1', 'administrator'] as const;

const MUST_DENY: readonly Case[] = [
  // the ETL: its own region's bucket, input/ read-only
  { why: "ETL reads another region's bucket", who: 'etlUsEast1', action: 's3:GetObject', resource: `${bucket('eu-west-1', 'dev')}/input/sales/a.csv`, region: 'eu-west-1' },
  { why: "ETL writes another region's outputs", who: 'etlUsEast1', action: 's3:PutObject', resource: `${bucket('eu-west-1', 'dev')}/processed/a.parquet`, region: 'eu-west-1' },
  { why: "ETL writes to another region's job table", who: 'etlUsEast1', action: 'dynamodb:PutItem', resource: table('eu-west-1', 'dev'), region: 'eu-west-1' },
  { why: 'ETL writes under input/', who: 'etlUsEast1', action: 's3:PutObject', resource: `${bucket('us-east-1', 'dev')}/input/sales/a.csv` },
  { why: 'ETL deletes a raw file', who: 'etlUsEast1', action: 's3:DeleteObject', resource: `${bucket('us-east-1', 'dev')}/input/sales/a.csv` },
  { why: 'ETL deletes its job table', who: 'etlUsEast1', action: 'dynamodb:DeleteTable', resource: table('us-east-1', 'dev') },
  // staging's deploy role: nothing of prod
  { why: "staging deploy role changes prod's bucket", who: 'deployStaging', action: 's3:PutBucketPolicy', resource: bucket('us-east-1', 'prod') },
  { why: "staging deploy role deletes prod's job table", who: 'deployStaging', action: 'dynamodb:DeleteTable', resource: table('us-east-1', 'prod') },
  { why: "staging deploy role updates prod's function", who: 'deployStaging', action: 'lambda:UpdateFunctionCode', resource: fn('us-east-1', 'prod') },
  { why: "staging deploy role passes prod's ETL role", who: 'deployStaging', action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/${names('us-east-1', 'prod').etlRole}`, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  { why: "staging deploy role changes prod's network", who: 'deployStaging', action: 'ec2:DeleteVpc', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0prod`, context: prodTags },
  { why: "staging deploy role reads prod's state", who: 'deployStaging', action: 's3:GetObject', resource: `${STATE_BUCKET}/${stateKey('prod', 'us-east-1')}` },
  { why: "staging deploy role writes prod's state", who: 'deployStaging', action: 's3:PutObject', resource: `${STATE_BUCKET}/${stateKey('prod', 'us-east-1')}` },
  { why: "staging deploy role reads prod's saved plans", who: 'deployStaging', action: 's3:GetObject', resource: `${STATE_BUCKET}/${savedPlansPrefix('prod')}dev-us-east-1/1-1.tfplan` },
  // the ephemeral copy's role (dev): nothing non-ephemeral
  { why: "ephemeral (dev) deploy role deletes prod's bucket", who: 'deployDev', action: 's3:DeleteBucket', resource: bucket('us-east-1', 'prod') },
  { why: "ephemeral (dev) deploy role empties staging's bucket", who: 'deployDev', action: 's3:DeleteObjectVersion', resource: `${bucket('us-east-1', 'staging')}/processed/a.parquet` },
  { why: "ephemeral (dev) deploy role writes staging's state", who: 'deployDev', action: 's3:PutObject', resource: `${STATE_BUCKET}/${stateKey('staging', 'us-east-1')}` },
  { why: "ephemeral (dev) deploy role changes staging's queue", who: 'deployDev', action: 'sqs:SetQueueAttributes', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:${names('us-east-1', 'staging').queue}` },
  // no workflow role (nor the ETL) reads the bootstrap state; only the administrator who applies it
  ...everyRole.filter((who) => who !== 'administrator').map((who): Case => ({ why: `${who} reads the bootstrap state`, who, action: 's3:GetObject', resource: `${STATE_BUCKET}/${bootstrapStateKey(ACCOUNT)}` })),
  // the job table of a non-ephemeral environment is deleted by no role, its own deploy role included (deletion protection too)
  ...everyRole.flatMap((who) => (['staging', 'prod'] as const).map((env): Case => ({ why: `${who} deletes ${env}'s job table`, who, action: 'dynamodb:DeleteTable', resource: table('us-east-1', env) }))),
  // the plan role writes nothing but saved plans
  { why: 'plan role writes a state', who: 'plan', action: 's3:PutObject', resource: `${STATE_BUCKET}/${stateKey('prod', 'us-east-1')}` },
  { why: 'plan role deletes a state lock', who: 'plan', action: 's3:DeleteObject', resource: `${STATE_BUCKET}/${stateKey('prod', 'us-east-1')}.tflock` },
  { why: 'plan role changes a bucket policy', who: 'plan', action: 's3:PutBucketPolicy', resource: bucket('us-east-1', 'prod') },
  { why: 'plan role writes a raw file', who: 'plan', action: 's3:PutObject', resource: `${bucket('us-east-1', 'prod')}/input/a.csv` },
  { why: 'plan role reads a raw file', who: 'plan', action: 's3:GetObject', resource: `${bucket('us-east-1', 'prod')}/input/a.csv` },
  { why: 'plan role updates a function', who: 'plan', action: 'lambda:UpdateFunctionCode', resource: fn('us-east-1', 'prod') },
  { why: 'plan role writes a role policy', who: 'plan', action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/${names('us-east-1', 'prod').etlRole}` },
  { why: 'plan role writes a job', who: 'plan', action: 'dynamodb:PutItem', resource: table('us-east-1', 'prod') },
  { why: 'plan role creates a VPC', who: 'plan', action: 'ec2:CreateVpc', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/new`, context: { 'aws:RequestTag/Environment': 'prod', 'aws:RequestTag/Application': 'analytics-platform' } },
  { why: 'plan role reads a key other than DynamoDB\'s managed one', who: 'plan', action: 'kms:DescribeKey', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
  { why: 'plan role decrypts with DynamoDB\'s managed key', who: 'plan', action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context: { 'kms:RequestAlias': 'alias/aws/dynamodb' } },
  { why: 'plan role sends to a queue', who: 'plan', action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:${names('us-east-1', 'prod').queue}` },
  // the bootstrap administrator's policy: the bootstrap stack's resources, not the platform's or anyone else's
  { why: 'bootstrap administrator deletes a raw bucket', who: 'administrator', action: 's3:DeleteBucket', resource: bucket('us-east-1', 'prod') },
  { why: 'bootstrap administrator writes a state', who: 'administrator', action: 's3:PutObject', resource: `${STATE_BUCKET}/${stateKey('prod', 'us-east-1')}` },
  { why: 'bootstrap administrator changes the ETL role', who: 'administrator', action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/${names('us-east-1', 'prod').etlRole}` },
  { why: 'bootstrap administrator creates another role', who: 'administrator', action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/admin` },
  // TLS only on the raw bucket, whoever asks
  { why: 'ETL reads input/ over plain HTTP', who: 'etlUsEast1', action: 's3:GetObject', resource: `${bucket('us-east-1', 'dev')}/input/sales/a.csv`, plainHttp: true },
  { why: 'ETL writes processed/ over plain HTTP', who: 'etlUsEast1', action: 's3:PutObject', resource: `${bucket('us-east-1', 'dev')}/processed/a.parquet`, plainHttp: true },
  { why: 'dev deploy role reads its bucket settings over plain HTTP', who: 'deployDev', action: 's3:GetBucketPolicy', resource: bucket('us-east-1', 'dev'), plainHttp: true },
];

/** One call per role that it must be allowed: the controls that keep the must-deny list from passing vacuously. */
const MUST_ALLOW: readonly Case[] = [
  { why: 'ETL reads its input', who: 'etlUsEast1', action: 's3:GetObjectVersion', resource: `${bucket('us-east-1', 'dev')}/input/sales/a.csv` },
  { why: 'ETL writes processed/', who: 'etlUsEast1', action: 's3:PutObject', resource: `${bucket('us-east-1', 'dev')}/processed/sales/a.parquet` },
  { why: 'plan role reads a state', who: 'plan', action: 's3:GetObject', resource: `${STATE_BUCKET}/${stateKey('prod', 'us-east-1')}` },
  { why: 'plan role saves a plan', who: 'plan', action: 's3:PutObject', resource: `${STATE_BUCKET}/${savedPlansPrefix('prod')}prod-us-east-1/1-1.tfplan` },
  { why: 'staging deploy role writes its state', who: 'deployStaging', action: 's3:PutObject', resource: `${STATE_BUCKET}/${stateKey('staging', 'us-east-1')}` },
  { why: 'prod deploy role updates its function', who: 'deployProd', action: 'lambda:UpdateFunctionCode', resource: fn('us-east-1', 'prod') },
  { why: 'dev (ephemeral) deploy role deletes its job table', who: 'deployDev', action: 'dynamodb:DeleteTable', resource: table('us-east-1', 'dev') },
  { why: 'bootstrap administrator creates the plan role', who: 'administrator', action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/analytics-plan` },
  { why: 'bootstrap administrator writes the bootstrap state', who: 'administrator', action: 's3:PutObject', resource: `${STATE_BUCKET}/${bootstrapStateKey(ACCOUNT)}` },
  { why: 'bootstrap administrator configures the state bucket', who: 'administrator', action: 's3:PutBucketVersioning', resource: STATE_BUCKET },
  { why: 'dev deploy role changes its tagged VPC', who: 'deployDev', action: 'ec2:ModifyVpcAttribute', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0dev`, context: devTags },
];

test.each(MUST_DENY.map((c) => [c.why, c] as const))('must deny: %s', async (_why, c) => {
  expect(await decide(c)).not.toBe('Allowed');
});

test.each(MUST_ALLOW.map((c) => [c.why, c] as const))('allowed (control): %s', async (_why, c) => {
  expect(await decide(c)).toBe('Allowed');
});

test('table: role → must-deny cases, denied', async () => {
  const rows = new Map<string, { cases: number; denied: number }>();
  for (const c of MUST_DENY) {
    const row = rows.get(principals[c.who].name) ?? { cases: 0, denied: 0 };
    row.cases++;
    if ((await decide(c)) !== 'Allowed') row.denied++;
    rows.set(principals[c.who].name, row);
  }
  console.log(['| role | must-deny cases | denied |', '|---|---:|---:|', ...[...rows].map(([name, r]) => `| ${name} | ${r.cases} | ${r.denied} |`)].join('\n'));
  expect([...rows.values()].every((r) => r.cases === r.denied)).toBe(true);
});
