/**
 * What the GitHub workflows may do in an account: the plan role reads (and saves plans for the apply jobs), each
 * deploy role manages its own environment's regional stacks, the copies' deploy role every on-demand copy's. Built from the same names the regional stacks use
 * (config/names.ts) with `*` for the region (and, for the plan role, the suffix), so a renamed resource cannot drift
 * out of its role's reach.
 *
 * Every action is listed (no `service:*`). Resources are the platform's names; the exceptions, each in its
 * statement: EC2 Describe* and logs:DescribeLogGroups (AWS supports no resource there), EC2 creates and changes
 * (scoped by region and by the stacks' Environment/Application tags), Lambda event source mappings (ids are
 * random UUIDs; scoped by the function they feed) and KMS key metadata (scoped by the alias it is asked by).
 * Every call terraform makes with these roles is simulated against them by the integration suites
 * (integration/src/recordedCallCheck.ts); what they must not allow, by infra/test/leastPrivilege.test.ts.
 */
import { COPY_PREFIX, COPY_STATE_PREFIX, copyDeployRoleArn } from '../config/ephemeralCopy';
import type { Environment } from '../config/loadEnvironments';
import { regionalNames, type RegionalNames } from '../config/names';
import type { PolicyStatement } from '../constructs/policyDocument';
import { appliedCommitsPrefix, savedPlansPrefix } from '../constructs/stateStoreKeys';
import { APPLICATION_TAG } from '../stacks/RegionalStack';
import { stateKey } from '../stacks/stackNames';
import { GITHUB_OIDC_HOST } from '../constructs/GithubOidcRole';
import { type BootstrapAccount, roleNameAndPath } from './accounts';
import { operatorPolicyName } from './operatorPermissions';

type Condition = NonNullable<PolicyStatement['Condition']>;


/** One kind of resource the regional stacks manage: its ARNs for a set of names, and what reading and managing it takes. */
interface ManagedKind {
  readonly sid: string;
  readonly resources: (names: RegionalNames, account: string) => string[];
  /** What `terraform plan` (refresh) calls. */
  readonly read: readonly string[];
  /** What create, update and destroy call on top of `read`. */
  readonly write: readonly string[];
  /**
   * What only destroying the resource calls, granted to ephemeral environments' deploy roles alone: destroy.yml refuses
   * the others, and their deletion protection would refuse it anyway.
   */
  readonly destroyOnly?: readonly string[];
  readonly condition?: (names: RegionalNames, account: string) => Condition;
  /** IAM is global (its requests carry aws:RequestedRegion us-east-1), so it gets no region condition. @default true */
  readonly regional?: boolean;
}

const functionArn = (names: RegionalNames, account: string) => `arn:aws:lambda:*:${account}:function:${names.etlFunction}`;
/** Event source mappings are named by UUID; Lambda checks lambda:FunctionArn on them instead. */
const feedsOurFunction = (names: RegionalNames, account: string): Condition => ({ ArnLike: { 'lambda:FunctionArn': functionArn(names, account) } });
const logGroupArns = (names: RegionalNames, account: string) =>
  [names.etlLogGroup, names.flowLogGroup].flatMap((group) => [`arn:aws:logs:*:${account}:log-group:${group}`, `arn:aws:logs:*:${account}:log-group:${group}:*`]);

