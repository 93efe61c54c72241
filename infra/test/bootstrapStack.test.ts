/**
 * The bootstrap stack's synthesized JSON: state bucket, OIDC provider, trust policies and what each role may do.
 * The deploy policies are also checked against the regional stacks themselves: every name those create is in reach of
 * its environment's deploy role, and of no other environment's.
 */
import { Testing } from 'cdktf';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBootstrapApp, type BootstrapOptions } from '../src/app';
import type { BootstrapStack } from '../src/bootstrap/BootstrapStack';
import { COPY_DEPLOY_ROLE_NAME } from '../src/config/ephemeralCopy';
import { MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_CHARS } from '../src/constructs/GithubOidcRole';
import { emulatorTarget } from '../src/stacks/deployTarget';
import { stateKey } from '../src/stacks/stackNames';
import { devDefinition, writeEnvironments } from './support/environmentFixtures';
import { policy, synthesizeStacks, type Json } from './support/synthesized';

const ENVIRONMENTS_DIR = path.join(__dirname, '../../environments');
const ACCOUNT = '123456789012';
const STATE_BUCKET = 'analytics-tfstate-123456789012';
const REPO = 'repo:example-org/analytics-platform';
const OIDC = 'token.actions.githubusercontent.com';

function synthJson(stack: BootstrapStack): Json {
  return JSON.parse(Testing.synth(stack)) as Json;
}

function bootstrap(options: BootstrapOptions = {}): Json {
  const { stacks } = buildBootstrapApp({ environmentsDir: ENVIRONMENTS_DIR, ...options });
  expect(stacks).toHaveLength(1);
  return synthJson(stacks[0]!);
}

/** An environments dir holding only dev (mutated) and the given github.json. */
function devOnly(mutate: (d: Json) => void, github: Json = { repository: 'example-org/analytics-platform' }): string {
  const dev = devDefinition();
  mutate(dev);
  const dir = writeEnvironments({ dev });
  writeFileSync(path.join(dir, 'github.json'), JSON.stringify(github));
  return dir;
}

