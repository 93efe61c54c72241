/**
 * The registry of on-demand copies in a template's state bucket, against the emulator's S3 with the real SDK: records
 * written and listed with their regions' states, what cannot be read listed as a problem, the record deleted only
 * with the last region's state; and the record read back from a synthesized copy stack.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { copyRecordKey, copyStateKey, type CopyRecord } from '../../infra/src/config/ephemeralCopy';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { copyBuckets, deleteRecordIfNoState, deleteRegionState, listAllCopies, listCopies, putCopyRecord } from '../src/copyRegistry';
import { readStackBackend } from '../src/stackBackend';
import { runAsStep } from './support/actionsRun';
import { registryOnEmulator } from './support/registryOnEmulator';

const registry = { bucket: 'analytics-tfstate-copy-registry-test', region: 'us-east-1' };
const record = (suffix: string, extra: Partial<CopyRecord> = {}): CopyRecord => ({ template: 'dev', suffix, expiresAt: '2026-12-04T18:00:00Z', createdBy: 'octocat', ...extra });

const suite = registryOnEmulator(registry);
const put = (Key: string, Body = '{}') => suite.s3.send(new PutObjectCommand({ Bucket: registry.bucket, Key, Body }));

test('the templates share their state buckets: each is listed once', () => {
  const environments = loadEnvironments(path.join(__dirname, '../../environments'));
  expect(copyBuckets(environments)).toEqual([{ bucket: 'analytics-tfstate-123456789012', region: 'us-east-1' }]);
  // prod and staging are no templates: their buckets are never read for copies
  expect(copyBuckets(environments.filter((env) => !env.ephemeral))).toEqual([]);
});

test('records and their regions with state are listed by suffix; a re-dispatch overwrites the record (extend)', async () => {
  await putCopyRecord(registry, record('eph-listed', { pullRequest: 12 }));
  await put(copyStateKey('eph-listed', 'us-east-1'));
  await put(copyStateKey('eph-listed', 'eu-west-1'));
  await putCopyRecord(registry, record('eph-listed', { pullRequest: 12, expiresAt: '2026-12-05T18:00:00Z' }));
  const listed = (await listCopies(registry)).find((copy) => copy.suffix === 'eph-listed');
  expect(listed).toEqual({ suffix: 'eph-listed', bucket: registry, regions: ['eu-west-1', 'us-east-1'], record: record('eph-listed', { pullRequest: 12, expiresAt: '2026-12-05T18:00:00Z' }) });
  // every template's bucket, as the commands read them
  expect((await listAllCopies(loadEnvironments(suite.fixture))).map((copy) => copy.suffix)).toContain('eph-listed');
});

test('a suffix without a readable record is listed with the problem, never dropped', async () => {
  await put(copyStateKey('eph-orphan', 'us-east-1'));
  await put(copyRecordKey('eph-garbled'), 'not json');
  await put(copyRecordKey('eph-wrong'), JSON.stringify(record('eph-wrong', { createdBy: 'not a login!' })));
  await put(copyRecordKey('eph-moved'), JSON.stringify(record('eph-elsewhere')));
  const bySuffix = new Map((await listCopies(registry)).map((copy) => [copy.suffix, copy]));
  expect(bySuffix.get('eph-orphan')).toEqual({ suffix: 'eph-orphan', bucket: registry, regions: ['us-east-1'], problem: 'no copy.json: not made from a template, or its record was deleted by hand' });
  expect(bySuffix.get('eph-garbled')?.problem).toBe(`s3://${registry.bucket}/analytics/ephemeral/eph-garbled/copy.json is not JSON`);
  expect(bySuffix.get('eph-wrong')?.problem).toMatch(/eph-wrong\/copy\.json is not a copy record \(createdBy: must be a GitHub login \(/);
  expect(bySuffix.get('eph-moved')?.problem).toMatch(/eph-moved\/copy\.json names suffix eph-elsewhere, not eph-moved/);
});

test("a region's state (and a lock left over) goes with its destroy; the record only with the last region's", async () => {
  await putCopyRecord(registry, record('eph-gone'));
  for (const region of ['us-east-1', 'eu-west-1']) await put(copyStateKey('eph-gone', region));
  await put(`${copyStateKey('eph-gone', 'us-east-1')}.tflock`);

  await deleteRegionState(registry, 'eph-gone', 'us-east-1');
  expect(await deleteRecordIfNoState(registry, 'eph-gone')).toEqual(['eu-west-1']);
  expect((await listCopies(registry)).find((copy) => copy.suffix === 'eph-gone')).toMatchObject({ regions: ['eu-west-1'], record: record('eph-gone') });

  await deleteRegionState(registry, 'eph-gone', 'eu-west-1');
  expect(await deleteRecordIfNoState(registry, 'eph-gone')).toEqual([]);
  await expect(suite.s3.send(new GetObjectCommand({ Bucket: registry.bucket, Key: copyRecordKey('eph-gone') }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  // a lockfile after a destroy that finished is another run's (the destroy released its own): it stays, and with no
  // record the listing shows it as a problem, never as a copy to reap
  await suite.s3.send(new GetObjectCommand({ Bucket: registry.bucket, Key: `${copyStateKey('eph-gone', 'us-east-1')}.tflock` }));
  expect((await listCopies(registry)).find((copy) => copy.suffix === 'eph-gone')).toEqual({ suffix: 'eph-gone', bucket: registry, regions: [], problem: expect.stringMatching(/^no copy\.json/) });
});

test("with a lock table, a region's destroy also deletes its state's digest item (else a copy deployed again under the suffix fails at init)", async () => {
  const withTable = { ...registry, lockTable: 'analytics-tflock-registry-test' };
  const dynamodb = new DynamoDBClient({ region: registry.region });
  try {
    await dynamodb.send(
      new CreateTableCommand({ TableName: withTable.lockTable, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }] }),
    );
    const digest = { LockID: { S: `${registry.bucket}/${copyStateKey('eph-locked', 'us-east-1')}-md5` } };
    await dynamodb.send(new PutItemCommand({ TableName: withTable.lockTable, Item: { ...digest, Digest: { S: '0123' } } }));
    await put(copyStateKey('eph-locked', 'us-east-1'));
    await deleteRegionState(withTable, 'eph-locked', 'us-east-1');
    expect((await dynamodb.send(new GetItemCommand({ TableName: withTable.lockTable, Key: digest }))).Item).toBeUndefined();
    await expect(suite.s3.send(new GetObjectCommand({ Bucket: registry.bucket, Key: copyStateKey('eph-locked', 'us-east-1') }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  } finally {
    dynamodb.destroy();
  }
});

describe('a synthesized copy stack', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'copy-stack-'));
    synth({ copy: record('eph-tags', { pullRequest: 42 }), outdir, environmentsDir: suite.fixture, target: suite.emulator.target });
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const dir = () => path.join(outdir, 'stacks', 'eph-tags-us-east-1');

  test('carries its record in its default tags, and its registry in its backend: the deploy job needs no other file', () => {
    expect(readStackBackend({ stack: 'eph-tags-us-east-1', dir: dir() })).toEqual({
      stack: 'eph-tags-us-east-1',
      environment: 'eph-tags',
      region: 'us-east-1',
      s3: registry,
      copy: { record: record('eph-tags', { pullRequest: 42 }), bucket: registry },
    });
  });

  test("a template with a lock table: the copy's registry names it, so a region's destroy deletes the state's digest item there", () => {
    const file = path.join(dir(), 'cdk.tf.json');
    const original = readFileSync(file, 'utf8');
    const stack = JSON.parse(original) as { terraform: { backend: { s3: Record<string, unknown> } } };
    stack.terraform.backend.s3.dynamodb_table = 'analytics-tflock';
    try {
      writeFileSync(file, JSON.stringify(stack));
      expect(readStackBackend({ stack: 'eph-tags-us-east-1', dir: dir() }).copy!.bucket).toEqual({ ...registry, lockTable: 'analytics-tflock' });
    } finally {
      writeFileSync(file, original);
    }
  });

  test('gitops destroy of a copy stack deletes its region\'s state after terraform, and the record with the last region', async () => {
    await putCopyRecord(registry, record('eph-tags', { pullRequest: 42 }));
    // never applied: terraform destroys an empty state, which the S3 backend writes all the same
    const run = await runAsStep(['destroy', '--stack', 'eph-tags-us-east-1', '--stacks-dir', path.join(outdir, 'stacks')]);
    expect(run).toMatchObject({ code: 0, summary: '### eph-tags-us-east-1 destroyed\n\neph-tags is gone: no region left, record deleted\n\n' });
    expect((await listCopies(registry)).map((copy) => copy.suffix)).not.toContain('eph-tags');
  }, 120_000);

  test('tags that do not describe a copy are refused, naming the stack and the tag', () => {
    const file = path.join(dir(), 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8')) as { provider: { aws: { default_tags: { tags: Record<string, string> }[] }[] } };
    delete stack.provider.aws[0]!.default_tags[0]!.tags.ExpiresAt;
    writeFileSync(file, JSON.stringify(stack));
    expect(() => readStackBackend({ stack: 'eph-tags-us-east-1', dir: dir() })).toThrow(
      /^eph-tags-us-east-1 is named like an on-demand copy, but its default tags do not describe one \(expiresAt: .*\); synthesize it with npm run synth -- --copy <copy\.json>$/,
    );
  });
});
