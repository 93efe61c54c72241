/**
 * End to end: the `dev` environment's three region stacks applied with the real terraform CLI to an AWS emulator
 * (moto started here, or whatever AWS_ENDPOINT_URL points at, e.g. LocalStack), then real files through the pipeline.
 * On moto the harness plays the queue mapping with the built bundle from the stack's zip; on LocalStack Lambda runs it.
 */
import { DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteTableCommand, DescribeTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { ListTagsCommand } from '@aws-sdk/client-lambda';
import { GetBucketTaggingCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { ListQueueTagsCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { JOBS_BY_STATUS_INDEX } from '../../infra/src/constructs/JobTable';
import { plan, showJson } from '../../infra/src/terraform/terraformCli';
import { objectCreatedBody } from '../../etl/test/support/lambda';
import { readParquetObject } from '../../etl/test/support/parquet';
import { type Emulator, startEmulator } from '../src/emulator';
import type { BatchReport } from '../src/eventSourceMapping';
import { unexpectedChanges } from '../src/knownEmulatorDrift';
import { type Platform, type PlatformRegion, startPlatform } from '../src/platform';
import { terraformAgent } from '../src/principals';
import { drained, finishedJob, getJob, queueDepth, upload, waitFor } from './support/pipeline';
import { main } from '../../ops/src/main';
import { asOperator } from './support/operator';
import { RecordedCalls } from './support/recordedCalls';

const ENVIRONMENT = 'dev';
const MINUTE = 60_000;

let emulator: Emulator;
let platform: Platform;
let outdir: string;
const batches: { region: string; batch: BatchReport }[] = [];
const pollErrors: string[] = [];
const phases: Record<string, number> = {};
let scenariosStarted = 0;

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'integration-'));
  emulator = await startEmulator(process.env, { record: true });
  const started = performance.now();
  // terraform's calls, told apart by their User-Agent: apply runs as the environment's deploy role
  process.env.TF_APPEND_USER_AGENT = terraformAgent(`deploy-${ENVIRONMENT}`);
  platform = await startPlatform({
    environment: ENVIRONMENT,
    emulator,
    outdir,
    onBatch: (region, batch) => batches.push({ region, batch }),
    onPollError: (region, error) => pollErrors.push(`${region}: ${String(error)}`),
  });
  phases['synth + init + apply (3 regions in parallel)'] = performance.now() - started;
  scenariosStarted = performance.now();
}, 15 * MINUTE);

