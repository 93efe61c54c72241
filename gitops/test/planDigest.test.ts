import { deflateRawSync } from 'node:zlib';
import { digestDifference, digestOf, readRecord, recordLine } from '../src/planDigest';
import { summarizePlan } from '../src/planReport';

/** A `show -json` plan as reportablePlan leaves it: addresses and actions only. */
const plan = (resources: Record<string, string[]>, outputs: Record<string, string[]> = {}) =>
  summarizePlan('dev-us-east-1', {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: Object.entries(resources).map(([address, actions]) => ({
      address,
      mode: address.startsWith('data.') ? 'data' : 'managed',
      type: address.replace(/^data\./, '').split('.')[0]!,
      name: address.split('.').at(-1)!,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: actions as never, before: null },
    })),
    output_changes: Object.fromEntries(Object.entries(outputs).map(([name, actions]) => [name, { actions: actions as never, before: null }])),
  });

test('a digest: changing resources and outputs by address, reads and no-ops left out, the same whatever the plan order', () => {
  const resources = {
    'aws_vpc.main': ['delete', 'create'],
    'aws_s3_bucket.raw': ['no-op'],
    'data.aws_iam_policy_document.etl': ['read'],
    'aws_sqs_queue.jobs': ['update'],
    'aws_subnet.a': ['create', 'delete'],
  };
  const digest = digestOf(plan(resources, { bucket_name: ['update'], queue_url: ['no-op'] }));
  expect(digest).toEqual([
    { address: 'aws_sqs_queue.jobs', effect: 'change' },
    { address: 'aws_subnet.a', effect: 'replace' },
    { address: 'aws_vpc.main', effect: 'replace' },
    { address: 'output.bucket_name', effect: 'change' },
  ]);
  expect(digestOf(plan(Object.fromEntries(Object.entries(resources).reverse()), { queue_url: ['no-op'], bucket_name: ['update'] }))).toEqual(digest);
});

test('the difference: what is planned now and was not reviewed, and the reverse; a changed effect is in both', () => {
  const reviewed = digestOf(plan({ 'aws_vpc.main': ['update'], 'aws_sqs_queue.jobs': ['update'], 'aws_s3_bucket.old': ['delete'] }));
  const planned = digestOf(plan({ 'aws_vpc.main': ['delete', 'create'], 'aws_sqs_queue.jobs': ['update'], 'aws_subnet.a': ['create'] }));
  expect(digestDifference(reviewed, planned)).toEqual({
    added: [
      { address: 'aws_subnet.a', effect: 'add' },
      { address: 'aws_vpc.main', effect: 'replace' },
    ],
    removed: [
      { address: 'aws_s3_bucket.old', effect: 'destroy' },
      { address: 'aws_vpc.main', effect: 'change' },
    ],
  });
  expect(digestDifference(planned, planned)).toEqual({ added: [], removed: [] });
});

describe('the record line', () => {
  const record = { commit: '6dcb09b5b57875f334f61aebed695e2e4193db5e', stacks: { 'dev-us-east-1': digestOf(plan({ 'aws_vpc.main': ['update'] }, { url: ['create'] })), 'prod-us-east-1': [] } };

  test('an HTML comment of one line that reads back as written, found anywhere in a comment body', () => {
    const line = recordLine(record);
    expect(line).toMatch(/^<!-- analytics-platform:reviewed-plan v1 [A-Za-z0-9+/=]+ -->$/);
    expect(readRecord(`<!-- analytics-platform:plan-report -->\n${line}\n\n## Terraform plan\n`)).toEqual(record);
    expect(readRecord(recordLine({ commit: record.commit, notRun: 'the integration suite failed', stacks: {} }))).toEqual({ commit: record.commit, notRun: 'the integration suite failed', stacks: {} });
  });

  test('none in a body without one; an unreadable one is an error that says so', () => {
    expect(readRecord('<!-- analytics-platform:plan-report -->\n## Terraform plan')).toBeUndefined();
    expect(() => readRecord('<!-- analytics-platform:reviewed-plan v1 bm90IGRlZmxhdGVk -->')).toThrow(/reviewed-plan record is unreadable/);
    const wrongShape = deflateRawSync(JSON.stringify({ stacks: { dev: [['aws_vpc.main', 'explode']] } })).toString('base64');
    expect(() => readRecord(`<!-- analytics-platform:reviewed-plan v1 ${wrongShape} -->`)).toThrow(/reviewed-plan record is unreadable/);
  });
});