/** An environments dir holding dev and qa, a second environment made from dev (own suffix, CIDRs, deploy role; then `mutate`). */
function withQa(mutate: (qa: Json) => void): string {
  const qa = devDefinition();
  qa.suffix = 'qa';
  qa.ephemeral = false;
  qa.roles.deploy = `arn:aws:iam::${ACCOUNT}:role/analytics-deploy-qa`;
  qa.regions = [{ name: 'us-west-2', cidr: '10.40.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] }];
  mutate(qa);
  const dir = writeEnvironments({ dev: devDefinition(), qa });
  writeFileSync(path.join(dir, 'github.json'), JSON.stringify({ repository: 'example-org/analytics-platform' }));
  return dir;
}

const resources = (json: Json, type: string): Json[] => Object.values((json.resource?.[type] ?? {}) as Record<string, Json>);
const one = (json: Json, type: string, where: (r: Json) => boolean = () => true): Json => {
  const found = resources(json, type).filter(where);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
};
const idOf = (json: Json, type: string, where: (r: Json) => boolean): string =>
  Object.entries(json.resource[type] as Record<string, Json>).find(([, r]) => where(r))![0];

/** The statements of every managed policy attached to the role named `roleName`. */
function roleStatements(json: Json, roleName: string): Json[] {
  const roleId = idOf(json, 'aws_iam_role', (r) => r.name === roleName);
  const policyIds = resources(json, 'aws_iam_role_policy_attachment')
    .filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`)
    .map((a) => /aws_iam_policy\.([^.]+)\.arn/.exec(a.policy_arn as string)![1]!);
  expect(policyIds.length).toBeGreaterThan(0);
  return policyIds.flatMap((id) => policy(json.resource.aws_iam_policy[id].policy).Statement);
}

function trust(json: Json, roleName: string): Json[] {
  return policy(one(json, 'aws_iam_role', (r) => r.name === roleName).assume_role_policy).Statement;
}

/** IAM's glob: `*` any run of characters, `?` one. */
function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** The ARN of every named resource a synthesized regional stack creates. */
function stackArns(stack: ReturnType<typeof synthesizeStacks>[number]): string[] {
  const [acct, region] = [ACCOUNT, stack.region];
  const names = (type: string, key: string) => Object.values(stack.resources(type)).map((r) => r[key] as string);
  return [
    ...names('aws_s3_bucket', 'bucket').map((n) => `arn:aws:s3:::${n}`),
    ...names('aws_lambda_function', 'function_name').map((n) => `arn:aws:lambda:${region}:${acct}:function:${n}`),
    ...names('aws_dynamodb_table', 'name').map((n) => `arn:aws:dynamodb:${region}:${acct}:table/${n}`),
    ...names('aws_sqs_queue', 'name').map((n) => `arn:aws:sqs:${region}:${acct}:${n}`),
    ...names('aws_cloudwatch_event_rule', 'name').map((n) => `arn:aws:events:${region}:${acct}:rule/${n}`),
    ...names('aws_sns_topic', 'name').map((n) => `arn:aws:sns:${region}:${acct}:${n}`),
    ...names('aws_cloudwatch_metric_alarm', 'alarm_name').map((n) => `arn:aws:cloudwatch:${region}:${acct}:alarm:${n}`),
    ...names('aws_cloudwatch_dashboard', 'dashboard_name').map((n) => `arn:aws:cloudwatch::${acct}:dashboard/${n}`),
    ...names('aws_cloudwatch_log_group', 'name').map((n) => `arn:aws:logs:${region}:${acct}:log-group:${n}`),
    ...names('aws_iam_role', 'name').map((n) => `arn:aws:iam::${acct}:role/${n}`),
  ];
}

const json = bootstrap();
const environments = buildBootstrapApp({ environmentsDir: ENVIRONMENTS_DIR }).accounts[0]!.environments;
const actionsOf = (statement: Json): string[] => [statement.Action].flat();
const resourcesOf = (statement: Json): string[] => [statement.Resource].flat();

test('one bootstrap stack per AWS account of the environments, named after it', () => {
  const { stacks, accounts } = buildBootstrapApp({ environmentsDir: ENVIRONMENTS_DIR });
  expect(stacks.map((s) => s.node.id)).toEqual([`bootstrap-${ACCOUNT}`]);
  expect(accounts[0]!.environments.map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
});

describe('state bucket', () => {
  const bucket = () => one(json, 'aws_s3_bucket');
  const of = (type: string) => resources(json, type).filter((r) => r.bucket === `\${aws_s3_bucket.${idOf(json, 'aws_s3_bucket', () => true)}.id}`);

  test("named by the environments' state.bucket, never emptied or destroyed by terraform", () => {
    expect(bucket()).toMatchObject({ bucket: STATE_BUCKET, force_destroy: false, lifecycle: { prevent_destroy: true } });
  });
  test('versioned and SSE encrypted', () => {
    expect(of('aws_s3_bucket_versioning').map((v) => v.versioning_configuration)).toEqual([{ status: 'Enabled' }]);
    expect(of('aws_s3_bucket_server_side_encryption_configuration').map((e) => e.rule[0].apply_server_side_encryption_by_default.sse_algorithm)).toEqual(['AES256']);
  });
  test('public access blocked, bucket owner enforced (no ACLs)', () => {
    expect(of('aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    ]);
    expect(of('aws_s3_bucket_ownership_controls').map((o) => o.rule.object_ownership)).toEqual(['BucketOwnerEnforced']);
  });
  test('TLS-only bucket policy', () => {
    const [bucketPolicy] = of('aws_s3_bucket_policy');
    expect(policy(bucketPolicy!.policy).Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': false } } }),
    ]);
  });
  test('saved plans (plans/) expire after 35 days, their old versions after 1; nothing else expires', () => {
    expect(of('aws_s3_bucket_lifecycle_configuration').map((l) => l.rule)).toEqual([
      [{ id: 'expire-saved-plans', status: 'Enabled', filter: [{ prefix: 'plans/' }], expiration: [{ days: 35 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] }],
    ]);
  });
  test('no DynamoDB lock table when no environment names one (S3 lockfile locking)', () => {
    expect(resources(json, 'aws_dynamodb_table')).toEqual([]);
  });
  test('a lock table when the environments name state.lockTable, in the deploy role too', () => {
    const withTable = bootstrap({ environmentsDir: devOnly((d) => (d.state.lockTable = 'analytics-tflock')) });
    expect(one(withTable, 'aws_dynamodb_table')).toMatchObject({
      name: 'analytics-tflock',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
    });
    expect(roleStatements(withTable, 'analytics-deploy-dev')).toContainEqual(
      expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/analytics-tflock`] }),
    );
  });
});

describe('own state', () => {
  test('local by default: the stack creates the bucket, so it cannot keep its state there yet', () => {
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
  });
  test('--bootstrap-state s3: in the bucket it made, outside analytics/, S3 lockfile', () => {
    expect(bootstrap({ state: 's3' }).terraform.backend).toEqual({
      s3: { bucket: STATE_BUCKET, key: `bootstrap/${ACCOUNT}.tfstate`, region: 'us-east-1', encrypt: true, use_lockfile: true },
    });
  });
  test('provider pinned to the account, in the state region', () => {
    expect(json.provider.aws[0]).toMatchObject({ region: 'us-east-1', allowed_account_ids: [ACCOUNT] });
  });
});

