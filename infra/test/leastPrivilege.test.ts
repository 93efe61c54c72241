/**
 * The security claims of README as IAM decisions: what each role must NOT be able to do, simulated by
 * @cloud-copilot/iam-simulate against the policies synthesized for AWS (the bootstrap stack's plan and deploy roles,
 * the regional stacks' ETL roles, bucket, queue and gateway-endpoint policies; the on-demand copies' deploy role). Each role also gets one call it must be
 * allowed, so a policy that denies everything cannot pass. What the platform really calls is proven allowed by the
 * integration suites over moto's request recorder (integration/test/support/recordedCalls.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth, synthBootstrap } from '../src/app';
import { bootstrapStackName, bootstrapStateKey } from '../src/bootstrap/BootstrapStack';
import { operatorPolicyName } from '../src/bootstrap/operatorPermissions';
import { bootstrapAdministratorStatements, copiesDeployRoleStatements } from '../src/bootstrap/permissions';
import { COPY_DEPLOY_ROLE_NAME, copyRecordKey, copyStateKey } from '../src/config/ephemeralCopy';
import { regionalNames } from '../src/config/names';
import { appliedCommitsPrefix, savedPlansPrefix } from '../src/constructs/stateStoreKeys';
import { stackName, stateKey } from '../src/stacks/stackNames';
import type { Authorization } from '../../integration/src/iamActions';
import { type Decision, simulate, type SimulatedPrincipal } from '../../integration/src/policySimulation';
import { type PolicyDocument, SynthesizedPolicies } from '../../integration/src/synthesizedPolicies';

const ACCOUNT = '123456789012';
const STATE_BUCKET = `arn:aws:s3:::analytics-tfstate-${ACCOUNT}`;
const names = (region: string, env: string) => regionalNames(region, env);
const bucket = (region: string, env: string) => `arn:aws:s3:::${names(region, env).bucket}`;
const table = (region: string, env: string) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${names(region, env).jobTable}`;
const fn = (region: string, env: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${names(region, env).etlFunction}`;
const queue = (region: string, env: string) => `arn:aws:sqs:${region}:${ACCOUNT}:${names(region, env).queue}`;
const iamRole = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ec2 = (region: string, resource: string) => `arn:aws:ec2:${region}:${ACCOUNT}:${resource}`;
const LOCK_TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/analytics-tflock`;
/** A copy of the dev template (environments/dev), as `gitops copy` would name one. */
const COPY = 'eph-pr-42';

let outdir: string;
let principals: Record<
  'plan' | 'deployDev' | 'deployStaging' | 'deployProd' | 'deployCopies' | 'deployCopiesLockTable' | 'etlUsEast1' | 'administrator' | 'operatorStaging',
  SimulatedPrincipal