afterAll(async () => {
  if (scenariosStarted) phases['scenarios'] = performance.now() - scenariosStarted;
  try {
    // a moto of our own goes with everything in it; an external emulator (LocalStack in Actions, or yours) is cleaned up.
    // terraform destroy of a regional stack is tested in gitopsDeploy.test.ts
    if (platform) phases[emulator.owned ? 'stop (moto discarded, no destroy)' : 'empty buckets + destroy'] = await platform.stop({ destroy: !emulator.owned });
  } finally {
    await emulator?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
  const lines = Object.entries(phases).map(([phase, ms]) => `  ${phase.padEnd(48)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
  console.log(`integration timings on ${emulator?.name} (${platform?.emulator.target.runsLambda ? 'Lambda runs in the emulator' : 'harness plays the queue mapping'}):\n${lines.join('\n')}`);
}, 10 * MINUTE);

const region = (name: string): PlatformRegion => platform.region(name);

test('deploys every region of the environment with its outputs', () => {
  expect(platform.regions.map((r) => r.region).sort()).toEqual(['ap-southeast-1', 'eu-west-1', 'us-east-1']);
  for (const r of platform.regions) {
    expect(r.outputs.bucketName).toBe(`analytics-bucket-${r.region}-${ENVIRONMENT}`);
    expect(r.outputs.tableName).toBe(`analytics-jobs-${r.region}-${ENVIRONMENT}`);
    expect(r.outputs.queueUrl).toContain(`analytics-queue-${r.region}-${ENVIRONMENT}`);
    expect(r.outputs.deadLetterQueueUrl).toContain(`analytics-dlq-${r.region}-${ENVIRONMENT}`);
  }
});

test('a second plan right after apply changes nothing but documented emulator quirks', async () => {
  const started = performance.now();
  const surprises = await Promise.all(
    platform.regions.map(async (r) => {
      // as the drift check runs it: the plan role
      const result = await plan(r.stack.dir, { out: 'second.tfplan', detailedExitcode: true, env: { ...process.env, TF_APPEND_USER_AGENT: terraformAgent('plan') } });
      if (result.code === 1) throw new Error(`plan failed in ${r.stack.dir}:\n${result.stderr}`);
      const changes = (await showJson(r.stack.dir, 'second.tfplan')).resource_changes ?? [];
      return unexpectedChanges(changes, emulator.name).map((change) => `${r.region}: ${change}`);
    }),
  );
  phases['second plan (3 regions)'] = performance.now() - started;
  expect(surprises.flat()).toEqual([]);
}, 5 * MINUTE);

describe('files through the pipeline (us-east-1)', () => {
  const CSV = 'id,name,amount,active,created\r\n1,"Smith, Jane",12.5,true,2026-01-02T03:04:05Z\r\n2,"two\nlines",7,false,2026-01-03\r\n';
  const CSV_ROWS = [
    { id: 1n, name: 'Smith, Jane', amount: 12.5, active: true, created: new Date('2026-01-02T03:04:05Z') },
    { id: 2n, name: 'two\nlines', amount: 7, active: false, created: new Date('2026-01-03T00:00:00Z') },
  ];
  const JSONL = '{"user":"ana","clicks":3,"score":0.5}\n{"user":"bo","clicks":10,"score":1.25}\n{"user":"cy","clicks":0,"score":2}\n';
  const JSONL_ROWS = [
    { user: 'ana', clicks: 3n, score: 0.5 },
    { user: 'bo', clicks: 10n, score: 1.25 },
    { user: 'cy', clicks: 0n, score: 2 },
  ];

  test.each([
    ['CSV', 'input/sales/2026 Q1 report+final.csv', CSV, CSV_ROWS],
    ['JSON Lines', 'input/clicks/day-1.jsonl', JSONL, JSONL_ROWS],
    ['gzip CSV', 'input/sales/archive/orders.csv.gz', gzipSync(CSV), CSV_ROWS],
  ] as const)('%s: job SUCCEEDED with its counts, Parquet under processed/ equal to the input', async (_format, key, body, rows) => {
    const r = region('us-east-1');
    const file = await upload(r, key, body);
    const job = await finishedJob(r, file.jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', key, version_id: file.versionId, records_in: rows.length, records_out: rows.length, records_rejected: 0, attempt: 1 });
    const outputKey = String(job.output_key);
    expect(outputKey).toMatch(new RegExp(`^processed/${key.split('/')[1]}/dt=\\d{4}-\\d{2}-\\d{2}/.+-${file.jobId}\\.parquet$`));
    const parquet = await readParquetObject(r.clients.s3, r.outputs.bucketName, outputKey);
    expect(parquet.rows).toEqual(rows);
    expect(parquet.metadata).toMatchObject({ source_key: key, source_version_id: file.versionId });
  });

  test('the ETL’s own outputs under processed/ do not become jobs', async () => {
    const r = region('us-east-1');
    await drained(r);
    const { Items = [] } = await r.clients.ddb.send(new ScanCommand({ TableName: r.outputs.tableName }));
    expect(Items.length).toBeGreaterThanOrEqual(3);
    expect(Items.filter((job) => !String(job.key).startsWith('input/'))).toEqual([]);
  });

  const LATIN1 = Buffer.from('id,city\n1,Café\n', 'latin1');
  test.each([
    ['not gzip under a .gz key', 'input/broken/garbage.csv.gz', Buffer.from('this is not gzip at all'), 'BAD_GZIP', /not gzip/],
    ['a Latin-1 export', 'input/broken/export.csv', LATIN1, 'NOT_UTF8', new RegExp(`byte 0xE9 at offset ${LATIN1.indexOf(0xe9)} `)],
  ] as const)('a malformed file (%s): FAILED with a reason, the raw object kept, nothing under processed/', async (_what, key, body, code, reason) => {
    const r = region('us-east-1');
    const file = await upload(r, key, body);
    const job = await finishedJob(r, file.jobId);
    expect(job).toMatchObject({ status: 'FAILED', error_code: code });
    expect(String(job.error_message)).toMatch(reason);
    const raw = await r.clients.s3.send(new HeadObjectCommand({ Bucket: r.outputs.bucketName, Key: file.key, VersionId: file.versionId }));
    expect(raw.ContentLength).toBe(file.body.byteLength);
    const processed = await r.clients.s3.send(new ListObjectsV2Command({ Bucket: r.outputs.bucketName, Prefix: 'processed/broken/' }));
    expect(processed.KeyCount ?? 0).toBe(0);
  });

  test('a duplicate delivery of the same event: one job, one output, attempt 1', async () => {
    const r = region('us-east-1');
    const file = await upload(r, 'input/sales/dup.csv', CSV);
    const first = await finishedJob(r, file.jobId);
    const size = file.body.byteLength;
    // What EventBridge's at-least-once delivery does: the same event on the queue again.
    await r.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: r.outputs.queueUrl,
        MessageBody: objectCreatedBody({ bucket: r.outputs.bucketName, key: file.key, versionId: file.versionId, size, etag: String(first.etag) }),
      }),
    );
    await drained(r);
    const job = await getJob(r, file.jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempt: 1, finished_at: first.finished_at, output_key: first.output_key });
    const versions = await r.clients.s3.send(new ListObjectVersionsCommand({ Bucket: r.outputs.bucketName, Prefix: String(first.output_key) }));
    expect(versions.Versions ?? []).toHaveLength(1);
  });
});

test('region isolation: a file in eu-west-1 is processed and recorded only there', async () => {
  const eu = region('eu-west-1');
  const file = await upload(eu, 'input/sales/eu-only.csv', 'id,city\n1,Dublin\n');
  const job = await finishedJob(eu, file.jobId);
  expect(job).toMatchObject({ status: 'SUCCEEDED', bucket: eu.outputs.bucketName, records_out: 1 });
  for (const other of ['us-east-1', 'ap-southeast-1'].map(region)) {
    expect(await getJob(other, file.jobId)).toBeUndefined();
    const listed = await other.clients.s3.send(new ListObjectsV2Command({ Bucket: other.outputs.bucketName, Prefix: 'processed/sales/' }));
    expect((listed.Contents ?? []).filter((o) => o.Key?.includes(file.jobId))).toEqual([]);
  }
});

test('the status index answers "FAILED jobs in the last hour" with a Query', async () => {
  const r = region('us-east-1');
  const now = new Date();
  const { Items = [] } = await r.clients.ddb.send(
    new QueryCommand({
      TableName: r.outputs.tableName,
      IndexName: JOBS_BY_STATUS_INDEX,
      KeyConditionExpression: '#status = :status AND created_at BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': 'FAILED', ':from': new Date(now.getTime() - 3_600_000).toISOString(), ':to': now.toISOString() },
    }),
  );
  // the malformed-file scenarios, in the order they ran (the index sorts by created_at)
  expect(Items.map((job) => job.key)).toEqual(['input/broken/garbage.csv.gz', 'input/broken/export.csv']);
});

describe('operator commands, as an operator of dev (their calls checked against its operators\' policy)', () => {
  const target = ['--env', ENVIRONMENT, '--region', 'us-east-1'];
  let operator: ReturnType<typeof asOperator>;
  beforeAll(() => (operator = asOperator(emulator.target.endpoint, ENVIRONMENT)));
  afterAll(() => operator.close());

  test('jobs list, show and replay: a FAILED job runs again as attempt 2 from its kept raw object', async () => {
    const listed = await main(['jobs', 'list', ...target, '--status', 'FAILED', '--since', '1h', '--json'], operator.deps);
    expect(listed).toMatchObject({ exitCode: 0, stderr: '' });
    const failed = (JSON.parse(listed.stdout) as { jobs: { job_id: string; key: string }[] }).jobs.find((job) => job.key === 'input/broken/garbage.csv.gz')!;
    const shown = await main(['jobs', 'show', failed.job_id, ...target, '--json'], operator.deps);
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'FAILED', error_code: 'BAD_GZIP', attempt: 1 });

    const replayed = await main(['jobs', 'replay', failed.job_id, ...target], operator.deps);
    expect(replayed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(replayed.stdout).toContain(`Replay of job ${failed.job_id} requested: it runs as attempt 2 (attempt 1 FAILED with BAD_GZIP).`);
    expect(await finishedJob(region('us-east-1'), failed.job_id)).toMatchObject({ status: 'FAILED', error_code: 'BAD_GZIP', attempt: 2 });
  });

  test('dlq:redrive moves a dead letter back to the work queue, where it is one more delivery of a finished job', async () => {
    const r = region('us-east-1');
    const file = await upload(r, 'input/sales/redriven.csv', 'id\n1\n');
    const done = await finishedJob(r, file.jobId);
    // what a delivery the ETL kept failing on leaves behind
    const body = objectCreatedBody({ bucket: r.outputs.bucketName, key: file.key, versionId: file.versionId, size: file.body.byteLength, etag: String(done.etag) });
    await r.clients.sqs.send(new SendMessageCommand({ QueueUrl: r.outputs.deadLetterQueueUrl, MessageBody: body }));

    const redriven = await main(['dlq-redrive', ...target], operator.deps);
    expect(redriven).toMatchObject({ exitCode: 0, stderr: '' });
    expect(redriven.stdout).toContain(`Moved 1 message from analytics-dlq-us-east-1-${ENVIRONMENT} to analytics-queue-us-east-1-${ENVIRONMENT}`);
    await drained(r);
    expect(await queueDepth(r, r.outputs.deadLetterQueueUrl)).toBe(0);
    expect(await getJob(r, file.jobId)).toMatchObject({ status: 'SUCCEEDED', attempt: 1, finished_at: done.finished_at });
  });
});

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('%s: monitoring and tags as synthesized', (name) => {
  const synthesized = (type: string) => Object.values(region(name).stack.json.resource[type] ?? {});

  test('alarms with their metric, threshold and comparison', async () => {
    const expected = synthesized('aws_cloudwatch_metric_alarm');
    const { MetricAlarms = [] } = await region(name).clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: expected.map((a) => a.alarm_name) }));
    const pick = (a: { name?: string; metric?: string; threshold?: number; comparison?: string }) => a;
    expect(MetricAlarms.map((a) => pick({ name: a.AlarmName, metric: a.MetricName, threshold: a.Threshold, comparison: a.ComparisonOperator })).sort((a, b) => a.name!.localeCompare(b.name!))).toEqual(
      expected
        .map((a) => pick({ name: a.alarm_name, metric: a.metric_name, threshold: a.threshold, comparison: a.comparison_operator }))
        .sort((a, b) => a.name!.localeCompare(b.name!)),
    );
  });

  test('the dashboard with the synthesized body', async () => {
    const [dashboard] = synthesized('aws_cloudwatch_dashboard');
    const stored = await region(name).clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboard!.dashboard_name }));
    expect(JSON.parse(stored.DashboardBody!)).toEqual(JSON.parse(dashboard!.dashboard_body));
  });

  test('log groups with their retention', async () => {
    const expected = synthesized('aws_cloudwatch_log_group').map((g) => [g.name, g.retention_in_days]);
    const found = await Promise.all(
      expected.map(async ([groupName]) => {
        const { logGroups = [] } = await region(name).clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: groupName }));
        const group = logGroups.find((g) => g.logGroupName === groupName);
        return [group?.logGroupName, group?.retentionInDays];
      }),
    );
    expect(found).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(2);
  });

  test('bucket, table, queues and function carry the default tags', async () => {
    const r = region(name);
    const tags: Record<string, string> = r.stack.json.provider.aws[0].default_tags[0].tags;
    const asRecord = (list: { Key?: string; Value?: string }[] = []) => Object.fromEntries(list.map((t) => [t.Key, t.Value]));
    const { TagSet } = await r.clients.s3.send(new GetBucketTaggingCommand({ Bucket: r.outputs.bucketName }));
    expect(asRecord(TagSet)).toMatchObject(tags);
    expect((await r.clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: r.outputs.queueUrl }))).Tags).toMatchObject(tags);
    expect((await r.clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: r.outputs.deadLetterQueueUrl }))).Tags).toMatchObject(tags);
    const { Table } = await r.clients.dynamodb.send(new DescribeTableCommand({ TableName: r.outputs.tableName }));
    expect(asRecord((await r.clients.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: Table!.TableArn! }))).Tags)).toMatchObject(tags);
    expect((await r.clients.lambda.send(new ListTagsCommand({ Resource: r.outputs.functionArn }))).Tags).toMatchObject(tags);
  });
});

// Last: it deletes ap-southeast-1's job table.
test('a message the ETL keeps failing on (job table gone) lands in the DLQ after 3 receives', async () => {
  const r = region('ap-southeast-1');
  // Shortened so the three receives take seconds instead of 3 × 6 function timeouts.
  await r.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: r.outputs.queueUrl, Attributes: { VisibilityTimeout: '2' } }));
  // A receive already waiting keeps the old timeout: let the harness's 1 s polls (Lambda's up to 20 s) start afresh.
  await sleep(r.played ? 3_000 : 21_000);
  await r.clients.dynamodb.send(new DeleteTableCommand({ TableName: r.outputs.tableName }));
  const file = await upload(r, 'input/sales/doomed.csv', 'id\n1\n');

  await waitFor('the message in the DLQ', async () => ((await queueDepth(r, r.outputs.deadLetterQueueUrl)) === 1 ? true : undefined), 3 * MINUTE);
  expect(await queueDepth(r, r.outputs.queueUrl)).toBe(0);
  const { Messages = [] } = await r.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: r.outputs.deadLetterQueueUrl, WaitTimeSeconds: 1 }));
  expect(JSON.parse(Messages[0]!.Body!).detail.object).toMatchObject({ key: file.key, 'version-id': file.versionId });
  if (r.played) {
    const id = Messages[0]!.MessageId!;
    const failedReceives = batches.filter((b) => b.region === r.region && b.batch.returned.includes(id));
    expect(failedReceives).toHaveLength(3);
  }
}, 5 * MINUTE);

test('the played mappings never failed to poll', () => {
  expect(pollErrors).toEqual([]);
});

new RecordedCalls('platform.test.ts', () => emulator).test();
