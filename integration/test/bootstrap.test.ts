/**
 * The bootstrap stack applied with the real terraform CLI to an AWS emulator (moto started here, or whatever
 * AWS_ENDPOINT_URL points at), read back through the AWS SDK, then destroyed. One stack, no Lambda: about a minute.
 */
import { GetOpenIDConnectProviderCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synthBootstrap } from '../../infra/src/app';
import { bootstrapStackName } from '../../infra/src/bootstrap/BootstrapStack';
import { apply, destroy, init, outputs, plan } from '../../infra/src/terraform/terraformCli';
import { type Emulator, startEmulator } from '../src/emulator';
import { terraformAgent } from '../src/principals';
import { EMULATOR_CREDENTIALS } from '../src/regionClients';
import { RecordedCalls } from './support/recordedCalls';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const REPO = 'repo:example-org/analytics-platform';
const MINUTE = 60_000;

let emulator: Emulator;
let outdir: string;
let dir: string;
let applied = false;
let values: Record<string, unknown> = {};
let s3: S3Client;
let iam: IAMClient;
const phases: Record<string, number> = {};

async function timed<T>(phase: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    phases[phase] = performance.now() - started;
  }
}

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'bootstrap-'));
  emulator = await timed('start emulator', () => startEmulator(process.env, { record: true }));
  const config = { endpoint: emulator.target.endpoint, region: REGION, credentials: EMULATOR_CREDENTIALS };
  s3 = new S3Client({ ...config, forcePathStyle: true });
  iam = new IAMClient(config);
  synthBootstrap({ environmentsDir: path.resolve(__dirname, '../../environments'), outdir, target: emulator.target });
  dir = path.join(outdir, 'stacks', bootstrapStackName(ACCOUNT));
  await timed('terraform init', () => init(dir));
  // applied once by a person: the least-privilege check holds them to bootstrapAdministratorStatements
  process.env.TF_APPEND_USER_AGENT = terraformAgent('administrator');
  await timed('terraform apply', () => apply(dir));
  applied = true;
  values = await outputs(dir);
}, 10 * MINUTE);

afterAll(async () => {
  try {
    if (applied) await timed('terraform destroy', () => destroy(dir));
  } finally {
    s3?.destroy();
    iam?.destroy();
    await emulator?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
  const lines = Object.entries(phases).map(([phase, ms]) => `  ${phase.padEnd(20)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
  console.log(`bootstrap on ${emulator?.name}:\n${lines.join('\n')}`);
}, 5 * MINUTE);

test('outputs name the bucket and the roles', () => {
  expect(values).toMatchObject({
    state_bucket: 'analytics-tfstate-123456789012',
    plan_role_arn: `arn:aws:iam::${ACCOUNT}:role/analytics-plan`,
    deploy_role_arn_dev: `arn:aws:iam::${ACCOUNT}:role/analytics-deploy-dev`,
    deploy_role_arn_prod: `arn:aws:iam::${ACCOUNT}:role/analytics-deploy-prod`,
    deploy_role_arn_staging: `arn:aws:iam::${ACCOUNT}:role/analytics-deploy-staging`,
    copies_deploy_role_arn: `arn:aws:iam::${ACCOUNT}:role/analytics-deploy-ephemeral-copies`,
  });
});

test('state bucket: versioned, SSE encrypted, public access blocked, bucket owner enforced', async () => {
  const Bucket = values.state_bucket as string;
  expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
  const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
  expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toEqual({
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  });
  expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
});

test('state bucket: saved plans (plans/) expire after 35 days, their old versions after 1', async () => {
  const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: values.state_bucket as string }));
  expect(lifecycle.Rules).toEqual([
    expect.objectContaining({ ID: 'expire-saved-plans', Status: 'Enabled', Filter: { Prefix: 'plans/' }, Expiration: { Days: 35 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
  ]);
});

test('GitHub OIDC provider for STS', async () => {
  const arn = values.github_oidc_provider_arn as string;
  expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList?.map((p) => p.Arn)).toContain(arn);
  const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  expect(provider.Url?.replace(/^https:\/\//, '')).toBe('token.actions.githubusercontent.com');
  expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
});

test.each([
  ['analytics-plan', [`${REPO}:pull_request`, `${REPO}:ref:refs/heads/main`], 1],
  ['analytics-deploy-dev', `${REPO}:environment:dev`, 3],
  ['analytics-deploy-prod', `${REPO}:environment:prod`, 3],
  ['analytics-deploy-staging', `${REPO}:environment:staging`, 3],
  // on-demand copies deploy in their template's GitHub environment (dev)
  ['analytics-deploy-ephemeral-copies', `${REPO}:environment:dev`, 3],
])('role %s trusts exactly %s, with its %i managed policies attached', async (RoleName, subject, policies) => {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName }));
  // IAM returns the trust policy URL-encoded
  const trust = JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)) as { Statement: Record<string, unknown>[] };
  expect(trust.Statement).toEqual([
    expect.objectContaining({
      Effect: 'Allow',
      Principal: { Federated: values.github_oidc_provider_arn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': subject } },
    }),
  ]);
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
  expect(attached.AttachedPolicies?.map((p) => p.PolicyName).sort()).toEqual(Array.from({ length: policies }, (_, i) => `${RoleName}-${i + 1}`));
});

test('a second plan right after apply changes nothing', async () => {
  const result = await timed('terraform plan', () => plan(dir, { detailedExitcode: true }));
  expect({ code: result.code, changes: result.code === 2 ? result.stdout : '' }).toEqual({ code: 0, changes: '' });
}, 5 * MINUTE);

test('destroy removes what apply made', async () => {
  await timed('terraform destroy', () => destroy(dir));
  applied = false;
  await expect(s3.send(new HeadBucketCommand({ Bucket: values.state_bucket as string }))).rejects.toThrow();
  await expect(iam.send(new GetRoleCommand({ RoleName: 'analytics-plan' }))).rejects.toThrow();
}, 5 * MINUTE);

// the apply and every read-back; terraform destroy runs in afterAll, after this check
new RecordedCalls('bootstrap.test.ts', () => emulator).test();