test('GitHub OIDC identity provider for STS', () => {
  expect(one(json, 'aws_iam_openid_connect_provider')).toMatchObject({ url: `https://${OIDC}`, client_id_list: ['sts.amazonaws.com'] });
});

describe('trust policies', () => {
  const oidcArn = `\${aws_iam_openid_connect_provider.${idOf(json, 'aws_iam_openid_connect_provider', () => true)}.arn}`;
  const onlyFrom = (subject: string | string[]) => [
    {
      Sid: 'GithubActionsOidc',
      Effect: 'Allow',
      Principal: { Federated: oidcArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com', [`${OIDC}:sub`]: subject } },
    },
  ];

  test("plan role (named by roles.plan): this repository's pull requests, and main for the drift check", () => {
    expect(trust(json, 'analytics-plan')).toEqual(onlyFrom([`${REPO}:pull_request`, `${REPO}:ref:refs/heads/main`]));
  });
  test.each(['dev', 'prod', 'staging'])('deploy role of %s (named by its roles.deploy): jobs in that GitHub environment only', (env) => {
    expect(trust(json, `analytics-deploy-${env}`)).toEqual(onlyFrom(`${REPO}:environment:${env}`));
  });
  test("copies' deploy role: jobs in the GitHub environments of the templates (dev) only, never prod's or staging's", () => {
    expect(trust(json, COPY_DEPLOY_ROLE_NAME)).toEqual(onlyFrom(`${REPO}:environment:dev`));
    expect(json.output.copies_deploy_role_arn.value).toBe(`\${aws_iam_role.${idOf(json, 'aws_iam_role', (r) => r.name === COPY_DEPLOY_ROLE_NAME)}.arn}`);
  });
  test("copies' deploy role with two templates: both environments' subjects, in name order", () => {
    const two = bootstrap({ environmentsDir: withQa((qa) => (qa.ephemeral = true)) });
    expect(trust(two, COPY_DEPLOY_ROLE_NAME)).toEqual([expect.objectContaining({ Condition: { StringEquals: { [`${OIDC}:aud`]: 'sts.amazonaws.com', [`${OIDC}:sub`]: [`${REPO}:environment:dev`, `${REPO}:environment:qa`] } } })]);
  });
  test("no copies' deploy role (nor output) in an account without a template", () => {
    const none = bootstrap({ environmentsDir: devOnly((d) => (d.ephemeral = false)) });
    expect(resources(none, 'aws_iam_role').map((r) => r.name).sort()).toEqual(['analytics-deploy-dev', 'analytics-plan']);
    expect(none.output.copies_deploy_role_arn).toBeUndefined();
  });
  test('exactly these five roles, no wildcard in any subject', () => {
    expect(resources(json, 'aws_iam_role').map((r) => r.name).sort()).toEqual([
      'analytics-deploy-dev', COPY_DEPLOY_ROLE_NAME, 'analytics-deploy-prod', 'analytics-deploy-staging', 'analytics-plan',
    ]);
    for (const role of resources(json, 'aws_iam_role')) expect(role.assume_role_policy).not.toMatch(/[*?]|StringLike/);
  });
  test('immutable subjects when github.json gives the owner and repository ids', () => {
    const immutable = bootstrap({ environmentsDir: devOnly(() => undefined, { repository: 'example-org/analytics-platform', immutableIds: { owner: 1234567, repository: 890123456 } }) });
    const subject = (role: string) => trust(immutable, role)[0]!.Condition.StringEquals[`${OIDC}:sub`];
    expect(subject('analytics-plan')).toEqual(['repo:example-org@1234567/analytics-platform@890123456:pull_request', 'repo:example-org@1234567/analytics-platform@890123456:ref:refs/heads/main']);
    expect(subject('analytics-deploy-dev')).toBe('repo:example-org@1234567/analytics-platform@890123456:environment:dev');
  });
  test('a role path in the ARN becomes the role path', () => {
    const withPath = bootstrap({ environmentsDir: devOnly((d) => (d.roles.deploy = `arn:aws:iam::${ACCOUNT}:role/ci/analytics-deploy-dev`)) });
    expect(one(withPath, 'aws_iam_role', (r) => r.name === 'analytics-deploy-dev').path).toBe('/ci/');
  });
});

describe('permission policies', () => {
  const roleNames = ['analytics-plan', ...environments.map((e) => `analytics-deploy-${e.name}`), COPY_DEPLOY_ROLE_NAME];

  test.each(roleNames)('%s: every action is spelled out (no "*" in any action)', (role) => {
    const wildcards = roleStatements(json, role).flatMap((s) => actionsOf(s).filter((a) => a.includes('*')));
    expect(wildcards).toEqual([]);
    for (const s of roleStatements(json, role)) expect(s.Effect).toBe('Allow');
  });

  test.each(roleNames)(`%s: each managed policy within IAM's ${MANAGED_POLICY_MAX_CHARS} characters, at most ${MANAGED_POLICIES_PER_ROLE} per role`, (role) => {
    const roleId = idOf(json, 'aws_iam_role', (r) => r.name === role);
    const attached = resources(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`);
    expect(attached.length).toBeLessThanOrEqual(MANAGED_POLICIES_PER_ROLE);
    for (const p of resources(json, 'aws_iam_policy').filter((p) => (p.name as string).startsWith(`${role}-`))) {
      expect((p.policy as string).replace(/\s/g, '').length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    }
  });

  describe('plan role', () => {
    const statements = roleStatements(json, 'analytics-plan');

    test('read-only but for saving plans: only Get/List/Describe actions, and s3:PutObject under plans/ alone', () => {
      const writes = statements.filter((s) => actionsOf(s).some((a) => !/^[a-z0-9]+:(Get|List|Describe)/.test(a)));
      expect(writes).toEqual([{ Sid: 'SavePlans', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${STATE_BUCKET}/plans/*/*`] }]);
    });
    test('can save a plan of any environment but write no state, and read no saved plan', () => {
      const reach = (action: string, key: string) =>
        statements.some((s) => actionsOf(s).includes(action) && resourcesOf(s).some((r) => globMatches(r, `arn:aws:s3:::${STATE_BUCKET}/${key}`)));
      for (const env of environments) {
        expect(reach('s3:PutObject', `plans/${env.name}/${env.name}-us-east-1/123-1.tfplan`)).toBe(true);
        expect(reach('s3:GetObject', `plans/${env.name}/${env.name}-us-east-1/123-1.tfplan`)).toBe(false);
        expect(reach('s3:PutObject', stateKey(env.name, 'us-east-1'))).toBe(false);
        expect(reach('s3:PutObject', `${stateKey(env.name, 'us-east-1')}.tflock`)).toBe(false);
      }
    });
    test('reads every environment’s state but takes no lock (plans run with -lock=false)', () => {
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${STATE_BUCKET}/${stateKey('*', '*')}`] }));
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${STATE_BUCKET}`] }));
      expect(statements.flatMap(resourcesOf).filter((r) => r.includes('tflock'))).toEqual([]);
    });
    test('resources: analytics-* names, the state bucket, or "*" only for the describe calls AWS cannot scope', () => {
      const offenders = statements.flatMap((s) =>
        resourcesOf(s).filter((r) => {
          if (r === '*') return s.Sid !== 'DescribeOnlyOnStar' || !actionsOf(s).every((a) => /^(ec2|logs):Describe/.test(a));
          if (r.startsWith(`arn:aws:s3:::${STATE_BUCKET}`)) return false;
          if (r.endsWith(':event-source-mapping:*')) return false; // ids are UUIDs; only Get and ListTags
          if (r === `arn:aws:kms:*:${ACCOUNT}:key/*`) return s.Condition?.StringEquals?.['kms:RequestAlias'] !== 'alias/aws/dynamodb'; // refresh of an SSE table
          return !/[:/]analytics-|log-group:\/aws\/(lambda|vpc-flow-logs)\/analytics-/.test(r);
        }),
      );
      expect(offenders).toEqual([]);
    });
  });

  describe.each(environments.map((e) => [e.name, e] as const))('deploy role of %s', (name, env) => {
    const statements = roleStatements(json, `analytics-deploy-${name}`);
    const regions = env.regions.map((r) => r.name);
    const ourTags = (kind: 'RequestTag' | 'ResourceTag') => ({ [`aws:${kind}/Environment`]: name, [`aws:${kind}/Application`]: 'analytics-platform', 'aws:RequestedRegion': regions });

    /** Why a resource is in reach, or undefined when it is not justified. */
    function justification(statement: Json, resource: string): string | undefined {
      const condition = statement.Condition ?? {};
      if (resource === `arn:aws:s3:::${STATE_BUCKET}`) return 'state bucket (list)';
      if (resource.startsWith(`arn:aws:s3:::${STATE_BUCKET}/analytics/${name}/`)) return 'own state';
      if (resource === `arn:aws:s3:::${STATE_BUCKET}/plans/${name}/*` && actionsOf(statement).join() === 's3:GetObject') return 'own saved plans (read)';
      if (resource === `arn:aws:s3:::${STATE_BUCKET}/applied/${name}/*` && actionsOf(statement).join() === 's3:GetObject,s3:PutObject') return 'own applied-commit records';
      if (resource === `arn:aws:s3:::analytics-bucket-*-${env.suffix}/*` && env.ephemeral) return 'objects of its raw buckets, emptied on destroy';
      if (resource === '*' && statement.Sid === 'DescribeOnlyOnStar' && actionsOf(statement).every((a) => /^(ec2|logs):Describe/.test(a))) return 'describe needs *';
      if (resource === '*' && actionsOf(statement).join() === 'lambda:CreateEventSourceMapping' && condition.ArnLike?.['lambda:FunctionArn'] === `arn:aws:lambda:*:${ACCOUNT}:function:analytics-etl-*-${env.suffix}`) {
        return 'mapping create has no resource; limited to our function';
      }
      if (resource.endsWith(':event-source-mapping:*')) {
        if (condition.ArnLike?.['lambda:FunctionArn'] === `arn:aws:lambda:*:${ACCOUNT}:function:analytics-etl-*-${env.suffix}`) return 'mappings of our function';
        if (actionsOf(statement).every((a) => ['lambda:ListTags', 'lambda:TagResource', 'lambda:UntagResource'].includes(a))) return 'tags of mappings';
      }
      if (resource === `arn:aws:kms:*:${ACCOUNT}:key/*` && condition.StringEquals?.['kms:RequestAlias'] === 'alias/aws/dynamodb' && actionsOf(statement).join() === 'kms:DescribeKey') {
        return "DynamoDB's AWS-managed key: its metadata, asked by alias when a table is refreshed";
      }
      if (/^arn:aws:ec2:\*:\d{12}:[a-z-]+\/\*$/.test(resource)) {
        const tags = condition.StringEquals ?? {};
        if (expect.objectContaining(ourTags('RequestTag')).asymmetricMatch(tags)) return 'EC2 create, tagged as ours';
        if (expect.objectContaining(ourTags('ResourceTag')).asymmetricMatch(tags)) return 'EC2 change, tagged as ours';
        if (tags['ec2:CreateAction'] && actionsOf(statement).join() === 'ec2:CreateTags') return 'EC2 tags at create';
        if (resource.includes(':security-group-rule/') && tags['aws:RequestedRegion']) return 'rules of our groups';
        if (statement.Sid === 'LingeringLambdaEnis' && actionsOf(statement).join() === 'ec2:DeleteNetworkInterface' && tags['aws:RequestedRegion']) {
          return "the ENIs Lambda leaves in our subnets (untagged), deleted once detached";
        }
      }
      const name_ = /^arn:aws:[a-z0-9]+:[^:]*:[^:]*:(?:[a-z-]+[/:])?(.*?)(?::\*)?$/.exec(resource)?.[1] ?? '';
      if (/^(\/aws\/(lambda|vpc-flow-logs)\/)?analytics-[a-z-]+-\*-/.test(name_) && name_.endsWith(`-${env.suffix}`)) return `named analytics-*-${env.suffix}`;
      return undefined;
    }

    test(`every resource is its own (analytics-*-${env.suffix}), its own state, or a justified exception`, () => {
      const unjustified = statements.flatMap((s) => resourcesOf(s).filter((r) => !justification(s, r)).map((r) => `${s.Sid}: ${r}`));
      expect(unjustified).toEqual([]);
    });

    test('state: read/write its own keys and lockfiles, delete only lockfiles', () => {
      const state = `arn:aws:s3:::${STATE_BUCKET}/${stateKey(name, '*')}`;
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: [state, `${state}.tflock`] }));
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:DeleteObject'], Resource: [`${state}.tflock`] }));
    });

    test("saved plans: reads its own environment's, no other's, and writes none", () => {
      const reach = (action: string, key: string) =>
        statements.some((s) => actionsOf(s).includes(action) && resourcesOf(s).some((r) => globMatches(r, `arn:aws:s3:::${STATE_BUCKET}/${key}`)));
      for (const other of environments) {
        const saved = `plans/${other.name}/${other.name}-${regions[0]}/123-1.tfplan`;
        expect({ saved, read: reach('s3:GetObject', saved), write: reach('s3:PutObject', saved) }).toEqual({ saved, read: other.name === name, write: false });
      }
    });

    test("applied-commit records: reads and writes its own environment's, no other's", () => {
      const reach = (action: string, key: string) =>
        statements.some((s) => actionsOf(s).includes(action) && resourcesOf(s).some((r) => globMatches(r, `arn:aws:s3:::${STATE_BUCKET}/${key}`)));
      for (const other of environments) {
        const record = `applied/${other.name}/${other.name}-${regions[0]}.json`;
        expect({ record, read: reach('s3:GetObject', record), write: reach('s3:PutObject', record) }).toEqual({ record, read: other.name === name, write: other.name === name });
      }
    });

    test('iam:PassRole only of its ETL role to Lambda (and its flow-log role, which CreateFlowLogs checks)', () => {
      const passes = statements.filter((s) => actionsOf(s).includes('iam:PassRole'));
      expect(passes).toEqual([
        { Sid: 'PassEtlRoleToLambda', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [`arn:aws:iam::${ACCOUNT}:role/analytics-etl-*-${env.suffix}`], Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
        { Sid: 'PassFlowLogRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [`arn:aws:iam::${ACCOUNT}:role/analytics-flowlog-*-${env.suffix}`] },
      ]);
    });

    test(`${env.ephemeral ? 'ephemeral: may empty its raw buckets on destroy' : 'not ephemeral: no object of its raw buckets can be deleted'}`, () => {
      const deletes = statements.filter((s) => actionsOf(s).some((a) => /^s3:DeleteObject/.test(a)) && resourcesOf(s).some((r) => r.includes('analytics-bucket-')));
      expect(deletes.map((s) => s.Sid)).toEqual(env.ephemeral ? ['EmptyRawBucketOnDestroy'] : []);
    });

    test('no IAM write reaches the workflow roles themselves', () => {
      const iamResources = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('iam:'))).flatMap(resourcesOf);
      for (const role of ['analytics-plan', ...environments.map((e) => `analytics-deploy-${e.name}`), COPY_DEPLOY_ROLE_NAME]) {
        expect(iamResources.filter((r) => globMatches(r, `arn:aws:iam::${ACCOUNT}:role/${role}`))).toEqual([]);
      }
    });

    test("every name its regional stacks create is in reach, and no other environment's", () => {
      // "*" statements are the describe calls and the mapping create, which reach no named resource
      const reachable = statements.flatMap(resourcesOf).filter((r) => r !== '*');
      for (const stack of synthesizeStacks()) {
        const arns = stackArns(stack);
        expect(arns.length).toBeGreaterThan(15);
        const inReach = arns.filter((arn) => reachable.some((pattern) => globMatches(pattern, arn)));
        expect({ stack: stack.name, inReach }).toEqual({ stack: stack.name, inReach: stack.environment.name === name ? arns : [] });
      }
    });

    test('the tags the EC2 conditions key on are the ones its regional stacks carry', () => {
      for (const stack of synthesizeStacks().filter((s) => s.environment.name === name)) {
        expect(stack.json.provider.aws[0].default_tags[0].tags).toMatchObject({ Environment: name, Application: 'analytics-platform' });
      }
    });
  });
});