const MANAGED_KINDS: readonly ManagedKind[] = [
  {
    sid: 'RawBucket',
    resources: (n) => [`arn:aws:s3:::${n.bucket}`],
    read: [
      's3:ListBucket', 's3:GetBucketPolicy', 's3:GetBucketAcl', 's3:GetBucketCORS', 's3:GetBucketWebsite',
      's3:GetBucketVersioning', 's3:GetAccelerateConfiguration', 's3:GetBucketRequestPayment', 's3:GetBucketLogging',
      's3:GetLifecycleConfiguration', 's3:GetReplicationConfiguration', 's3:GetEncryptionConfiguration',
      's3:GetBucketObjectLockConfiguration', 's3:GetBucketTagging', 's3:GetBucketPublicAccessBlock', 's3:GetBucketOwnershipControls',
      's3:GetBucketNotification',
    ],
    write: [
      's3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketTagging', 's3:PutBucketVersioning', 's3:PutEncryptionConfiguration',
      's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:PutLifecycleConfiguration', 's3:PutBucketPolicy',
      's3:DeleteBucketPolicy', 's3:PutBucketNotification',
    ],
  },
  {
    sid: 'JobTable',
    resources: (n, a) => [`arn:aws:dynamodb:*:${a}:table/${n.jobTable}`],
    read: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'],
    write: ['dynamodb:CreateTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateContinuousBackups', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
    destroyOnly: ['dynamodb:DeleteTable'],
  },
  {
    // refreshing a table encrypted under DynamoDB's AWS-managed key, the provider asks KMS which key that alias names
    sid: 'DynamodbManagedKey',
    resources: (_n, a) => [`arn:aws:kms:*:${a}:key/*`],
    read: ['kms:DescribeKey'],
    write: [],
    condition: () => ({ StringEquals: { 'kms:RequestAlias': 'alias/aws/dynamodb' } }),
  },
  {
    sid: 'EtlFunction',
    resources: (n, a) => [functionArn(n, a)],
    read: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetFunctionConcurrency', 'lambda:ListVersionsByFunction', 'lambda:ListTags'],
    write: [
      'lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration',
      'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:TagResource', 'lambda:UntagResource',
    ],
  },
  {
    sid: 'QueueMapping',
    resources: (_n, a) => [`arn:aws:lambda:*:${a}:event-source-mapping:*`],
    read: ['lambda:GetEventSourceMapping'],
    write: ['lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
    condition: feedsOurFunction,
  },
  {
    // CreateEventSourceMapping has no resource type: "*", limited to mappings that feed our function
    sid: 'QueueMappingCreate',
    resources: () => ['*'],
    read: [],
    write: ['lambda:CreateEventSourceMapping'],
    condition: feedsOurFunction,
  },
  {
    // tag calls carry no lambda:FunctionArn; tags on a mapping grant nothing
    sid: 'QueueMappingTags',
    resources: (_n, a) => [`arn:aws:lambda:*:${a}:event-source-mapping:*`],
    read: ['lambda:ListTags'],
    write: ['lambda:TagResource', 'lambda:UntagResource'],
  },
  {
    sid: 'Queues',
    resources: (n, a) => [`arn:aws:sqs:*:${a}:${n.queue}`, `arn:aws:sqs:*:${a}:${n.deadLetterQueue}`],
    read: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
  },
  {
    sid: 'ObjectCreatedRule',
    resources: (n, a) => [`arn:aws:events:*:${a}:rule/${n.eventRule}`],
    read: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
    write: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource', 'events:UntagResource'],
  },
  {
    sid: 'AlarmTopic',
    // the topic, and its subscriptions (topic ARN + ":<id>")
    resources: (n, a) => [`arn:aws:sns:*:${a}:${n.alarmTopic}`, `arn:aws:sns:*:${a}:${n.alarmTopic}:*`],
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'],
    write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes', 'sns:TagResource', 'sns:UntagResource'],
  },
  {
    sid: 'Alarms',
    resources: (n, a) =>
      [n.etlErrorsAlarm, n.queueDepthAlarm, n.oldestMessageAlarm, n.deadLetterAlarm].map((alarm) => `arn:aws:cloudwatch:*:${a}:alarm:${alarm}`),
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
  },
  {
    sid: 'Dashboard',
    resources: (n, a) => [`arn:aws:cloudwatch::${a}:dashboard/${n.dashboard}`],
    read: ['cloudwatch:GetDashboard'],
    write: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
  },
  {
    sid: 'LogGroups',
    resources: logGroupArns,
    read: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
    write: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
  },
  {
    sid: 'ServiceRoles',
    resources: (n, a) => [`arn:aws:iam::${a}:role/${n.etlRole}`, `arn:aws:iam::${a}:role/${n.flowLogRole}`],
    read: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
    write: [
      'iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
      'iam:TagRole', 'iam:UntagRole', 'iam:ListInstanceProfilesForRole',
    ],
    regional: false,
  },
];

/** Read-only calls AWS authorizes only on Resource "*" (refresh of VPC pieces, log groups; Lambda's VPC checks). */
const DESCRIBE_ONLY_ON_STAR = [
  'ec2:DescribeVpcs', 'ec2:DescribeVpcAttribute', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeNetworkAcls',
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeVpcEndpoints', 'ec2:DescribePrefixLists',
  'ec2:DescribeFlowLogs', 'ec2:DescribeNetworkInterfaces', 'logs:DescribeLogGroups',
];

/** The network resources the stacks create; EC2 ARNs carry ids, not names, so tags stand in for names. */
const EC2_TYPES = ['vpc', 'subnet', 'route-table', 'security-group', 'vpc-endpoint', 'vpc-flow-log'];
/**
 * Each create and the resource type it makes. A create is also authorized on what it goes into (a subnet's VPC, an
 * endpoint's subnets), which carries no request tags of its own: granted by tags it already has (EC2_CHANGES), never by
 * the request's, or any role could add subnets or endpoints to another environment's VPC.
 */
const EC2_MAKES: Readonly<Record<string, string>> = {
  'ec2:CreateVpc': 'vpc',
  'ec2:CreateSubnet': 'subnet',
  'ec2:CreateRouteTable': 'route-table',
  'ec2:CreateSecurityGroup': 'security-group',
  'ec2:CreateVpcEndpoint': 'vpc-endpoint',
  'ec2:CreateFlowLogs': 'vpc-flow-log',
};
const EC2_CREATES = Object.keys(EC2_MAKES);
const SECURITY_GROUP_RULES = ['ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress'];
const EC2_CHANGES = [
  ...EC2_CREATES, // a create is also authorized on the (tagged) VPC, subnets, route tables or groups it goes into
  'ec2:DeleteVpc', 'ec2:DeleteSubnet', 'ec2:DeleteRouteTable', 'ec2:DeleteSecurityGroup', 'ec2:DeleteVpcEndpoints', 'ec2:DeleteFlowLogs',
  'ec2:ModifyVpcAttribute', 'ec2:ModifySubnetAttribute', 'ec2:ModifyVpcEndpoint', 'ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable',
  ...SECURITY_GROUP_RULES, 'ec2:CreateTags', 'ec2:DeleteTags',
];

const inRegions = (regions: readonly string[]): Condition => ({ StringEquals: { 'aws:RequestedRegion': [...regions] } });

/** Merges conditions operator by operator (IAM ANDs the keys). */
function allOf(...conditions: (Condition | undefined)[]): Condition | undefined {
  const merged: Record<string, Record<string, string | string[] | boolean>> = {};
  for (const condition of conditions) {
    for (const [operator, keys] of Object.entries(condition ?? {})) merged[operator] = { ...merged[operator], ...keys };
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function allow(sid: string, action: readonly string[], resource: string[], condition?: Condition): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: [...action], Resource: resource, ...(condition ? { Condition: condition } : {}) };
}

function managedStatements(names: RegionalNames, account: string, regions: readonly string[], access: 'Read' | 'Manage' | 'ManageEphemeral'): PolicyStatement[] {
  return MANAGED_KINDS.flatMap((kind) => {
    const actions = access === 'Read' ? kind.read : [...kind.read, ...kind.write, ...(access === 'ManageEphemeral' ? (kind.destroyOnly ?? []) : [])];
    if (actions.length === 0) return [];
    const condition = allOf(kind.regional === false ? undefined : inRegions(regions), kind.condition?.(names, account));
    return [allow(`${access === 'Read' ? 'Read' : 'Manage'}${kind.sid}`, actions, kind.resources(names, account), condition)];
  });
}

function regionsOf(environments: readonly Environment[]): string[] {
  return [...new Set(environments.flatMap((env) => env.regions.map((r) => r.name)))].sort();
}

/**
 * The plan role: read every environment's state (plans run with -lock=false), refresh every regional stack, and
 * save plans for the deploy jobs (write only; the deploy job checks the plan's digest, since pull-request plans hold
 * this role too).
 */
export function planRoleStatements(account: BootstrapAccount): PolicyStatement[] {
  const bucket = `arn:aws:s3:::${account.state.bucket}`;
  const regions = regionsOf(account.environments);
  return [
    allow('ListStateBucket', ['s3:ListBucket'], [bucket]),
    allow('ReadState', ['s3:GetObject'], [`${bucket}/${stateKey('*', '*')}`]),
    allow('SavePlans', ['s3:PutObject'], [`${bucket}/${savedPlansPrefix('*')}*`]),
    allow('DescribeOnlyOnStar', DESCRIBE_ONLY_ON_STAR, ['*'], inRegions(regions)),
    ...managedStatements(regionalNames('*', '*'), account.account, regions, 'Read'),
  ];
}

/**
 * What a deploy role's regional stacks are: their names (a pattern), regions, the Environment tag their network
 * resources carry, and whether they may be destroyed.
 */
interface DeployScope {
  readonly names: RegionalNames;
  readonly regions: readonly string[];
  /** The Environment tag: one environment's name (StringEquals), or the pattern of many (StringLike). */
  readonly environmentTag: { readonly operator: 'StringEquals' | 'StringLike'; readonly value: string };
  readonly ephemeral: boolean;
}

/** Tag condition keys for one scope, on the request (creates) or on the resource (changes). */
function taggedAs(scope: DeployScope, key: 'aws:RequestTag' | 'aws:ResourceTag'): Condition {
  const { operator, value } = scope.environmentTag;
  return allOf(
    { [operator]: { [`${key}/Environment`]: value } },
    { StringEquals: { [`${key}/Application`]: APPLICATION_TAG, 'aws:RequestedRegion': [...scope.regions] } },
  )!;
}

/** What a deploy role holds besides the state bucket: the regional stacks of its scope. */
function regionalStackStatements(account: string, scope: DeployScope): PolicyStatement[] {
  const { names, regions } = scope;
  const ec2 = EC2_TYPES.map((type) => `arn:aws:ec2:*:${account}:${type}/*`);
  return [
    allow('DescribeOnlyOnStar', DESCRIBE_ONLY_ON_STAR, ['*'], inRegions(regions)),
    ...managedStatements(names, account, regions, scope.ephemeral ? 'ManageEphemeral' : 'Manage'),
    ...(scope.ephemeral
      ? [
          // force_destroy empties the raw bucket before deleting it
          allow('EmptyRawBucketOnDestroy', ['s3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion'], [`arn:aws:s3:::${names.bucket}`, `arn:aws:s3:::${names.bucket}/*`], inRegions(regions)),
        ]
      : []),
    allow('PassEtlRoleToLambda', ['iam:PassRole'], [`arn:aws:iam::${account}:role/${names.etlRole}`], {
      StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' },
    }),
    // CreateFlowLogs checks iam:PassRole of the delivery role; AWS's flow-log guide grants it by role ARN alone
    allow('PassFlowLogRole', ['iam:PassRole'], [`arn:aws:iam::${account}:role/${names.flowLogRole}`]),
    // EC2: new network resources only when tagged as this scope's; existing ones only when they carry those tags
    ...Object.entries(EC2_MAKES).map(([create, type]) =>
      allow(`${create.slice('ec2:'.length)}Tagged`, [create], [`arn:aws:ec2:*:${account}:${type}/*`], taggedAs(scope, 'aws:RequestTag')),
    ),
    allow('TagNetworkOnCreate', ['ec2:CreateTags'], ec2, {
      // ec2:CreateAction holds the API name without the service prefix
      StringEquals: { 'ec2:CreateAction': EC2_CREATES.map((action) => action.slice('ec2:'.length)), 'aws:RequestedRegion': [...regions] },
    }),
    allow('ChangeOwnNetwork', EC2_CHANGES, ec2, taggedAs(scope, 'aws:ResourceTag')),
    // the VPC's default security group exists untagged; the stack adopts it by tagging it, then strips its rules. Only
    // a group without an Environment tag: retagging another environment's group would make it this role's
    allow('AdoptDefaultSecurityGroup', ['ec2:CreateTags'], [`arn:aws:ec2:*:${account}:security-group/*`], allOf(taggedAs(scope, 'aws:RequestTag'), { Null: { 'aws:ResourceTag/Environment': 'true' } })),
    // rules of our (tagged) groups are resources of their own, created untagged by the group's inline rules
    allow('SecurityGroupRules', SECURITY_GROUP_RULES, [`arn:aws:ec2:*:${account}:security-group-rule/*`], inRegions(regions)),
    // deleting the ETL's subnets and security group, the provider removes the ENIs Lambda leaves behind ("AWS Lambda VPC
    // ENI"), which carry no tags; only a detached ENI can be deleted, so an attached one of anything else stays safe
    allow('LingeringLambdaEnis', ['ec2:DeleteNetworkInterface'], [`arn:aws:ec2:*:${account}:network-interface/*`], inRegions(regions)),
  ];
}

/** The S3 backend's DynamoDB lock table, when the account names one; items keyed by `<bucket>/<state key>`. */
function stateLockTable(account: BootstrapAccount, condition?: Condition): PolicyStatement[] {
  const { lockTable, region } = account.state;
  if (!lockTable) return [];
  return [allow('StateLockTable', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [`arn:aws:dynamodb:${region}:${account.account}:table/${lockTable}`], condition)];
}

/**
 * One environment's deploy role: its own state (read, write, lockfile or lock table), its own saved plans (read) and
 * applied-commit records (read, write), its own regional stacks' resources (names ending in `-<suffix>`, in its
 * regions), and iam:PassRole of the two service roles it makes.
 */
export function deployRoleStatements(account: BootstrapAccount, env: Environment): PolicyStatement[] {
  const bucket = `arn:aws:s3:::${account.state.bucket}`;
  const state = `${bucket}/${stateKey(env.name, '*')}`;
  return [
    allow('ListStateBucket', ['s3:ListBucket'], [bucket]),
    allow('ReadWriteOwnState', ['s3:GetObject', 's3:PutObject'], [state, `${state}.tflock`]),
    allow('ReleaseStateLock', ['s3:DeleteObject'], [`${state}.tflock`]),
    allow('ReadOwnSavedPlans', ['s3:GetObject'], [`${bucket}/${savedPlansPrefix(env.name)}*`]),
    // the deploy order check: the commit last applied to each of its stacks
    allow('OwnAppliedCommits', ['s3:GetObject', 's3:PutObject'], [`${bucket}/${appliedCommitsPrefix(env.name)}*`]),
    ...stateLockTable(account),
    ...regionalStackStatements(account.account, {
      names: regionalNames('*', env.suffix),
      regions: env.regions.map((r) => r.name),
      environmentTag: { operator: 'StringEquals', value: env.name },
      ephemeral: env.ephemeral,
    }),
  ];
}

/**
 * The account's templates: its ephemeral environments, whose GitHub environments the copies' deploy role trusts and
 * whose regions copies deploy to. None: the account gets no copies' role.
 */
export function copyTemplates(account: BootstrapAccount): Environment[] {
  return account.environments.filter((env) => env.ephemeral);
}

/**
 * The deploy role of every on-demand copy in the account (config/ephemeralCopy.ts): the copies' keys under
 * `analytics/ephemeral/` (state, lockfiles, copy records: read, write, delete once destroyed), resources named
 * `analytics-<type>-<region>-eph-*` in the templates' regions (destroy included) and network resources tagged
 * Environment `eph-*`. Never an environment folder's names, tags or state keys: no folder may use the prefix
 * (loadEnvironments refuses it), nor the folder name `ephemeral` (whose state would fall under the copies' prefix).
 */
export function copiesDeployRoleStatements(account: BootstrapAccount): PolicyStatement[] {
  const bucket = `arn:aws:s3:::${account.state.bucket}`;
  const copies = `${COPY_STATE_PREFIX}*`;
  return [
    allow('ListCopies', ['s3:ListBucket'], [bucket], {
      // listing and reaping the copies; terraform's workspace listing at init too (a copy's workspace_key_prefix is there)
      StringLike: { 's3:prefix': [copies] },
    }),
    allow('CopiesStateAndRecords', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [`${bucket}/${copies}`]),
    // items are keyed <bucket>/<state key> (and <bucket>/<state key>-md5): the copies' alone; ForAllValues holds
    // vacuously for a request without keys, so one is required
    ...stateLockTable(account, {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${account.state.bucket}/${copies}`] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    }),
    ...regionalStackStatements(account.account, {
      names: regionalNames('*', `${COPY_PREFIX}*`),
      regions: regionsOf(copyTemplates(account)),
      environmentTag: { operator: 'StringLike', value: `${COPY_PREFIX}*` },
      ephemeral: true,
    }),
  ];
}

/** The platform's IAM policies and the GitHub OIDC provider, for the bootstrap administrator. */
const OIDC_PROVIDER_ACTIONS = [
  'iam:CreateOpenIDConnectProvider', 'iam:GetOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider',
  'iam:UntagOpenIDConnectProvider', 'iam:AddClientIDToOpenIDConnectProvider', 'iam:RemoveClientIDFromOpenIDConnectProvider',
  'iam:UpdateOpenIDConnectProviderThumbprint',
];
const WORKFLOW_ROLE_ACTIONS = [
  'iam:CreateRole', 'iam:GetRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole',
  'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:ListInstanceProfilesForRole',
];
const MANAGED_POLICY_ACTIONS = [
  'iam:CreatePolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion',
  'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy',
];

function kind(sid: string): ManagedKind {
  return MANAGED_KINDS.find((k) => k.sid === sid)!;
}

/**
 * What applying (and destroying) the bootstrap stack takes, for a person or a pipeline that should not hold
 * AdministratorAccess: the state bucket (the same settings as a raw bucket) and the bootstrap's own state in it
 * (`ownStateKey`), the lock table when named (as a job table), the GitHub OIDC provider, the plan and deploy roles
 * (the copies' too) and their managed policies, the operators' policies — nothing else.
 */
export function bootstrapAdministratorStatements(account: BootstrapAccount, ownStateKey: string): PolicyStatement[] {
  const { state } = account;
  const ownState = `arn:aws:s3:::${state.bucket}/${ownStateKey}`;
  const lockTable = `arn:aws:dynamodb:${state.region}:${account.account}:table/${state.lockTable}`;
  const bucket = kind('RawBucket');
  const table = kind('JobTable');
  const copies = copyTemplates(account).length > 0 ? [copyDeployRoleArn(account.account)] : [];
  const roles = [...new Set([...account.environments.flatMap((env) => [env.roles.plan, env.roles.deploy]), ...copies])].sort();
  const policies = [
    ...roles.map((arn) => `arn:aws:iam::${account.account}:policy/${roleNameAndPath(arn).roleName}-*`),
    ...account.environments.map((env) => `arn:aws:iam::${account.account}:policy/${operatorPolicyName(env.name)}`),
  ];
  return [
    // configured like a raw bucket, but sends no event notifications
    allow('StateBucket', [...bucket.read, ...bucket.write].filter((action) => !action.endsWith('BucketNotification')), [`arn:aws:s3:::${state.bucket}`], inRegions([state.region])),
    // the bootstrap's own state once migrated to the bucket (terraform init -migrate-state), and its lock
    allow('OwnState', ['s3:GetObject', 's3:PutObject'], [ownState, `${ownState}.tflock`]),
    allow('ReleaseOwnStateLock', ['s3:DeleteObject'], [`${ownState}.tflock`]),
    ...(state.lockTable
      ? [
          allow('LockTable', [...table.read, ...table.write, ...(table.destroyOnly ?? [])], [lockTable]),
          allow('StateLockTable', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [lockTable]),
        ]
      : []),
    allow('GithubOidcProvider', OIDC_PROVIDER_ACTIONS, [`arn:aws:iam::${account.account}:oidc-provider/${GITHUB_OIDC_HOST}`]),
    allow('WorkflowRoles', WORKFLOW_ROLE_ACTIONS, roles),
    allow('WorkflowRolePolicies', MANAGED_POLICY_ACTIONS, policies),
  ];
}
