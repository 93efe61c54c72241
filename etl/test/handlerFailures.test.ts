import { randomBytes } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { JobReader } from '../src/jobReader';
import { listKeys, pendingUploads, versionIds } from './support/aws';
import { type EtlFixture, failedMessages, JOB_TABLE, metricValues, RAW_BUCKET, startEtlFixture, type Uploaded } from './support/etlFixture';
import { failCall, interceptCommand } from './support/faults';
import { lambdaContext, sqsEvent } from './support/lambda';

const GOOD_CSV = 'id,name\n1,a\n2,b\n';

describe('ETL handler failures against moto', () => {
  let etl: EtlFixture;

  beforeAll(async () => {
    etl = await startEtlFixture();
  });

  afterAll(async () => {
    await etl.aws.moto.stop();
  });

  const s3 = () => etl.aws.clients.s3;

  /** Nothing a reader could find under processed/ or rejected/ for the job, and no upload left open. */
  async function expectNoOutput(uploaded: Uploaded): Promise<void> {
    expect(await listKeys(s3(), RAW_BUCKET, uploaded.outputs.parquet)).toEqual([]);
    expect(await listKeys(s3(), RAW_BUCKET, uploaded.outputs.rejected)).toEqual([]);
    expect(await pendingUploads(s3(), RAW_BUCKET)).toEqual([]);
  }

  /** A transient failure: RUNNING, lease ended (the redelivery may take over at once), how far it got, why. */
  async function expectReleased(uploaded: Uploaded, stage: string, lastError: string | RegExp): Promise<void> {
    const job = await etl.job(uploaded.jobId);
    expect(job).toMatchObject({ status: 'RUNNING', attempt: 1, stage, last_error: typeof lastError === 'string' ? lastError : expect.stringMatching(lastError) });
    expect(Date.parse(String(job?.lease_expires_at))).toBeLessThanOrEqual(Date.now());
  }

  describe('data errors', () => {
    it('records a malformed file as FAILED with code and reason, acknowledges it and leaves the raw object as it was', async () => {
      const from = new Date().toISOString();
      const bad = await etl.upload('input/sales/bad header.csv', 'id,,id\n1,2,3\n');

      const { response, logs } = await etl.invoke(sqsEvent(bad.body));

      expect(response).toEqual({ batchItemFailures: [] });
      const job = await etl.job(bad.jobId);
      expect(job).toMatchObject({ status: 'FAILED', attempt: 1, error_code: 'BAD_HEADER', finished_at: expect.any(String) });
      expect(job?.error_message).toMatch(/header row .*not usable.*Give every column a unique, non-empty name/);
      expect(job).not.toHaveProperty('lease_expires_at');
      await expectNoOutput(bad);
      expect(await versionIds(s3(), RAW_BUCKET, bad.key)).toEqual([bad.versionId]);
      const raw = await s3().send(new GetObjectCommand({ Bucket: RAW_BUCKET, Key: bad.key, VersionId: bad.versionId }));
      expect(await raw.Body?.transformToString()).toBe('id,,id\n1,2,3\n');
      // the line says which file to fix and why, as fields a log search can filter on
      expect(logs.find((line) => line.message === 'job failed: the file cannot be processed')).toMatchObject({
        level: 'WARN',
        job_id: bad.jobId,
        bucket: RAW_BUCKET,
        key: 'input/sales/bad header.csv',
        version_id: bad.versionId,
        error_code: 'BAD_HEADER',
        error_message: job?.error_message,
      });
      expect(metricValues(logs, 'JobsFailed')).toEqual([1]);

      // "FAILED jobs created between A and B" is one Query on the status index
      const failed = await new JobReader(etl.aws.clients.ddb, JOB_TABLE).jobsByStatus('FAILED', from, new Date().toISOString());
      expect(failed.map((item) => item.job_id)).toEqual([bad.jobId]);

      // a data error is final for this object version: redelivery acknowledges without a rerun
      const again = await etl.invoke(sqsEvent(bad.body));
      expect(again.response).toEqual({ batchItemFailures: [] });
      expect(await etl.job(bad.jobId)).toEqual(job);
    });

    it('fails an object above MAX_OBJECT_BYTES as OBJECT_TOO_LARGE without reading it', async () => {
      const large = await etl.upload('input/sales/large.csv', GOOD_CSV);
      const removeTrap = interceptCommand(s3(), 'GetObjectCommand', () => {
        throw new Error('GetObject must not be called');
      });
      try {
        const { response } = await etl.invoke(sqsEvent(large.body), lambdaContext(), etl.createHandler({ MAX_OBJECT_BYTES: String(large.size - 1) }));
        expect(response).toEqual({ batchItemFailures: [] });
      } finally {
        removeTrap();
      }
      expect(await etl.job(large.jobId)).toMatchObject({
        status: 'FAILED',
        error_code: 'OBJECT_TOO_LARGE',
        error_message: `the object is ${large.size} bytes, more than the ${large.size - 1}-byte limit (MAX_OBJECT_BYTES); split it into smaller files under input/`,
      });
      await expectNoOutput(large);
    });
  });

  describe('transient failures: item failure, lease released, nothing under processed/', () => {
    it('DynamoDB failing mid-file, then the redelivery takes over as attempt 2', async () => {
      const file = await etl.upload('input/sales/ddb-fault.csv', GOOD_CSV);
      const event = sqsEvent(file.body);
      // UpdateItem calls of a job: stage READING, stage WRITING, result. The second fails, after the transform.
      const removeFault = interceptCommand(etl.aws.clients.ddb, 'UpdateItemCommand', failCall(2));
      let invocation;
      try {
        invocation = await etl.invoke(event);
      } finally {
        removeFault();
      }

      expect(failedMessages(invocation.response)).toEqual([event.Records[0]?.messageId]);
      await expectReleased(file, 'READING', 'Error: injected fault (call 2)');
      await expectNoOutput(file);
      expect(invocation.logs.find((line) => line.message === 'job will be retried')).toMatchObject({ level: 'ERROR', job_id: file.jobId });

      const retry = await etl.invoke(sqsEvent(file.body));
      expect(retry.response).toEqual({ batchItemFailures: [] });
      expect(await etl.job(file.jobId)).toMatchObject({ status: 'SUCCEEDED', attempt: 2, last_error: 'Error: injected fault (call 2)' });
      expect(await versionIds(s3(), RAW_BUCKET, file.outputs.parquet)).toHaveLength(1);
    });

    it('S3 failing on an UploadPart of a multipart Parquet upload', async () => {
      // ~12 MB of incompressible text: Parquet of more than two 5 MiB parts
      const noise = randomBytes(40_000 * 225);
      const rows = Array.from({ length: 40_000 }, (_, index) => `${index},${noise.toString('base64', index * 225, (index + 1) * 225)}`);
      const file = await etl.upload('input/sales/big.csv', `id,payload\n${rows.join('\n')}\n`);
      let uploadParts = 0;
      const removeFault = interceptCommand(s3(), 'UploadPartCommand', (call) => {
        uploadParts = call;
        failCall(2)(call);
      });
      let invocation;
      try {
        invocation = await etl.invoke(sqsEvent(file.body));
      } finally {
        removeFault();
      }

      expect(uploadParts).toBeGreaterThanOrEqual(2);
      expect(failedMessages(invocation.response)).toHaveLength(1);
      await expectReleased(file, 'WRITING', 'Error: injected fault (call 2)');
      await expectNoOutput(file);
    });

    it('S3 failing to read the object', async () => {
      const file = await etl.upload('input/sales/unreadable.csv', GOOD_CSV);
      const removeFault = interceptCommand(s3(), 'GetObjectCommand', failCall(1));
      let invocation;
      try {
        invocation = await etl.invoke(sqsEvent(file.body));
      } finally {
        removeFault();
      }

      expect(failedMessages(invocation.response)).toHaveLength(1);
      await expectReleased(file, 'READING', 'Error: injected fault (call 1)');
      await expectNoOutput(file);
    });

    it('running out of time while reading', async () => {
      // Plenty of time until the job is claimed, then less than the 20 s safety margin
      const rows = Array.from({ length: 5_000 }, (_, index) => `${index},${index * 2}`);
      const file = await etl.upload('input/sales/slow.csv', `id,amount\n${rows.join('\n')}\n`);
      let claimed = false;
      const removeHook = interceptCommand(etl.aws.clients.ddb, 'PutItemCommand', () => {
        claimed = true;
      });
      let invocation;
      try {
        invocation = await etl.invoke(sqsEvent(file.body), lambdaContext(() => (claimed ? 5_000 : 600_000)));
      } finally {
        removeHook();
      }

      expect(failedMessages(invocation.response)).toHaveLength(1);
      await expectReleased(file, 'READING', /^OutOfTimeError: 5000 ms of the invocation left, less than the 20000 ms safety margin$/);
      await expectNoOutput(file);
      expect(invocation.logs.find((line) => line.message === 'job will be retried')).toMatchObject({ level: 'WARN' });
      expect(metricValues(invocation.logs, 'JobsRetried')).toEqual([1]);
    });

    it('too little time left to start: item failure without claiming', async () => {
      const file = await etl.upload('input/sales/late.csv', GOOD_CSV);

      const { response } = await etl.invoke(sqsEvent(file.body), lambdaContext(() => 1_000));

      expect(failedMessages(response)).toHaveLength(1);
      expect(await etl.job(file.jobId)).toBeUndefined();
    });
  });
});