describe("operators' policies", () => {
  const operatorPolicies = resources(json, 'aws_iam_policy').filter((p) => String(p.name).startsWith('analytics-operator-'));

  test('one per environment, attached to no role of this stack (the account attaches it to its people), within IAM\'s size', () => {
    expect(operatorPolicies.map((p) => p.name).sort()).toEqual(environments.map((e) => `analytics-operator-${e.name}`).sort());
    const attachedIds = resources(json, 'aws_iam_role_policy_attachment').map((a) => String(a.policy_arn));
    for (const id of Object.keys(json.resource.aws_iam_policy).filter((id) => String(json.resource.aws_iam_policy[id].name).startsWith('analytics-operator-'))) {
      expect(attachedIds).not.toContain(`\${aws_iam_policy.${id}.arn}`);
    }
    for (const p of operatorPolicies) expect((p.policy as string).replace(/\s/g, '').length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });

  test.each(['dev', 'prod', 'staging'])('%s: the job table, queues and raw objects of its own regions only; no write but a job update and a send', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const statements = policy(String(operatorPolicies.find((p) => p.name === `analytics-operator-${name}`)!.policy)).Statement;
    const actions = statements.flatMap(actionsOf).sort();
    expect(actions).toEqual(
      ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 's3:GetObjectVersion', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:SendMessage'].sort(),
    );
    const ownRegions = env.regions.map((r) => r.name);
    for (const resource of statements.flatMap(resourcesOf)) {
      expect(resource).toMatch(new RegExp(`-${env.suffix}(/index/status-created_at-index|/input/\\*)?$`));
      expect(ownRegions.some((region) => resource.includes(`:${region}:`) || resource.includes(`-${region}-`))).toBe(true);
    }
  });
});

