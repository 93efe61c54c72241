import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DataError } from '../src/errors';
import { type Claim, ClaimLostError, type ClaimOutcome, JobLedger, type JobSource } from '../src/jobLedger';
import { JobReader } from '../src/jobReader';
import { JobReplays, type ReplayableJob, replayability } from '../src/jobReplay';
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

  /**
   * A ledger on its own client whose first `command` waits until `other` has finished: two deliveries racing, the
   * interleaving fixed. (Firing claims at once tests nothing here: moto applies concurrent conditional writes without
   * a lock, so two can both pass a condition that DynamoDB would let only one pass.)
   */
  function ledgerWaitingFor(command: 'PutItemCommand' | 'UpdateItemCommand', other: () => Promise<unknown>): JobLedger {
    const client = new DynamoDBClient({ endpoint: aws.moto.endpoint });
    let waited = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!waited && context.commandName === command) {
          waited = true;
          await other();
        }
        return next(args);
      },
      { step: 'initialize', name: 'waitForTheOtherDelivery' },
    );
    return new JobLedger(DynamoDBDocumentClient.from(client), TABLE, '1.2.3', () => clock);
  }

  it.each([
    ['a new job', 'PutItemCommand', 1, async () => {}],
    [
      'an expired lease',
      'UpdateItemCommand',
      2,
      async () => {
        await ledger.claim(jobId, SOURCE, LEASE_MS);
        advance(LEASE_MS + 1);
      },
    ],
    [
      'a requested replay',
      'UpdateItemCommand',
      2,
      async () => {
        await ledger.fail(claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS)), new DataError('EMPTY_FILE', 'empty'));
        const check = replayability((await item()) ?? {});
        if (check.kind === 'replayable') await new JobReplays(aws.clients.ddb, TABLE, () => clock).request(check.job);
      },
    ],
  ] as const)('of two deliveries claiming %s, the one whose write lands second loses to the first', async (_what, command, attempt, setup) => {
    await setup();
    let first: ClaimOutcome | undefined;
    const second = ledgerWaitingFor(command, async () => {
      first = await ledger.claim(jobId, SOURCE, LEASE_MS);
    });

    const outcome = await second.claim(jobId, SOURCE, LEASE_MS);

    expect(first).toEqual({ kind: 'claimed', claim: { jobId, attempt, startedAt: clock } });
    expect(outcome).toEqual({ kind: 'busy', attempt, leaseExpiresAt: new Date(clock.getTime() + LEASE_MS).toISOString() });
    expect(await item()).toMatchObject({ status: 'RUNNING', attempt });
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

  describe('replay', () => {
    let replays: JobReplays;
    beforeAll(() => {
      replays = new JobReplays(aws.clients.ddb, TABLE, () => clock);
    });

    /** The job as an operator reads it, checked replayable. */
    const replayable = async (): Promise<ReplayableJob> => {
      const check = replayability((await item()) ?? {});
      if (check.kind !== 'replayable') throw new Error(`expected a replayable job, got ${check.status}`);
      return check.job;
    };

    const failJob = async (code: 'BAD_HEADER' | 'EMPTY_FILE' = 'BAD_HEADER'): Promise<void> => {
      const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
      advance(2_000);
      await ledger.fail(claim, new DataError(code, `attempt ${claim.attempt} failed`));
    };

    it('moves a FAILED job to REPLAY_REQUESTED, filing the failed attempt and removing its outcome', async () => {
      await failJob();
      const failed = await item();
      advance(60_000);

      expect(await replays.request(await replayable())).toEqual({ kind: 'requested', attempt: 2 });

      expect(await item()).toEqual({
        ...failed,
        status: 'REPLAY_REQUESTED',
        replays: 1,
        replay_requested_at: '2026-11-25T10:01:02.000Z',
        previous_attempts: [
          {
            attempt: 1,
            status: 'FAILED',
            etl_version: '1.2.3',
            started_at: '2026-11-25T10:00:00.000Z',
            finished_at: '2026-11-25T10:00:02.000Z',
            duration_ms: 2_000,
            error_code: 'BAD_HEADER',
            error_message: 'attempt 1 failed',
          },
        ],
        error_code: undefined,
        error_message: undefined,
        finished_at: undefined,
        duration_ms: undefined,
      });
      // the status index answers "which replays are pending"
      const pending = await new JobReader(aws.clients.ddb, TABLE).jobsByStatus('REPLAY_REQUESTED', '2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z');
      expect(pending.map((job) => job.job_id)).toEqual([jobId]);
    });

    it('lets the next delivery claim a REPLAY_REQUESTED job as the next attempt, which records its own outcome', async () => {
      await failJob();
      await replays.request(await replayable());
      advance(1_000);
      const upgraded = new JobLedger(aws.clients.ddb, TABLE, '1.3.0', () => clock);

      const claim = claimOf(await upgraded.claim(jobId, SOURCE, LEASE_MS));
      expect(claim).toEqual({ jobId, attempt: 2, startedAt: clock });
      expect(await item()).toMatchObject({ status: 'RUNNING', stage: 'CLAIMED', attempt: 2, etl_version: '1.3.0', created_at: '2026-11-25T10:00:00.000Z' });

      advance(500);
      await upgraded.succeed(claim, SUMMARY);
      const done = await item();
      expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 2, records_out: 9, duration_ms: 500, replays: 1 });
      expect(done).not.toHaveProperty('error_code');
      expect(done?.previous_attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'FAILED', error_code: 'BAD_HEADER' })]);
      // and from then on, deliveries are duplicates again
      expect(await ledger.claim(jobId, SOURCE, LEASE_MS)).toEqual({ kind: 'succeeded' });
    });

    it('keeps every failed attempt when a replay fails again and is replayed again', async () => {
      await failJob('BAD_HEADER');
      await replays.request(await replayable());
      await failJob('EMPTY_FILE');

      expect(await item()).toMatchObject({ status: 'FAILED', attempt: 2, error_code: 'EMPTY_FILE', replays: 1 });
      expect(await ledger.claim(jobId, SOURCE, LEASE_MS)).toEqual({ kind: 'failed', errorCode: 'EMPTY_FILE' });

      expect(await replays.request(await replayable())).toEqual({ kind: 'requested', attempt: 3 });
      expect(await item()).toMatchObject({
        status: 'REPLAY_REQUESTED',
        attempt: 2,
        replays: 2,
        previous_attempts: [
          expect.objectContaining({ attempt: 1, error_code: 'BAD_HEADER' }),
          expect.objectContaining({ attempt: 2, error_code: 'EMPTY_FILE' }),
        ],
      });
    });

    it('renews only the request time when asked again before the replay ran (its message was lost)', async () => {
      await failJob();
      await replays.request(await replayable());
      const requested = await item();
      advance(5_000);

      expect(await replays.request(await replayable())).toEqual({ kind: 'requested', attempt: 2 });

      expect(await item()).toEqual({ ...requested, replay_requested_at: '2026-11-25T10:00:07.000Z' });
    });

    it('writes nothing when the job changed since it was read', async () => {
      await failJob();
      const stale = await replayable();
      await replays.request(stale);
      claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
      const running = await item();

      expect(await replays.request(stale)).toEqual({ kind: 'changed' });
      expect(await item()).toEqual(running);
    });

    it('refuses RUNNING and SUCCEEDED jobs', async () => {
      const claim = claimOf(await ledger.claim(jobId, SOURCE, LEASE_MS));
      expect(replayability((await item()) ?? {})).toEqual({ kind: 'refused', status: 'RUNNING' });

      await ledger.succeed(claim, SUMMARY);
      expect(replayability((await item()) ?? {})).toEqual({ kind: 'refused', status: 'SUCCEEDED' });
    });
  });
});
