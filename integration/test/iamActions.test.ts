/**
 * Recorded requests → the authorizations AWS makes for them: requests as moto's recorder writes them, read back into
 * operation, action, resource and request context (no emulator: REST operations come from botocore's models).
 */
import { authorizationsOf, type ResourceFacts } from '../src/iamActions';
import { parseRecording, type RecordedRequest } from '../src/recordedCall';

const ACCOUNT = '123456789012';
const ENDPOINT = 'http://127.0.0.1:5000';
const facts: ResourceFacts = {
  tags: (arn) => (arn.endsWith('/vpc-0abc') ? { Environment: 'dev', Application: 'analytics-platform' } : undefined),
  mappingFunction: (uuid) => (uuid === '72d3657d-4d60-4299-b3d9-d8bc56fc7088' ? `arn:aws:lambda:us-east-1:${ACCOUNT}:function:analytics-etl-us-east-1-dev` : undefined),
  associatedRouteTable: () => undefined,
};

function request(method: string, pathAndQuery: string, service: string, extra: { headers?: Record<string, string>; body?: string } = {}): RecordedRequest {
  const authorization = `AWS4-HMAC-SHA256 Credential=etl-function-us-east-1/20261203/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  return { method, url: `${ENDPOINT}${pathAndQuery}`, headers: { Authorization: authorization, 'User-Agent': 'aws-sdk-js/3', ...extra.headers }, body: extra.body ?? '', body_encoded: false };
}

/** An entry as moto's recorder writes it (Python's json.dumps: headers first, `": "` after keys). */
const asMoto = (r: RecordedRequest) => `{"headers": ${JSON.stringify(r.headers)}, "method": ${JSON.stringify(r.method)}, "url": ${JSON.stringify(r.url)}, "body": ${JSON.stringify(r.body)}, "body_encoded": false}`;

async function authorized(...requests: RecordedRequest[]): Promise<[string, string, Record<string, unknown>][]> {
  // one recording, as moto writes it: the first two entries share a line, as concurrent requests can make them
  const text = `${asMoto(requests[0]!)}${requests.slice(1).map(asMoto).join('\n')}\n`;
  const calls = parseRecording(text);
  expect(calls).toHaveLength(requests.length);
  const all = await Promise.all(calls.map((call) => authorizationsOf(call, ACCOUNT, facts)));
  return all.flat().map((a) => [a.action, a.resource, a.context]);
}

const BUCKET = '/analytics-bucket-us-east-1-dev';
const OBJECT = `arn:aws:s3:::analytics-bucket-us-east-1-dev/input/sales/a+b.csv`;

test('S3: HeadObject and GetObject by version → s3:GetObjectVersion; without one → s3:GetObject; the key percent-decoded', async () => {
  expect(
    await authorized(
      request('HEAD', `${BUCKET}/input/sales/a%2Bb.csv?versionId=v1`, 's3'),
      request('GET', `${BUCKET}/input/sales/a%2Bb.csv?versionId=v1`, 's3'),
      request('GET', `${BUCKET}/input/sales/a%2Bb.csv`, 's3'),
    ),
  ).toEqual([
    ['s3:GetObjectVersion', OBJECT, {}],
    ['s3:GetObjectVersion', OBJECT, {}],
    ['s3:GetObject', OBJECT, {}],
  ]);
});

test('S3: multipart parts and completion → s3:PutObject; a copy (x-amz-copy-source) also reads its source; ListObjectsV2 → s3:ListBucket with s3:prefix', async () => {
  const processed = `${BUCKET}/processed/p.parquet`;
  expect(
    await authorized(
      request('POST', `${processed}?uploads`, 's3'),
      request('PUT', `${processed}?partNumber=1&uploadId=u1`, 's3'),
      request('POST', `${processed}?uploadId=u1`, 's3'),
      request('PUT', processed, 's3', { headers: { 'x-amz-copy-source': '/analytics-bucket-us-east-1-dev/input/x.csv?versionId=v1' } }),
      request('GET', `${BUCKET}?list-type=2&prefix=input%2F`, 's3'),
      request('GET', `${BUCKET}?list-type=2`, 's3'),
    ),
  ).toEqual([
    ...Array.from({ length: 4 }, () => ['s3:PutObject', 'arn:aws:s3:::analytics-bucket-us-east-1-dev/processed/p.parquet', {}]),
    ['s3:GetObject', 'arn:aws:s3:::analytics-bucket-us-east-1-dev/input/x.csv', {}],
    ['s3:ListBucket', 'arn:aws:s3:::analytics-bucket-us-east-1-dev', { 's3:prefix': 'input/' }],
    ['s3:ListBucket', 'arn:aws:s3:::analytics-bucket-us-east-1-dev', {}],
  ]);
});

test('S3: a batch delete (DeleteObjects) is authorized per object of its XML body, a version as s3:DeleteObjectVersion', async () => {
  const body = '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>analytics/ephemeral/eph-a/us-east-1.tfstate</Key></Object><Object><Key>a&amp;b.csv</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>';
  expect(await authorized(request('POST', '/analytics-tfstate-123456789012?delete', 's3', { body }))).toEqual([
    ['s3:DeleteObject', 'arn:aws:s3:::analytics-tfstate-123456789012/analytics/ephemeral/eph-a/us-east-1.tfstate', {}],
    ['s3:DeleteObjectVersion', 'arn:aws:s3:::analytics-tfstate-123456789012/a&b.csv', {}],
  ]);
});

test('JSON protocols: SQS batch deletes → sqs:DeleteMessage on the queue of the URL; DynamoDB Query on the index it names, else the table', async () => {
  const queueUrl = `${ENDPOINT}/${ACCOUNT}/analytics-queue-us-east-1-dev`;
  const query = (params: object) => request('POST', '/', 'dynamodb', { headers: { 'X-Amz-Target': 'DynamoDB_20120810.Query' }, body: JSON.stringify(params) });
  expect(
    await authorized(
      request('POST', '/', 'sqs', { headers: { 'X-Amz-Target': 'AmazonSQS.DeleteMessageBatch' }, body: JSON.stringify({ QueueUrl: queueUrl, Entries: [] }) }),
      query({ TableName: 'analytics-jobs-us-east-1-dev', IndexName: 'status-created_at-index' }),
      query({ TableName: 'analytics-jobs-us-east-1-dev' }),
    ),
  ).toEqual([
    ['sqs:DeleteMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:analytics-queue-us-east-1-dev`, {}],
    ['dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/analytics-jobs-us-east-1-dev/index/status-created_at-index`, {}],
    ['dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/analytics-jobs-us-east-1-dev`, {}],
  ]);
});