>;
let resourcePolicies: Map<string, PolicyDocument>;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'least-privilege-'));
  // the environments whose regional stacks are read below; the bootstrap stack covers every environment
  synth({ outdir, environments: ['dev', 'staging'] });
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
    deployCopies: role(bootstrap, COPY_DEPLOY_ROLE_NAME, "copies' deploy role"),
    // the shipped environments use S3 lockfiles; the same account with a DynamoDB lock table named
    deployCopiesLockTable: {
      name: "copies' deploy role (lock table)",
      arn: `arn:aws:iam::${ACCOUNT}:role/${COPY_DEPLOY_ROLE_NAME}`,
      account: ACCOUNT,
      identityPolicies: [
        { name: 'copies-lock-table', policy: { Version: '2012-10-17', Statement: copiesDeployRoleStatements({ ...accounts[0]!, state: { ...accounts[0]!.state, lockTable: 'analytics-tflock' } }) } },
      ],
    },
    etlUsEast1: role(regional, names('us-east-1', 'dev').etlRole, 'ETL role (dev us-east-1)', { endpointPolicies: regional.endpointPolicies() }),
    // a person's role with the operators' policy of staging attached
    operatorStaging: {
      name: 'operator (staging)',
      arn: `arn:aws:iam::${ACCOUNT}:role/staging-operators`,
      account: ACCOUNT,
      identityPolicies: [bootstrap.managedPolicy(operatorPolicyName('staging'))],
    },
    administrator: {
      name: 'bootstrap administrator',
      arn: `arn:aws:iam::${ACCOUNT}:user/bootstrap-administrator`,
      account: ACCOUNT,
      identityPolicies: [{ name: 'bootstrap-administrator', policy: { Version: '2012-10-17', Statement: bootstrapAdministratorStatements(accounts[0]!, bootstrapStateKey(ACCOUNT)) } }],
    },
  };
  // staging's too: the operator cases are staging's
  const staging = new SynthesizedPolicies(path.join(outdir, 'stacks', stackName('staging', 'us-east-1')));
  resourcePolicies = new Map([...bootstrap.resourcePolicies(), ...regional.resourcePolicies(), ...staging.resourcePolicies()]);
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
const everyRole = ['plan', 'deployDev', 'deployStaging', 'deployProd', 'deployCopies', 'etlUsEast1', 'administrator'] as const;
const tagged = (key: 'aws:RequestTag' | 'aws:ResourceTag', environment: string) => ({ [`${key}/Environment`]: environment, [`${key}/Application`]: 'analytics-platform' });
/** A create's tags as the request carries them. */
const creating = (environment: string) => ({ ...tagged('aws:RequestTag', environment), 'aws:TagKeys': ['Environment', 'Application'] });

