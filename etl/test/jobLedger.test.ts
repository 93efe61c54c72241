import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DataError } from '../src/errors';
import { type Claim, ClaimLostError, type ClaimOutcome, JobLedger, type JobSource } from '../src/jobLedger';
import { JobReader } from '../src/jobReader';
import { startTestAws, type TestAws } from './support/aws';

const TABLE = 'ledger-test-jobs';
const LEASE_MS = 60_000;
const SOURCE: JobSource = { bucket: 'raw-bucket', key: 'input/sales/orders.csv', versionId: 'v1', size: 123, etag: '0cc175b9c0f1b6a831c399e269772661', dataset: 'sales' };
const SUMMARY = {
  recordsIn: 10,
  recordsOut: 9,
  recordsRejected: 1,
  bytesIn: 123,
  bytesOut: 456,
  outputKey: 'processed/sales/dt=2026-11-25/orders-j.parquet',
  rejectedKey: 'rejected/sales/dt=2026-11-25/orders-j.jsonl.gz',
};

describe('JobLedger', () => {
  let aws: TestAws;
  /** The ledger's clock: tests move it to expire leases. */
  let clock: Date;
  let ledger: JobLedger;
  let jobCounter = 0;
  let jobId: string;

  beforeAll(async () => {
    aws = await startTestAws();
    await aws.createJobTable(TABLE);
    ledger = new JobLedger(aws.clients.ddb, TABLE, '1.2.3', () => clock);
  });

  afterAll(async () => {
    await aws.moto.stop();
  });

  beforeEach(() => {
    clock = new Date('2026-11-25T10:00:00.000Z');
    jobCounter += 1;
    jobId = `job-${jobCounter}`;
  });

  const item = async (id = jobId): Promise<Record<string, unknown> | undefined> =>
    (await aws.clients.ddb.send(new GetCommand({ TableName: TABLE, Key: { job_id: id }, ConsistentRead: true }))).Item;

  function claimOf(outcome: ClaimOutcome): Claim {
    if (outcome.kind !== 'claimed') throw new Error(`expected a claim, got ${outcome.kind}`);
    return outcome.claim;
  }

  const advance = (ms: number): void => {
    clock = new Date(clock.getTime() + ms);
  };

  it('claims a new job: RUNNING, attempt 1, with its source and lease', async () => {
    const outcome = await ledger.claim(jobId, SOURCE, LEASE_MS);

    expect(outcome).toEqual({ kind: 'claimed', claim: { jobId, attempt: 1, startedAt: clock } });
    expect(await item()).toEqual({
      job_id: jobId,
      status: 'RUNNING',
      stage: 'CLAIMED',
      attempt: 1,
      created_at: '2026-11-25T10:00:00.000Z',
      started_at: '2026-11-25T10:00:00.000Z',
      lease_expires_at: '2026-11-25T10:01:00.000Z',
      etl_version: '1.2.3',
      bucket: 'raw-bucket',
      key: 'input/sales/orders.csv',
      version_id: 'v1',
      size: 123,
      etag: '0cc175b9c0f1b6a831c399e269772661',
      dataset: 'sales',
    });
  });

  it('refuses a job whose lease is live, and changes nothing', async () => {
    await ledger.claim(jobId, SOURCE, LEASE_MS);
    const before = await item();
    advance(LEASE_MS - 1);

    expect(await ledger.claim(jobId, SOURCE, LEASE_MS)).toEqual({ kind: 'busy', attempt: 1, leaseExpiresAt: '2026-11-25T10:01:00.000Z' });
    expect(await item()).toEqual(before);
  });

  it('takes over a job whose lease expired (crashed run) with the next attempt, keeping created_at', async () => {
    await ledger.claim(jobId, SOURCE, LEASE_MS);
    advance(LEASE_MS + 1);

    const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));

    expect(claim.attempt).toBe(2);
    expect(await item()).toMatchObject({
      status: 'RUNNING',
      stage: 'CLAIMED',
      attempt: 2,
      created_at: '2026-11-25T10:00:00.000Z',
      started_at: '2026-11-25T10:01:00.001Z',
      lease_expires_at: '2026-11-25T10:02:00.001Z',
    });
  });

  it('records the stage reached', async () => {
    const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    await ledger.setStage(claim, 'READING');

    expect(await item()).toMatchObject({ stage: 'READING' });
  });

  it('records success, then reports later deliveries as succeeded without rewriting anything', async () => {
    const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    advance(1_500);
    expect(await ledger.succeed(claim, SUMMARY)).toBe(1_500);
    const done = await item();

    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      attempt: 1,
      records_in: 10,
      records_out: 9,
      records_rejected: 1,
      bytes_in: 123,
      bytes_out: 456,
      output_key: SUMMARY.outputKey,
      rejected_key: SUMMARY.rejectedKey,
      duration_ms: 1_500,
      finished_at: '2026-11-25T10:00:01.500Z',
    });
    expect(done).not.toHaveProperty('lease_expires_at');
    expect(done).not.toHaveProperty('stage');

    advance(LEASE_MS * 10);
    expect(await ledger.claim(jobId, SOURCE, LEASE_MS)).toEqual({ kind: 'succeeded' });
    expect(await item()).toEqual(done);
  });

  it('leaves out a rejected key when no row was rejected', async () => {
    const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    await ledger.succeed(claim, { ...SUMMARY, recordsRejected: 0, rejectedKey: undefined });

    expect(await item()).not.toHaveProperty('rejected_key');
  });

  it('records a data error as final: later deliveries get it back, nothing is rewritten', async () => {
    const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    await ledger.fail(claim, new DataError('BAD_HEADER', 'the header row has an empty column name (column 3)'));
    const failed = await item();

    expect(failed).toMatchObject({
      status: 'FAILED',
      error_code: 'BAD_HEADER',
      error_message: 'the header row has an empty column name (column 3)',
      finished_at: '2026-11-25T10:00:00.000Z',
    });
    expect(await ledger.claim(jobId, SOURCE, LEASE_MS)).toEqual({ kind: 'failed', errorCode: 'BAD_HEADER' });
    expect(await item()).toEqual(failed);
  });

  it('releases the lease after a transient error so the next delivery takes over at once', async () => {
    const first = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    await ledger.setStage(first, 'READING');
    advance(1_000);
    await ledger.release(first, new Error('socket hang up'));

    expect(await item()).toMatchObject({
      status: 'RUNNING',
      stage: 'READING',
      attempt: 1,
      lease_expires_at: '2026-11-25T10:00:01.000Z',
      last_error: 'Error: socket hang up',
    });
    advance(1);
    expect(claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS)).attempt).toBe(2);
  });

  it('refuses every write of a stale run once a newer attempt owns the job', async () => {
    const stale = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    advance(LEASE_MS + 1);
    claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
    const current = await item();

    await expect(ledger.succeed(stale, SUMMARY)).rejects.toThrow(ClaimLostError);
    await expect(ledger.fail(stale, new DataError('EMPTY_FILE', 'empty'))).rejects.toThrow(ClaimLostError);
    await expect(ledger.release(stale, new Error('x'))).rejects.toThrow(ClaimLostError);
    await expect(ledger.setStage(stale, 'WRITING')).rejects.toThrow(`job ${jobId} is no longer RUNNING attempt 1`);
    expect(await item()).toEqual(current);
  });

  it('lets exactly one of several concurrent claims win, for a new job and for an expired lease', async () => {
    const race = () => Promise.all(Array.from({ length: 5 }, () => ledger.claim(jobId, SOURCE, LEASE_MS)));

    const fresh = await race();
    expect(fresh.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
    expect(fresh.filter((outcome) => outcome.kind === 'busy')).toHaveLength(4);

    advance(LEASE_MS + 1);
    const takeovers = await race();
    expect(takeovers.filter((outcome) => outcome.kind === 'claimed').map((outcome) => claimOf(outcome).attempt)).toEqual([2]);
    expect(takeovers.filter((outcome) => outcome.kind === 'busy')).toHaveLength(4);
    expect(await item()).toMatchObject({ attempt: 2 });
  });

  it('lists the jobs of a status created in a time range from the status index', async () => {
    const failedAt = async (id: string, iso: string): Promise<void> => {
      clock = new Date(iso);
      await ledger.fail(claimOf(await ledger.claim(id, SOURCE, LEASE_MS)), new DataError('EMPTY_FILE', 'the file is empty'));
    };
    // A month no other test uses
    await failedAt('range-before', '2026-10-04T23:59:59.999Z');
    await failedAt('range-first', '2026-10-05T00:00:00.000Z');
    await failedAt('range-second', '2026-10-05T12:00:00.000Z');
    await failedAt('range-after', '2026-10-06T00:00:00.001Z');
    await ledger.succeed(claimOf(await ledger.claim('range-succeeded', SOURCE, LEASE_MS)), SUMMARY);

    const failed = await new JobReader(aws.clients.ddb, TABLE).jobsByStatus('FAILED', '2026-10-05T00:00:00.000Z', '2026-10-06T00:00:00.000Z');

    expect(failed.map((job) => job.job_id)).toEqual(['range-first', 'range-second']);
    expect(failed[0]).toMatchObject({ status: 'FAILED', error_code: 'EMPTY_FILE', key: SOURCE.key });
  });
});