test('EC2 create with tags: the new subnet and its VPC (with the VPC tags read back), and ec2:CreateTags with ec2:CreateAction', async () => {
  const body = 'Action=CreateSubnet&Version=2016-11-15&VpcId=vpc-0abc&CidrBlock=10.20.0.0%2F20&TagSpecification.1.ResourceType=subnet&TagSpecification.1.Tag.1.Key=Environment&TagSpecification.1.Tag.1.Value=dev';
  const requestTags = { 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] };
  const vpcTags = { 'aws:ResourceTag/Environment': 'dev', 'aws:ResourceTag/Application': 'analytics-platform' };
  expect(await authorized(request('POST', '/', 'ec2', { body }))).toEqual([
    ['ec2:CreateSubnet', `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/new`, requestTags],
    ['ec2:CreateSubnet', `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0abc`, { ...requestTags, ...vpcTags }],
    ['ec2:CreateTags', `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/new`, { ...requestTags, 'ec2:CreateAction': 'CreateSubnet' }],
  ]);
});

test('Lambda: CreateFunction passes its role to Lambda and checks the VPC it goes in; a mapping is judged by the function it feeds', async () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/analytics-etl-us-east-1-dev`;
  const create = JSON.stringify({ FunctionName: 'analytics-etl-us-east-1-dev', Role: role, VpcConfig: { SubnetIds: ['subnet-1'] } });
  const found = await authorized(request('POST', '/2015-03-31/functions', 'lambda', { body: create }), request('GET', '/2015-03-31/event-source-mappings/72d3657d-4d60-4299-b3d9-d8bc56fc7088', 'lambda'));
  expect(found).toEqual([
    ['lambda:CreateFunction', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:analytics-etl-us-east-1-dev`, {}],
    ['iam:PassRole', role, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    ['ec2:DescribeSecurityGroups', '*', {}],
    ['ec2:DescribeSubnets', '*', {}],
    ['ec2:DescribeVpcs', '*', {}],
    [
      'lambda:GetEventSourceMapping',
      `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:72d3657d-4d60-4299-b3d9-d8bc56fc7088`,
      { 'lambda:FunctionArn': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:analytics-etl-us-east-1-dev` },
    ],
  ]);
});

test('KMS by alias: authorized on the key the alias names, with kms:RequestAlias', async () => {
  const body = JSON.stringify({ KeyId: 'alias/aws/dynamodb' });
  expect(await authorized(request('POST', '/', 'kms', { headers: { 'X-Amz-Target': 'TrentService.DescribeKey' }, body }))).toEqual([
    ['kms:DescribeKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/key-named-by-alias`, { 'kms:RequestAlias': 'alias/aws/dynamodb' }],
  ]);
});

test('an operation AWS authorizes under no action of that name says where to map it', async () => {
  const call = parseRecording(asMoto(request('POST', '/', 'sqs', { headers: { 'X-Amz-Target': 'AmazonSQS.NoSuchOperation' }, body: '{}' })))[0]!;
  await expect(authorizationsOf(call, ACCOUNT, facts)).rejects.toThrow('no action sqs:NoSuchOperation; add the operation to ACTION_OF in integration/src/iamActions.ts');
});
