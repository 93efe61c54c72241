import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { JobLedger } from '../src/jobLedger';
import { listKeys, versionIds } from './support/aws';
import { captureLogs } from './support/capturedLogs';
import { ETL_ENV, type EtlFixture, failedMessages, JOB_TABLE, metricValues, RAW_BUCKET, startEtlFixture, type Uploaded } from './support/etlFixture';
import { lambdaContext, objectCreatedBody, sqsEvent } from './support/lambda';
import { readParquetObject } from './support/parquet';

const ORDERS_CSV = ['id,customer,amount,paid,ordered_at', '1,Ann,9.5,true,2026-11-24T08:00:00Z', '2,Bob,10,false,2026-11-24T09:30:00Z', '3,Zoë,0.25,TRUE,'].join('\n');
const ORDERS_ROWS = [
  { id: 1n, customer: 'Ann', amount: 9.5, paid: true, ordered_at: new Date('2026-11-24T08:00:00Z') },
  { id: 2n, customer: 'Bob', amount: 10, paid: false, ordered_at: new Date('2026-11-24T09:30:00Z') },
  { id: 3n, customer: 'Zoë', amount: 0.25, paid: true, ordered_at: null },
];

describe('ETL handler (source) against moto', () => {
  let etl: EtlFixture;

  beforeAll(async () => {
    etl = await startEtlFixture();
  });

  afterAll(async () => {
    await etl.aws.moto.stop();
  });

  const s3 = () => etl.aws.clients.s3;
  const processedKeys = async (uploaded: Uploaded) => listKeys(s3(), RAW_BUCKET, uploaded.outputs.parquet);

  describe('happy path', () => {
    it('turns a CSV file into Parquet at the deterministic key and records the job as SUCCEEDED', async () => {
      const orders = await etl.upload('input/sales/orders.csv', ORDERS_CSV);
      const { response, logs } = await etl.invoke(sqsEvent(orders.body));

      expect(response).toEqual({ batchItemFailures: [] });
      const job = await etl.job(orders.jobId);
      expect(job).toEqual({
        job_id: orders.jobId,
        status: 'SUCCEEDED',
        attempt: 1,
        etl_version: ETL_ENV.ETL_VERSION,
        bucket: RAW_BUCKET,
        key: 'input/sales/orders.csv',
        version_id: orders.versionId,
        size: orders.size,
        etag: orders.etag,
        dataset: 'sales',
        records_in: 3,
        records_out: 3,
        records_rejected: 0,
        bytes_in: orders.size,
        bytes_out: expect.any(Number),
        output_key: `processed/sales/dt=2026-11-25/orders-${orders.jobId}.parquet`,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        duration_ms: expect.any(Number),
      });

      const parquet = await readParquetObject(s3(), RAW_BUCKET, orders.outputs.parquet);
      expect(parquet.rows).toEqual(ORDERS_ROWS);
      expect(parquet.metadata).toMatchObject({
        etl_version: ETL_ENV.ETL_VERSION,
        source_bucket: RAW_BUCKET,
        source_key: 'input/sales/orders.csv',
        source_version_id: orders.versionId,
        job_id: orders.jobId,
      });
      expect(job?.bytes_out).toBe((await s3().send(new GetObjectCommand({ Bucket: RAW_BUCKET, Key: orders.outputs.parquet }))).ContentLength);
      expect(await listKeys(s3(), RAW_BUCKET, 'rejected/sales/')).toEqual([]);

      // JSON logs carry the job id; metrics are EMF in the configured namespace
      const jobLines = logs.filter((line) => line.job_id === orders.jobId).map((line) => line.message);
      expect(jobLines).toEqual(['job received', 'job succeeded']);
      expect(logs.find((line) => line.message === 'job succeeded')).toMatchObject({
        level: 'INFO',
        service: 'analytics-etl',
        function_name: 'analytics-etl-test',
        records_out: 3,
      });
      const emf = logs.find((line) => '_aws' in line);
      expect(JSON.stringify(emf)).toContain('"Namespace":"AnalyticsPlatformTest"');
      expect(metricValues(logs, 'JobsSucceeded')).toEqual([1]);
      expect(metricValues(logs, 'RecordsIn')).toEqual([3]);
      expect(metricValues(logs, 'BytesIn')).toEqual([orders.size]);
    });

    it('turns gzip-compressed JSON Lines into Parquet (dataset from the first folder, deeper folders dropped)', async () => {
      const lines = [
        { user: 'u1', clicks: 3, ratio: 0.5, ok: true },
        { user: 'u2', clicks: 0, ratio: 1.25, ok: false },
      ];
      const clicks = await etl.upload('input/events/2026/11/clicks.jsonl.gz', gzipSync(lines.map((line) => JSON.stringify(line)).join('\n')));

      const { response } = await etl.invoke(sqsEvent(clicks.body));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(clicks.outputs.parquet).toBe(`processed/events/dt=2026-11-25/clicks-${clicks.jobId}.parquet`);
      expect(await etl.job(clicks.jobId)).toMatchObject({ status: 'SUCCEEDED', records_in: 2, records_out: 2, bytes_in: clicks.size, dataset: 'events' });
      expect((await readParquetObject(s3(), RAW_BUCKET, clicks.outputs.parquet)).rows).toEqual([
        { user: 'u1', clicks: 3n, ratio: 0.5, ok: true },
        { user: 'u2', clicks: 0n, ratio: 1.25, ok: false },
      ]);
    });

    it('uses keys with spaces, + and unicode intact, and files directly under input/ under _root', async () => {
      const odd = await etl.upload('input/Données clients/Q1 report+final (v2) ü 名前.csv', ORDERS_CSV);
      const root = await etl.upload('input/top level.csv', ORDERS_CSV);

      const { response } = await etl.invoke(sqsEvent(odd.body, root.body));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(await etl.job(odd.jobId)).toMatchObject({ status: 'SUCCEEDED', key: 'input/Données clients/Q1 report+final (v2) ü 名前.csv', dataset: 'Données clients' });
      expect(await listKeys(s3(), RAW_BUCKET, 'processed/Données clients/')).toEqual([
        `processed/Données clients/dt=2026-11-25/Q1 report+final (v2) ü 名前-${odd.jobId}.parquet`,
      ]);
      expect(await listKeys(s3(), RAW_BUCKET, 'processed/_root/')).toEqual([`processed/_root/dt=2026-11-25/top level-${root.jobId}.parquet`]);
      expect((await readParquetObject(s3(), RAW_BUCKET, odd.outputs.parquet)).rows).toEqual(ORDERS_ROWS);
    });

    it('writes rows that do not fit to the rejected output and still succeeds under the rejected share', async () => {
      // DuckDB sniffs the types from the first 20,480 rows; a text amount after them is rejected
      const rows = Array.from({ length: 25_000 }, (_, index) => `${index},${index === 24_000 ? 'lots' : index * 2}`);
      const file = await etl.upload('input/sales/mostly-clean.csv', ['id,amount', ...rows].join('\n'));

      const { response } = await etl.invoke(sqsEvent(file.body));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(await etl.job(file.jobId)).toMatchObject({
        status: 'SUCCEEDED',
        records_in: 25_000,
        records_out: 24_999,
        records_rejected: 1,
        rejected_key: file.outputs.rejected,
      });
      const rejected = await s3().send(new GetObjectCommand({ Bucket: RAW_BUCKET, Key: file.outputs.rejected }));
      const text = gunzipSync((await rejected.Body?.transformToByteArray()) ?? new Uint8Array()).toString();
      expect(JSON.parse(text.trim())).toMatchObject({ line: 24_002, raw: '24000,lots' });
      expect((await readParquetObject(s3(), RAW_BUCKET, file.outputs.parquet)).rows).toHaveLength(24_999);
    });
  });

  describe('messages that are not jobs', () => {
    it('acknowledges and logs a body that is not an S3 Object Created event', async () => {
      const event = sqsEvent('{"hello":', JSON.stringify({ Records: [{ eventSource: 'aws:s3', s3: {} }] }));
      const { response, logs } = await etl.invoke(event);

      expect(response).toEqual({ batchItemFailures: [] });
      const warnings = logs.filter((line) => line.message === 'message is not an S3 Object Created event; acknowledged');
      expect(warnings.map((line) => [line.level, line.message_id])).toEqual(
        event.Records.map((record) => ['WARN', record.messageId]),
      );
      expect(warnings[0]?.reason).toBe('body is not JSON');
      expect(warnings[1]?.reason).toContain('detail-type');
    });

    it('ignores, with a log line, other buckets, keys outside input/ and folder markers', async () => {
      const bodies = [
        { bucket: 'someone-elses-bucket', key: 'input/sales/orders.csv' },
        { bucket: RAW_BUCKET, key: 'processed/sales/dt=2026-11-25/orders.parquet' },
        { bucket: RAW_BUCKET, key: 'input/sales/' },
      ].map((object) => objectCreatedBody({ ...object, size: 0, etag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: 'v1' }));

      const { response, logs } = await etl.invoke(sqsEvent(...bodies));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(logs.filter((line) => line.message === 'object ignored').map((line) => line.reason)).toEqual([
        `bucket someone-elses-bucket is not the raw bucket ${RAW_BUCKET}`,
        'key is outside input/',
        'key is a folder marker',
      ]);
      expect(logs.filter((line) => 'job_id' in line)).toEqual([]);
    });
  });

  describe('idempotency', () => {
    it('runs a redelivered event once: the second delivery is a duplicate, the output has one version', async () => {
      const orders = await etl.upload('input/sales/redelivered.csv', ORDERS_CSV);
      await etl.invoke(sqsEvent(orders.body));
      const afterFirst = await etl.job(orders.jobId);

      const second = await etl.invoke(sqsEvent(orders.body));

      expect(second.response).toEqual({ batchItemFailures: [] });
      expect(second.logs.filter((line) => line.job_id === orders.jobId).map((line) => line.message)).toEqual([
        'job received',
        'duplicate delivery: the job already SUCCEEDED',
      ]);
      expect(metricValues(second.logs, 'Duplicates')).toEqual([1]);
      expect(await etl.job(orders.jobId)).toEqual(afterFirst);
      expect(await versionIds(s3(), RAW_BUCKET, orders.outputs.parquet)).toHaveLength(1);
    });

    /** One run wins; the other delivery is an item failure (lease held) or a duplicate (already done). */
    function expectOneRun(logs: Record<string, unknown>[], failures: string[], uploaded: Uploaded): void {
      const messages = logs.filter((line) => line.job_id === uploaded.jobId).map((line) => line.message);
      expect(messages.filter((message) => message === 'job succeeded')).toHaveLength(1);
      const duplicates = messages.filter((message) => message === 'duplicate delivery: the job already SUCCEEDED').length;
      // with the job's log lines, so a failure shows what the other delivery did
      expect({ others: failures.length + duplicates, messages }).toEqual({ others: 1, messages });
      if (failures.length === 1) {
        expect(logs.find((line) => line.message === 'job will be retried')).toMatchObject({ error: expect.objectContaining({ name: 'JobBusyError' }) });
      }
    }

    it('runs the same event twice in one batch once', async () => {
      const orders = await etl.upload('input/sales/same-batch.csv', ORDERS_CSV);

      const { response, logs } = await etl.invoke(sqsEvent(orders.body, orders.body));

      expectOneRun(logs, failedMessages(response), orders);
      expect(await etl.job(orders.jobId)).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
      expect(await versionIds(s3(), RAW_BUCKET, orders.outputs.parquet)).toHaveLength(1);
    });

    it('runs the same event in two parallel invocations once', async () => {
      const orders = await etl.upload('input/sales/parallel.csv', ORDERS_CSV);

      const { result, logs } = await captureLogs(() =>
        Promise.all([etl.handler(sqsEvent(orders.body), lambdaContext()), etl.handler(sqsEvent(orders.body), lambdaContext())]),
      );

      expectOneRun(logs, result.flatMap(failedMessages), orders);
      expect(await etl.job(orders.jobId)).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
      expect(await versionIds(s3(), RAW_BUCKET, orders.outputs.parquet)).toHaveLength(1);
    });
  });

  describe('job state machine', () => {
    const otherRun = (clock: () => Date) => new JobLedger(etl.aws.clients.ddb, JOB_TABLE, '0.8.0', clock);
    const sourceOf = (uploaded: Uploaded) => ({ ...uploaded, bucket: RAW_BUCKET, dataset: 'sales' });

    it('reports an item failure while another run holds a live lease, and changes nothing', async () => {
      const orders = await etl.upload('input/sales/leased.csv', ORDERS_CSV);
      await otherRun(() => new Date()).claim(orders.jobId, sourceOf(orders), 600_000);
      const before = await etl.job(orders.jobId);
      const event = sqsEvent(orders.body);

      const { response, logs } = await etl.invoke(event);

      expect(failedMessages(response)).toEqual([event.Records[0]?.messageId]);
      expect(await etl.job(orders.jobId)).toEqual(before);
      expect(await processedKeys(orders)).toEqual([]);
      expect(logs.find((line) => line.message === 'job will be retried')).toMatchObject({ level: 'WARN', job_id: orders.jobId });
      expect(metricValues(logs, 'JobsRetried')).toEqual([1]);
    });

    it('takes over a job whose run crashed (lease expired) as attempt 2', async () => {
      const orders = await etl.upload('input/sales/crashed.csv', ORDERS_CSV);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await otherRun(() => anHourAgo).claim(orders.jobId, sourceOf(orders), 60_000);

      const { response } = await etl.invoke(sqsEvent(orders.body));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(await etl.job(orders.jobId)).toMatchObject({
        status: 'SUCCEEDED',
        attempt: 2,
        created_at: anHourAgo.toISOString(),
        etl_version: ETL_ENV.ETL_VERSION,
      });
      expect((await readParquetObject(s3(), RAW_BUCKET, orders.outputs.parquet)).rows).toEqual(ORDERS_ROWS);
    });
  });

  it('fails every invocation with the names of missing variables', async () => {
    const unconfigured = etl.createHandler({ JOB_TABLE_NAME: '', ETL_VERSION: '' });

    await expect(unconfigured(sqsEvent('{}'), lambdaContext())).rejects.toThrow(
      'etl: invalid environment: JOB_TABLE_NAME is required; ETL_VERSION is required',
    );
  });
});