/** The copies' role meets every kind of resource the regional stacks name, for these environments' names. */
function copiesMustNotTouch(env: string, region: string): Case[] {
  const n = names(region, env);
  const at = (service: string, resource: string) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
  const calls: [string, string, Authorization['context']?][] = [
    ['s3:DeleteBucket', bucket(region, env)],
    ['s3:PutBucketPolicy', bucket(region, env)],
    ['s3:DeleteObjectVersion', `${bucket(region, env)}/processed/a.parquet`],
    ['dynamodb:DeleteTable', table(region, env)],
    ['dynamodb:UpdateTable', table(region, env)],
    ['lambda:DeleteFunction', fn(region, env)],
    ['lambda:UpdateFunctionCode', fn(region, env)],
    ['lambda:DeleteEventSourceMapping', at('lambda', 'event-source-mapping:0f3c9a52-1b2d-4e5f-8a9b-0c1d2e3f4a5b'), { 'lambda:FunctionArn': fn(region, env) }],
    ['lambda:CreateEventSourceMapping', '*', { 'lambda:FunctionArn': fn(region, env) }],
    ['sqs:DeleteQueue', queue(region, env)],
    ['sqs:SetQueueAttributes', at('sqs', n.deadLetterQueue)],
    ['events:DeleteRule', at('events', `rule/${n.eventRule}`)],
    ['sns:DeleteTopic', at('sns', n.alarmTopic)],
    ['cloudwatch:DeleteAlarms', at('cloudwatch', `alarm:${n.etlErrorsAlarm}`)],
    ['cloudwatch:DeleteDashboards', `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${n.dashboard}`],
    ['logs:DeleteLogGroup', at('logs', `log-group:${n.etlLogGroup}`)],
    ['logs:DeleteLogGroup', at('logs', `log-group:${n.flowLogGroup}`)],
    ['iam:DeleteRole', iamRole(n.etlRole)],
    ['iam:PutRolePolicy', iamRole(n.flowLogRole)],
    ['iam:PassRole', iamRole(n.etlRole), { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    ['iam:PassRole', iamRole(n.flowLogRole)],
    ['ec2:DeleteVpc', ec2(region, 'vpc/vpc-0a1b2c3d'), tagged('aws:ResourceTag', env)],
    ['ec2:RevokeSecurityGroupEgress', ec2(region, 'security-group/sg-0a1b2c3d'), tagged('aws:ResourceTag', env)],
  ];
  return calls.map(([action, resource, context]) => ({ why: `copies' role: ${action} on ${env}'s ${resource.split(/[:/]/).pop()} (${region})`, who: 'deployCopies', action, resource, region, context }));
}

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
  // the copies' role (any eph-* suffix): nothing of an environment folder — prod, staging, nor its template dev
  ...(['prod', 'staging', 'dev'] as const).flatMap((env) => copiesMustNotTouch(env, 'us-east-1')),
  ...copiesMustNotTouch('prod', 'eu-west-1'),
  { why: "copies' role: a copy's bucket in a region no template has", who: 'deployCopies', action: 's3:CreateBucket', resource: `arn:aws:s3:::${names('us-west-2', COPY).bucket}`, region: 'us-west-2' },
  ...(['prod', 'staging', 'dev'] as const).flatMap((env): Case[] => [
    { why: `copies' role reads ${env}'s state`, who: 'deployCopies', action: 's3:GetObject', resource: `${STATE_BUCKET}/${stateKey(env, 'us-east-1')}` },
    { why: `copies' role writes ${env}'s state`, who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${stateKey(env, 'us-east-1')}` },
    { why: `copies' role deletes ${env}'s state`, who: 'deployCopies', action: 's3:DeleteObject', resource: `${STATE_BUCKET}/${stateKey(env, 'us-east-1')}` },
    { why: `copies' role releases ${env}'s state lock`, who: 'deployCopies', action: 's3:DeleteObject', resource: `${STATE_BUCKET}/${stateKey(env, 'us-east-1')}.tflock` },
    { why: `copies' role reads ${env}'s saved plans`, who: 'deployCopies', action: 's3:GetObject', resource: `${STATE_BUCKET}/${savedPlansPrefix(env)}${env}-us-east-1/1-1.tfplan` },
    { why: `copies' role writes ${env}'s applied-commit records`, who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${appliedCommitsPrefix(env)}${env}-us-east-1.json` },
    { why: `copies' role lists ${env}'s state keys`, who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET, context: { 's3:prefix': `analytics/${env}/` } },
    { why: `copies' role takes ${env}'s lock-table lock`, who: 'deployCopiesLockTable', action: 'dynamodb:PutItem', resource: LOCK_TABLE, context: { 'dynamodb:LeadingKeys': [`analytics-tfstate-${ACCOUNT}/${stateKey(env, 'us-east-1')}`] } },
    { why: `copies' role deletes ${env}'s lock-table digest`, who: 'deployCopiesLockTable', action: 'dynamodb:DeleteItem', resource: LOCK_TABLE, context: { 'dynamodb:LeadingKeys': [`analytics-tfstate-${ACCOUNT}/${stateKey(env, 'us-east-1')}-md5`] } },
  ]),
  { why: "copies' role writes a saved plan", who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${savedPlansPrefix(COPY)}${COPY}-us-east-1/1-1.tfplan` },
  { why: "copies' role writes the bootstrap state", who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${bootstrapStateKey(ACCOUNT)}` },
  { why: "copies' role lists the whole state bucket", who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET },
  { why: "copies' role lists analytics/", who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET, context: { 's3:prefix': 'analytics/' } },
  { why: "copies' role lists bootstrap/", who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET, context: { 's3:prefix': 'bootstrap/' } },
  { why: "copies' role lists the default workspaces (a copy's stacks keep theirs under analytics/ephemeral/)", who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET, context: { 's3:prefix': 'env:/' } },
  { why: "copies' role uses the lock table without naming an item", who: 'deployCopiesLockTable', action: 'dynamodb:DeleteItem', resource: LOCK_TABLE },
  { why: "copies' role creates a VPC tagged as prod", who: 'deployCopies', action: 'ec2:CreateVpc', resource: ec2('us-east-1', 'vpc/new'), context: creating('prod') },
  { why: "copies' role creates an untagged VPC", who: 'deployCopies', action: 'ec2:CreateVpc', resource: ec2('us-east-1', 'vpc/new') },
  { why: "copies' role changes an untagged VPC", who: 'deployCopies', action: 'ec2:ModifyVpcAttribute', resource: ec2('us-east-1', 'vpc/vpc-0default') },
  { why: "copies' role deletes an untagged VPC", who: 'deployCopies', action: 'ec2:DeleteVpc', resource: ec2('us-east-1', 'vpc/vpc-0default') },
  { why: "copies' role adds a subnet (tagged as its copy) to prod's VPC", who: 'deployCopies', action: 'ec2:CreateSubnet', resource: ec2('us-east-1', 'vpc/vpc-0prod'), context: { ...creating(COPY), ...tagged('aws:ResourceTag', 'prod') } },
  { why: "copies' role adds a subnet (tagged as its copy) to an untagged VPC", who: 'deployCopies', action: 'ec2:CreateSubnet', resource: ec2('us-east-1', 'vpc/vpc-0default'), context: creating(COPY) },
  { why: "copies' role adds an endpoint to prod's route table", who: 'deployCopies', action: 'ec2:CreateVpcEndpoint', resource: ec2('us-east-1', 'route-table/rtb-0prod'), context: { ...creating(COPY), ...tagged('aws:ResourceTag', 'prod') } },
  { why: "copies' role retags prod's security group as its copy's", who: 'deployCopies', action: 'ec2:CreateTags', resource: ec2('us-east-1', 'security-group/sg-0prod'), context: { ...creating(COPY), ...tagged('aws:ResourceTag', 'prod') } },
  { why: "copies' role changes a network tagged as another application's", who: 'deployCopies', action: 'ec2:DeleteSubnet', resource: ec2('us-east-1', 'subnet/subnet-0other'), context: { 'aws:ResourceTag/Environment': COPY, 'aws:ResourceTag/Application': 'billing' } },
  { why: "copies' role changes a workflow role", who: 'deployCopies', action: 'iam:PutRolePolicy', resource: iamRole('analytics-deploy-prod') },
  { why: "copies' role changes its own role", who: 'deployCopies', action: 'iam:UpdateAssumeRolePolicy', resource: iamRole(COPY_DEPLOY_ROLE_NAME) },
  // a deploy role's creates go only into its own tagged network (not the request's tags on another's VPC)
  { why: "staging deploy role adds a subnet to prod's VPC", who: 'deployStaging', action: 'ec2:CreateSubnet', resource: ec2('us-east-1', 'vpc/vpc-0prod'), context: { ...creating('staging'), ...tagged('aws:ResourceTag', 'prod') } },
  { why: "staging deploy role retags prod's security group", who: 'deployStaging', action: 'ec2:CreateTags', resource: ec2('us-east-1', 'security-group/sg-0prod'), context: { ...creating('staging'), ...tagged('aws:ResourceTag', 'prod') } },
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
  // an operator of staging: jobs, replays and redrives of staging alone, and no data
  { why: "staging operator reads prod's jobs", who: 'operatorStaging', action: 'dynamodb:GetItem', resource: table('us-east-1', 'prod') },
  { why: "staging operator replays a prod job", who: 'operatorStaging', action: 'dynamodb:UpdateItem', resource: table('us-east-1', 'prod') },
  { why: "staging operator redrives prod's DLQ", who: 'operatorStaging', action: 'sqs:ReceiveMessage', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:${names('us-east-1', 'prod').deadLetterQueue}` },
  { why: 'staging operator deletes a job', who: 'operatorStaging', action: 'dynamodb:DeleteItem', resource: table('us-east-1', 'staging') },
  { why: 'staging operator scans the job table', who: 'operatorStaging', action: 'dynamodb:Scan', resource: table('us-east-1', 'staging') },
  { why: 'staging operator purges the work queue', who: 'operatorStaging', action: 'sqs:PurgeQueue', resource: queue('us-east-1', 'staging') },
  { why: 'staging operator takes messages off the work queue', who: 'operatorStaging', action: 'sqs:ReceiveMessage', resource: queue('us-east-1', 'staging') },
  { why: 'staging operator reads a raw file', who: 'operatorStaging', action: 's3:GetObject', resource: `${bucket('us-east-1', 'staging')}/input/sales/a.csv` },
  { why: 'staging operator reads processed data', who: 'operatorStaging', action: 's3:GetObjectVersion', resource: `${bucket('us-east-1', 'staging')}/processed/sales/a.parquet` },
  { why: 'staging operator writes under input/', who: 'operatorStaging', action: 's3:PutObject', resource: `${bucket('us-east-1', 'staging')}/input/sales/a.csv` },
  { why: 'staging operator deletes a raw file', who: 'operatorStaging', action: 's3:DeleteObjectVersion', resource: `${bucket('us-east-1', 'staging')}/input/sales/a.csv` },
  { why: 'staging operator reads a state', who: 'operatorStaging', action: 's3:GetObject', resource: `${STATE_BUCKET}/${stateKey('staging', 'us-east-1')}` },
  { why: 'staging operator changes the function', who: 'operatorStaging', action: 'lambda:UpdateFunctionConfiguration', resource: fn('us-east-1', 'staging') },
  { why: "staging operator checks a file version over plain HTTP", who: 'operatorStaging', action: 's3:GetObjectVersion', resource: `${bucket('us-east-1', 'staging')}/input/sales/a.csv`, plainHttp: true },
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
  { why: 'dev deploy role adds a subnet to its tagged VPC', who: 'deployDev', action: 'ec2:CreateSubnet', resource: ec2('us-east-1', 'vpc/vpc-0dev'), context: { ...creating('dev'), ...devTags } },
  { why: 'bootstrap administrator creates the copies\' role', who: 'administrator', action: 'iam:CreateRole', resource: iamRole(COPY_DEPLOY_ROLE_NAME) },
  { why: 'bootstrap administrator attaches its policies', who: 'administrator', action: 'iam:CreatePolicy', resource: `arn:aws:iam::${ACCOUNT}:policy/${COPY_DEPLOY_ROLE_NAME}-1` },
  // the operators of staging: what npm run jobs and dlq:redrive call (recorded in integration/test/platform.test.ts for dev)
  { why: 'staging operator lists jobs by status', who: 'operatorStaging', action: 'dynamodb:Query', resource: `${table('eu-west-1', 'staging')}/index/status-created_at-index`, region: 'eu-west-1' },
  { why: 'staging operator replays a job', who: 'operatorStaging', action: 'dynamodb:UpdateItem', resource: table('us-east-1', 'staging') },
  { why: "staging operator checks a replayed file's version", who: 'operatorStaging', action: 's3:GetObjectVersion', resource: `${bucket('us-east-1', 'staging')}/input/sales/a.csv` },
  { why: 'staging operator sends a replay to the work queue', who: 'operatorStaging', action: 'sqs:SendMessage', resource: queue('us-east-1', 'staging') },
  { why: 'staging operator drains the DLQ', who: 'operatorStaging', action: 'sqs:DeleteMessage', resource: `arn:aws:sqs:ap-southeast-1:${ACCOUNT}:${names('ap-southeast-1', 'staging').deadLetterQueue}`, region: 'ap-southeast-1' },
  // the copies' role: a copy's resources, state, lock and record, in every kind it creates and destroys
  ...(['eu-west-1', 'ap-southeast-1'] as const).map((region): Case => ({ why: `copies' role creates a copy's bucket in ${region}`, who: 'deployCopies', action: 's3:CreateBucket', resource: bucket(region, COPY), region })),
  { why: "copies' role empties a copy's bucket on destroy", who: 'deployCopies', action: 's3:DeleteObjectVersion', resource: `${bucket('us-east-1', COPY)}/processed/a.parquet` },
  { why: "copies' role deletes a copy's bucket", who: 'deployCopies', action: 's3:DeleteBucket', resource: bucket('us-east-1', COPY) },
  { why: "copies' role creates a copy's job table", who: 'deployCopies', action: 'dynamodb:CreateTable', resource: table('us-east-1', COPY) },
  { why: "copies' role deletes a copy's job table", who: 'deployCopies', action: 'dynamodb:DeleteTable', resource: table('us-east-1', COPY) },
  { why: "copies' role creates a copy's function", who: 'deployCopies', action: 'lambda:CreateFunction', resource: fn('us-east-1', COPY) },
  { why: "copies' role deletes a copy's function", who: 'deployCopies', action: 'lambda:DeleteFunction', resource: fn('us-east-1', COPY) },
  { why: "copies' role passes a copy's ETL role to Lambda", who: 'deployCopies', action: 'iam:PassRole', resource: iamRole(names('us-east-1', COPY).etlRole), context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  { why: "copies' role creates a copy's queue", who: 'deployCopies', action: 'sqs:CreateQueue', resource: queue('us-east-1', COPY) },
  { why: "copies' role deletes a copy's queue", who: 'deployCopies', action: 'sqs:DeleteQueue', resource: queue('us-east-1', COPY) },
  { why: "copies' role writes a copy's state", who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${copyStateKey(COPY, 'us-east-1')}` },
  { why: "copies' role takes a copy's state lock", who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${copyStateKey(COPY, 'us-east-1')}.tflock` },
  { why: "copies' role deletes a destroyed copy's state", who: 'deployCopies', action: 's3:DeleteObject', resource: `${STATE_BUCKET}/${copyStateKey(COPY, 'us-east-1')}` },
  { why: "copies' role writes a copy's record", who: 'deployCopies', action: 's3:PutObject', resource: `${STATE_BUCKET}/${copyRecordKey(COPY)}` },
  { why: "copies' role deletes a copy's record", who: 'deployCopies', action: 's3:DeleteObject', resource: `${STATE_BUCKET}/${copyRecordKey(COPY)}` },
  { why: "copies' role lists the copies", who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET, context: { 's3:prefix': 'analytics/ephemeral/' } },
  { why: "copies' role lists one copy's states", who: 'deployCopies', action: 's3:ListBucket', resource: STATE_BUCKET, context: { 's3:prefix': `analytics/ephemeral/${COPY}/` } },
  { why: "copies' role takes a copy's lock-table lock", who: 'deployCopiesLockTable', action: 'dynamodb:PutItem', resource: LOCK_TABLE, context: { 'dynamodb:LeadingKeys': [`analytics-tfstate-${ACCOUNT}/${copyStateKey(COPY, 'us-east-1')}`] } },
  { why: "copies' role creates a VPC tagged as its copy's", who: 'deployCopies', action: 'ec2:CreateVpc', resource: ec2('us-east-1', 'vpc/new'), context: creating(COPY) },
  { why: "copies' role adds a subnet to its copy's VPC", who: 'deployCopies', action: 'ec2:CreateSubnet', resource: ec2('us-east-1', 'vpc/vpc-0copy'), context: { ...creating(COPY), ...tagged('aws:ResourceTag', COPY) } },
  { why: "copies' role creates the subnet itself", who: 'deployCopies', action: 'ec2:CreateSubnet', resource: ec2('us-east-1', 'subnet/new'), context: creating(COPY) },
  { why: "copies' role adopts its VPC's (untagged) default security group", who: 'deployCopies', action: 'ec2:CreateTags', resource: ec2('us-east-1', 'security-group/sg-0default'), context: creating(COPY) },
  { why: "copies' role deletes the ENI Lambda left in a copy's subnet (untagged), on destroy", who: 'deployCopies', action: 'ec2:DeleteNetworkInterface', resource: ec2('eu-west-1', 'network-interface/eni-0lambda'), region: 'eu-west-1' },
  { why: "copies' role deletes its copy's VPC", who: 'deployCopies', action: 'ec2:DeleteVpc', resource: ec2('us-east-1', 'vpc/vpc-0copy'), context: tagged('aws:ResourceTag', COPY) },
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
