import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createHandler, type EtlHandler } from '../../etl/src/index';
import { jobIdFor } from '../../etl/src/jobId';
import { JobLedger } from '../../etl/src/jobLedger';
import { JobReader } from '../../etl/src/jobReader';
import { parseObjectCreated } from '../../etl/src/objectCreatedEvent';
import { outputKeys } from '../../etl/src/outputKeys';
import { listKeys, putObject, startTestAws, type TestAws } from '../../etl/test/support/aws';
import { captureLogs } from '../../etl/test/support/capturedLogs';
import { lambdaContext, objectCreatedBody } from '../../etl/test/support/lambda';
import { EventSourceMapping } from '../../integration/src/eventSourceMapping';
import { createOpsClients } from '../src/clients';
import type { CommandDeps } from '../src/commands';
import { main } from '../src/main';

/** What `--env dev --region us-east-1` names: the region's raw bucket, job table and queue. */
const REGION = 'us-east-1';
const BUCKET = 'analytics-bucket-us-east-1-dev';
const TABLE = 'analytics-jobs-us-east-1-dev';
const QUEUE = 'analytics-queue-us-east-1-dev';
const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');
const TARGET = ['--env', 'dev', '--region', REGION, '--environments', ENVIRONMENTS];

/** 20 data rows, `bad` of them missing a field: 2 bad rows are 10%, above the ETL's default limit of 5%. */
const csvWithBadRows = (bad: number): string =>
  ['id,name', ...Array.from({ length: 20 }, (_, index) => (index < bad ? `${index + 1}` : `${index + 1},n${index + 1}`))].join('\n');

/**
 * Replay end to end on moto: the region's bucket, table and queue as infra names them, the ETL handler from source
 * fed from the queue as Lambda's event source mapping does, and `npm run jobs -- replay` run as the CLI runs it.
 */