describe("copies' deploy role", () => {
  const statements = roleStatements(json, COPY_DEPLOY_ROLE_NAME);
  const copy = { template: 'dev', suffix: 'eph-pr-42', expiresAt: '2026-12-04T18:00:00Z', createdBy: 'octocat' };
  const copyStacks = synthesizeStacks({ copy });
  const reachable = statements.flatMap(resourcesOf).filter((r) => r !== '*');
  const stateObjects = `arn:aws:s3:::${STATE_BUCKET}/analytics/ephemeral/*`;

  /** Why a resource is in reach, or undefined when it is not justified. */
  function justification(statement: Json, resource: string): string | undefined {
    const condition = statement.Condition ?? {};
    if (resource === `arn:aws:s3:::${STATE_BUCKET}`) return condition.StringLike?.['s3:prefix'] ? 'state bucket, listed under the copies\' prefix' : undefined;
    if (resource === stateObjects) return 'copies\' states, locks and records';
    if (resource === '*' && statement.Sid === 'DescribeOnlyOnStar') return 'describe needs *';
    if (resource === '*' && actionsOf(statement).join() === 'lambda:CreateEventSourceMapping' && condition.ArnLike?.['lambda:FunctionArn'] === `arn:aws:lambda:*:${ACCOUNT}:function:analytics-etl-*-eph-*`) return 'mappings of a copy\'s function';
    if (resource.endsWith(':event-source-mapping:*')) return condition.ArnLike?.['lambda:FunctionArn'] || actionsOf(statement).every((a) => /^lambda:(List|Tag|Untag)/.test(a)) ? 'mappings' : undefined;
    if (resource === `arn:aws:kms:*:${ACCOUNT}:key/*`) return condition.StringEquals?.['kms:RequestAlias'] === 'alias/aws/dynamodb' ? "DynamoDB's managed key" : undefined;
    if (/^arn:aws:ec2:\*:\d{12}:[a-z-]+\/\*$/.test(resource)) {
      const tagged = [condition.StringLike?.['aws:RequestTag/Environment'], condition.StringLike?.['aws:ResourceTag/Environment']].includes('eph-*');
      if (tagged) return 'EC2, tagged Environment eph-*';
      if (condition.StringEquals?.['ec2:CreateAction'] || resource.includes(':security-group-rule/')) return 'EC2 tags at create, rules of tagged groups';
      if (statement.Sid === 'LingeringLambdaEnis' && actionsOf(statement).join() === 'ec2:DeleteNetworkInterface') return "Lambda's untagged ENIs, deleted once detached";
      return undefined;
    }
    const name = /^arn:aws:[a-z0-9]+:[^:]*:[^:]*:(?:[a-z-]+[/:])?(.*?)(?::\*)?(?:\/\*)?$/.exec(resource)?.[1] ?? '';
    return /^(\/aws\/(lambda|vpc-flow-logs)\/)?analytics-[a-z-]+-\*-eph-\*$/.test(name) ? 'named analytics-*-eph-*' : undefined;
  }

  test('every resource is a copy\'s (analytics-*-eph-*), under analytics/ephemeral/, or a justified exception', () => {
    const unjustified = statements.flatMap((s) => resourcesOf(s).filter((r) => !justification(s, r)).map((r) => `${s.Sid}: ${r}`));
    expect(unjustified).toEqual([]);
  });

  test('state bucket: lists only the copies\' prefix (where a copy\'s workspace listing is too), reads, writes and deletes only under it', () => {
    const onBucket = statements.filter((s) => resourcesOf(s).some((r) => r.startsWith(`arn:aws:s3:::${STATE_BUCKET}`)));
    expect(onBucket).toEqual([
      { Sid: 'ListCopies', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${STATE_BUCKET}`], Condition: { StringLike: { 's3:prefix': ['analytics/ephemeral/*'] } } },
      { Sid: 'CopiesStateAndRecords', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [stateObjects] },
    ]);
  });

  test('a lock table, when named: only items of the copies\' state keys', () => {
    const withTable = bootstrap({ environmentsDir: devOnly((d) => (d.state.lockTable = 'analytics-tflock')) });
    expect(roleStatements(withTable, COPY_DEPLOY_ROLE_NAME).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:') && a.endsWith('Item')))).toEqual([
      {
        Sid: 'StateLockTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/analytics-tflock`],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${STATE_BUCKET}/analytics/ephemeral/*`] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      },
    ]);
  });

  test("regions: the templates' (every region of each), no other", () => {
    const regionsOf = (statements_: Json[]) => [...new Set(statements_.flatMap((s) => [s.Condition?.StringEquals?.['aws:RequestedRegion'] ?? []].flat()))].sort();
    expect(regionsOf(statements)).toEqual(['ap-southeast-1', 'eu-west-1', 'us-east-1']);
    const two = bootstrap({ environmentsDir: withQa((qa) => (qa.ephemeral = true)) });
    expect(regionsOf(roleStatements(two, COPY_DEPLOY_ROLE_NAME))).toEqual(['ap-southeast-1', 'eu-west-1', 'us-east-1', 'us-west-2']);
    const oneTemplate = bootstrap({ environmentsDir: withQa(() => undefined) });
    expect(regionsOf(roleStatements(oneTemplate, COPY_DEPLOY_ROLE_NAME))).toEqual(['ap-southeast-1', 'eu-west-1', 'us-east-1']);
  });

  test("every name a copy's stacks create is in reach, and no environment folder's (its template's included)", () => {
    expect(copyStacks.map((s) => s.name)).toEqual(['eph-pr-42-us-east-1', 'eph-pr-42-eu-west-1', 'eph-pr-42-ap-southeast-1']);
    for (const stack of [...copyStacks, ...synthesizeStacks()]) {
      const arns = stackArns(stack);
      expect(arns.length).toBeGreaterThan(15);
      const inReach = arns.filter((arn) => reachable.some((pattern) => globMatches(pattern, arn)));
      expect({ stack: stack.name, inReach }).toEqual({ stack: stack.name, inReach: stack.environment.copy ? arns : [] });
    }
  });

  test("the tags its EC2 conditions key on are the ones a copy's stacks carry, and no folder's", () => {
    const tagConditions = statements.flatMap((s) => Object.entries((s.Condition?.StringLike ?? {}) as Record<string, string>).filter(([key]) => key.endsWith('/Environment')).map(([, value]) => value));
    expect(new Set(tagConditions)).toEqual(new Set(['eph-*']));
    for (const stack of copyStacks) expect(stack.json.provider.aws[0].default_tags[0].tags).toMatchObject({ Environment: 'eph-pr-42', Application: 'analytics-platform' });
    for (const env of environments) expect(globMatches('eph-*', env.name)).toBe(false);
  });

  test('iam:PassRole only of copies\' ETL roles to Lambda, and their flow-log roles', () => {
    expect(statements.filter((s) => actionsOf(s).includes('iam:PassRole'))).toEqual([
      { Sid: 'PassEtlRoleToLambda', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [`arn:aws:iam::${ACCOUNT}:role/analytics-etl-*-eph-*`], Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
      { Sid: 'PassFlowLogRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [`arn:aws:iam::${ACCOUNT}:role/analytics-flowlog-*-eph-*`] },
    ]);
  });

  test('destroys what it creates: the destroy-only actions and emptying the raw buckets', () => {
    expect(statements.flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:DeleteTable', 's3:DeleteObjectVersion', 's3:ListBucketVersions']));
    expect(statements.find((s) => s.Sid === 'EmptyRawBucketOnDestroy')?.Resource).toEqual(['arn:aws:s3:::analytics-bucket-*-eph-*', 'arn:aws:s3:::analytics-bucket-*-eph-*/*']);
  });
});

describe('for the moto emulator', () => {
  const moto = bootstrap({ target: emulatorTarget('moto', 'http://127.0.0.1:4999') });

  test('local state, dummy credentials, every service at the endpoint, no account pin', () => {
    expect(moto.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(moto.provider.aws[0]).toMatchObject({ access_key: 'test', secret_key: 'test', s3_use_path_style: true });
    expect(moto.provider.aws[0].endpoints[0]).toMatchObject({ iam: 'http://127.0.0.1:4999', s3: 'http://127.0.0.1:4999', sts: 'http://127.0.0.1:4999' });
    expect(moto.provider.aws[0].allowed_account_ids).toBeUndefined();
  });
  test('destroyable (tests tear it down) and without the TLS-only Deny moto would apply unconditionally', () => {
    expect(one(moto, 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: false });
    expect(resources(moto, 'aws_s3_bucket_policy')).toEqual([]);
  });
  test('--bootstrap-state s3 is ignored: an emulator keeps local state', () => {
    expect(bootstrap({ target: emulatorTarget('moto', 'http://127.0.0.1:4999'), state: 's3' }).terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
  });
});