describe('jobs replay against moto', () => {
  let aws: TestAws;
  let sqs: SQSClient;
  let queueUrl: string;
  let deps: CommandDeps;
  const saved = { ...process.env };

  beforeAll(async () => {
    aws = await startTestAws();
    await Promise.all([aws.createJobTable(TABLE), aws.createRawBucket(BUCKET)]);
    process.env.AWS_ENDPOINT_URL = aws.moto.endpoint;
    process.env.POWERTOOLS_SERVICE_NAME = 'analytics-etl';
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'AnalyticsPlatformTest';
    sqs = new SQSClient({ region: REGION });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: QUEUE }))).QueueUrl ?? '';
    deps = { now: () => new Date(), clients: createOpsClients, env: process.env };
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    await aws?.moto.stop();
  });

  const jobs = (...args: string[]) => main(['jobs', ...args, ...TARGET], deps);
  const job = (jobId: string) => new JobReader(aws.clients.ddb, TABLE).job(jobId);

  /** The ETL as deployed with `settings` (a release and its configuration). */
  const etl = (settings: { version: string; maxRejectedShare?: string }): EtlHandler =>
    createHandler({
      env: { JOB_TABLE_NAME: TABLE, RAW_BUCKET_NAME: BUCKET, ETL_VERSION: settings.version, MAX_REJECTED_SHARE: settings.maxRejectedShare ?? '' },
      clients: aws.clients,
    });

  /** One poll of the queue into `handler`, as Lambda's event source mapping does; how many messages it took. */
  async function deliver(handler: EtlHandler): Promise<number> {
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
    const mapping = new EventSourceMapping({
      sqs,
      queueUrl,
      queueArn,
      region: REGION,
      mapping: { batchSize: 10, enabled: true, reportsBatchItemFailures: true },
      invoke: async (event) => ({ kind: 'returned', result: (await captureLogs(() => handler(event, lambdaContext()))).result }),
    });
    const report = await mapping.pollOnce();
    expect(report?.returned ?? []).toEqual([]);
    return report?.received ?? 0;
  }

  /** The messages on the queue, left there (received with no visibility timeout). */
  async function peek(): Promise<string[]> {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    return Messages.map((message) => message.Body ?? '');
  }

  /** A file uploaded to the raw bucket and its S3 event sent through the queue, as EventBridge does. */
  async function upload(key: string, content: string) {
    const put = await putObject(aws.clients.s3, BUCKET, key, content);
    const object = { bucket: BUCKET, key, ...put };
    const body = objectCreatedBody(object);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    return { ...object, body, jobId: jobIdFor(object) };
  }

  it('runs a FAILED job again as a new attempt once its cause is fixed, recording every attempt', async () => {
    const released = etl({ version: '0.2.0' });
    const file = await upload('input/sales/orders 2026-11.csv', csvWithBadRows(2));
    expect(await deliver(released)).toBe(1);
    expect(await job(file.jobId)).toMatchObject({ status: 'FAILED', attempt: 1, error_code: 'TOO_MANY_REJECTED_ROWS', etl_version: '0.2.0' });

    // the same event again (S3 and EventBridge deliver at least once): still a duplicate, never a rerun
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: file.body }));
    expect(await deliver(released)).toBe(1);
    expect(await job(file.jobId)).toMatchObject({ status: 'FAILED', attempt: 1 });

    // replayed before the fix is deployed: the same failure, recorded as attempt 2
    const early = await jobs('replay', file.jobId);
    expect(early).toMatchObject({ exitCode: 0, stderr: '' });
    expect(early.stdout).toBe(
      `Replay of job ${file.jobId} requested: it runs as attempt 2 (attempt 1 FAILED with TOO_MANY_REJECTED_ROWS).\n` +
        `Sent s3://${BUCKET}/${file.key} (version ${file.versionId}, ${file.size} bytes) to ${QUEUE} (${REGION} at ${aws.moto.endpoint}) as message ${early.stdout.match(/as message (\S+)\./)?.[1]}.\n` +
        `Follow it: npm run jobs -- show ${file.jobId} --env dev --region ${REGION}\n`,
    );
    expect(await job(file.jobId)).toMatchObject({ status: 'REPLAY_REQUESTED', attempt: 1, replays: 1 });
    expect(await deliver(released)).toBe(1);
    expect(await job(file.jobId)).toMatchObject({ status: 'FAILED', attempt: 2, error_code: 'TOO_MANY_REJECTED_ROWS' });

    // the fix: release 0.3.0, deployed with the dataset's agreed limit of 20% rejected rows
    const fixed = etl({ version: '0.3.0', maxRejectedShare: '0.2' });
    expect((await jobs('replay', file.jobId)).exitCode).toBe(0);

    // on the queue: the Object Created event the pipeline's rule delivers, for the same object version
    const [body] = await peek();
    const head = await aws.clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: file.key, VersionId: file.versionId }));
    const event = parseObjectCreated(body ?? '');
    expect(event).toEqual({
      ok: true,
      object: { bucket: BUCKET, key: file.key, versionId: file.versionId, size: file.size, etag: file.etag, time: head.LastModified?.toISOString().replace('.000Z', 'Z') },
    });
    expect(JSON.parse(body ?? '')).toMatchObject({ source: 'aws.s3', 'detail-type': 'Object Created', account: '123456789012', region: REGION, detail: { reason: 'Replay' } });

    expect(await deliver(fixed)).toBe(1);
    const done = await job(file.jobId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 3, etl_version: '0.3.0', records_in: 20, records_out: 18, records_rejected: 2, replays: 2 });
    expect(done?.previous_attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'FAILED', etl_version: '0.2.0', error_code: 'TOO_MANY_REJECTED_ROWS' }),
      expect.objectContaining({ attempt: 2, status: 'FAILED', etl_version: '0.2.0', error_code: 'TOO_MANY_REJECTED_ROWS' }),
    ]);
    const outputs = outputKeys(file.key, file.jobId, event.ok ? event.object.time : '');
    expect(done?.output_key).toBe(outputs.parquet);
    expect(await listKeys(aws.clients.s3, BUCKET, outputs.parquet)).toEqual([outputs.parquet]);

    // done: a SUCCEEDED job is not replayed, and nothing is sent
    const again = await jobs('replay', file.jobId);
    expect(again).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `error: job ${file.jobId} SUCCEEDED (attempt 3, output ${outputs.parquet}): only a FAILED job can be replayed; to process the file again, upload it again (a new version is a new job)\n`,
    });
    expect(await peek()).toEqual([]);
  });

  it('sends the message again when a requested replay has not run (its message was lost), still as the next attempt', async () => {
    const released = etl({ version: '0.2.0' });
    const file = await upload('input/sales/lost.csv', csvWithBadRows(3));
    await deliver(released);
    expect((await jobs('replay', file.jobId)).exitCode).toBe(0);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    const resent = await jobs('replay', file.jobId);

    expect(resent.exitCode).toBe(0);
    expect(resent.stdout).toMatch(new RegExp(`^Job ${file.jobId} was already REPLAY_REQUESTED and has not run since: its message was sent again; it runs as attempt 2\\.\\n`));
    expect(await job(file.jobId)).toMatchObject({ status: 'REPLAY_REQUESTED', attempt: 1, replays: 1 });
    expect(await deliver(etl({ version: '0.3.0', maxRejectedShare: '0.2' }))).toBe(1);
    expect(await job(file.jobId)).toMatchObject({ status: 'SUCCEEDED', attempt: 2, records_rejected: 3 });
  });

  it('refuses a RUNNING job, and sends nothing', async () => {
    const put = await putObject(aws.clients.s3, BUCKET, 'input/sales/running.csv', csvWithBadRows(0));
    const object = { bucket: BUCKET, key: 'input/sales/running.csv', ...put };
    const jobId = jobIdFor(object);
    // a run in progress: claimed by the ETL's own ledger, lease live
    await new JobLedger(aws.clients.ddb, TABLE, '0.2.0').claim(jobId, { ...object, dataset: 'sales' }, 600_000);

    const result = await jobs('replay', jobId);

    expect(result).toMatchObject({ exitCode: 1, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^error: job ${jobId} is RUNNING \\(attempt 1, stage CLAIMED, lease until \\S+\\): only a FAILED job can be replayed; `));
    expect(await job(jobId)).toMatchObject({ status: 'RUNNING', attempt: 1 });
    expect(await peek()).toEqual([]);
  });

  it('refuses when the object version is gone, and leaves the job FAILED', async () => {
    const file = await upload('input/sales/deleted.csv', csvWithBadRows(5));
    await deliver(etl({ version: '0.2.0' }));
    const failed = await job(file.jobId);
    await aws.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: file.key, VersionId: file.versionId }));

    const result = await jobs('replay', file.jobId);

    expect(result).toEqual({
      exitCode: 1,
      stdout: '',
      stderr:
        `error: the raw object of job ${file.jobId}, s3://${BUCKET}/${file.key} version ${file.versionId}, is gone (NotFound): ` +
        'a replay would have nothing to read; upload the file again (a new version is a new job)\n',
    });
    expect(await job(file.jobId)).toEqual(failed);
    expect(await peek()).toEqual([]);
  });

  it('refuses an unknown job id', async () => {
    expect(await jobs('replay', 'no-such-job')).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `error: job no-such-job not found in ${TABLE} (${REGION} at ${aws.moto.endpoint}); list recent ones with: npm run jobs -- list --env dev --region ${REGION}\n`,
    });
  });
});
