import path from 'node:path';
import { DataError } from '../../etl/src/errors';
import { type ClaimOutcome, JobLedger, type JobSource } from '../../etl/src/jobLedger';
import { type TestAws, startTestAws } from '../../etl/test/support/aws';
import { createOpsClients } from '../src/clients';
import type { CommandDeps } from '../src/commands';
import { listJobs } from '../src/jobQueries';
import { main } from '../src/main';

/** What `--env dev --region us-east-1` resolves to; startTestAws's clients are in us-east-1. */
const TABLE = 'analytics-jobs-us-east-1-dev';
const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');
const TARGET = ['--env', 'dev', '--region', 'us-east-1', '--environments', ENVIRONMENTS];
const NOW = new Date('2026-10-05T11:00:00.000Z');
const WINDOW = ['--from', '2026-10-05T10:00:00Z', '--to', '2026-10-05T11:00:00Z'];

const source = (key: string): JobSource => ({ bucket: 'analytics-bucket-us-east-1-dev', key, versionId: 'v1', size: 10, etag: 'e', dataset: 'sales' });

describe('jobs list / show against moto', () => {
  let aws: TestAws;
  let clock: Date;
  let deps: CommandDeps;
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;

  const jobs = (...args: string[]) => main(['jobs', ...args, ...TARGET], deps);

  beforeAll(async () => {
    aws = await startTestAws();
    await aws.createJobTable(TABLE);
    // The commands build their own clients, as from the command line: the endpoint comes from the environment.
    process.env.AWS_ENDPOINT_URL = aws.moto.endpoint;
    deps = { now: () => NOW, clients: createOpsClients, env: process.env };

    // Written by the ETL's own ledger, so the items are what the Lambda writes.
    const ledger = new JobLedger(aws.clients.ddb, TABLE, '1.2.3', () => clock);
    const claim = async (id: string, at: string): Promise<ClaimOutcome & { kind: 'claimed' }> => {
      clock = new Date(at);
      const outcome = await ledger.claim(id, source(`input/sales/${id}.csv`), 60_000);
      if (outcome.kind !== 'claimed') throw new Error(`seed: ${id} not claimed`);
      return outcome;
    };
    const fail = async (id: string, at: string, code: 'EMPTY_FILE' | 'BAD_HEADER' = 'EMPTY_FILE') => {
      await ledger.fail((await claim(id, at)).claim, new DataError(code, `${id} is bad`));
    };
    await fail('failed-before', '2026-10-05T09:59:59.999Z');
    await fail('failed-at-start', '2026-10-05T10:00:00.000Z');
    await fail('failed-a', '2026-10-05T10:15:00.000Z', 'BAD_HEADER');
    await fail('failed-b', '2026-10-05T10:45:00.000Z');
    await fail('failed-after', '2026-10-05T11:00:00.001Z');
    const done = await claim('succeeded-a', '2026-10-05T10:30:00.000Z');
    await ledger.succeed(done.claim, {
      recordsIn: 10,
      recordsOut: 9,
      recordsRejected: 1,
      bytesIn: 100,
      bytesOut: 200,
      outputKey: 'processed/sales/dt=2026-10-05/succeeded-a.parquet',
      rejectedKey: undefined,
    });
    await claim('running-a', '2026-10-05T10:50:00.000Z');
  }, 60_000);

  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
    await aws?.moto.stop();
  });

  it('lists exactly the jobs of the status created in the window, oldest first', async () => {
    const list = await listJobs(createOpsClients('us-east-1').ddb, TABLE, {
      statuses: ['FAILED'],
      window: { from: '2026-10-05T10:00:00.000Z', to: '2026-10-05T11:00:00.000Z' },
      limit: 50,
    });

    expect(list.total).toBe(3);
    expect(list.jobs.map((job) => job.job_id)).toEqual(['failed-at-start', 'failed-a', 'failed-b']);
  });

  it('merges several statuses in creation order', async () => {
    const list = await listJobs(createOpsClients('us-east-1').ddb, TABLE, {
      statuses: ['RUNNING', 'SUCCEEDED', 'FAILED'],
      window: { from: '2026-10-05T10:00:00.000Z', to: '2026-10-05T11:00:00.000Z' },
      limit: 50,
    });

    expect(list.jobs.map((job) => job.job_id)).toEqual(['failed-at-start', 'failed-a', 'succeeded-a', 'failed-b', 'running-a']);
  });

  it('prints the table for --status FAILED --since 1h', async () => {
    const result = await jobs('list', '--status', 'FAILED', '--since', '1h');

    expect(result).toEqual({ exitCode: 0, stderr: '', stdout: expect.any(String) });
    expect(result.stdout).toContain(`FAILED jobs created 2026-10-05T10:00:00.000Z .. 2026-10-05T11:00:00.000Z in ${TABLE} (us-east-1 at ${aws.moto.endpoint}):`);
    expect(result.stdout).toMatch(/\nfailed-at-start +FAILED +2026-10-05T10:00:00\.000Z +input\/sales\/failed-at-start\.csv +EMPTY_FILE: failed-at-start is bad\n/);
    expect(result.stdout).toMatch(/\nfailed-a +FAILED .* BAD_HEADER: failed-a is bad\n/);
    expect(result.stdout).toMatch(/\nfailed-b +FAILED /);
    expect(result.stdout).not.toMatch(/failed-before|failed-after|succeeded-a|running-a/);
    expect(result.stdout).toMatch(/\n3 jobs\.\n$/);
  });

  it('shows records out for successes and keeps the newest with --limit', async () => {
    const result = await jobs('list', ...WINDOW, '--status', 'SUCCEEDED,FAILED', '--limit', '2');

    expect(result.stdout).toMatch(/\nsucceeded-a +SUCCEEDED .* records out 9 \(in 10, rejected 1\)\n/);
    expect(result.stdout).toMatch(/\nfailed-b +FAILED /);
    expect(result.stdout).not.toContain('failed-a ');
    expect(result.stdout).toContain('\n2 of 4 jobs shown (the newest); raise --limit or narrow the window for the rest.\n');
  });

  it('prints JSON with --json', async () => {
    const result = await jobs('list', ...WINDOW, '--status', 'RUNNING', '--json');

    expect(JSON.parse(result.stdout)).toEqual({
      table: TABLE,
      region: 'us-east-1',
      statuses: ['RUNNING'],
      from: '2026-10-05T10:00:00.000Z',
      to: '2026-10-05T11:00:00.000Z',
      total: 1,
      jobs: [expect.objectContaining({ job_id: 'running-a', status: 'RUNNING', stage: 'CLAIMED', attempt: 1 })],
    });
  });

  it('says so when nothing matched', async () => {
    const result = await jobs('list', '--status', 'RUNNING', '--from', '2026-10-04', '--to', '2026-10-05');

    expect(result).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^No RUNNING jobs created 2026-10-04T00:00:00\.000Z \.\. 2026-10-05T00:00:00\.000Z in /) });
  });

  it('shows one job in full', async () => {
    const result = await jobs('show', 'failed-a');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^job_id +failed-a\nstatus +FAILED\nattempt +1\nerror_code +BAD_HEADER\nerror_message +failed-a is bad\ncreated_at /);
    expect(result.stdout).toMatch(/\netl_version +1\.2\.3\n/);
    expect(result.stdout).toMatch(/\nkey +input\/sales\/failed-a\.csv\n/);

    const json = await jobs('show', 'succeeded-a', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ job_id: 'succeeded-a', status: 'SUCCEEDED', records_out: 9, output_key: 'processed/sales/dt=2026-10-05/succeeded-a.parquet' });
  });

  it('names the table and how to list jobs for an unknown id', async () => {
    expect(await jobs('show', 'no-such-job')).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `error: job no-such-job not found in ${TABLE} (us-east-1 at ${aws.moto.endpoint}); list recent ones with: npm run jobs -- list --env dev --region us-east-1\n`,
    });
  });

  it('says which table is missing when the region has none', async () => {
    const result = await main(['jobs', 'list', '--suffix', 'gone', '--region', 'us-east-1'], deps);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: table analytics-jobs-us-east-1-gone not found .*; is the environment deployed in this region and account\?\n$/);
  });

  it('exits 2 with the message and the synopsis for a usage error', async () => {
    const result = await jobs('list', '--status', 'DONE');

    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(result.stderr).toMatch(/^error: --status "DONE": unknown status; allowed: RUNNING, SUCCEEDED, FAILED, REPLAY_REQUESTED\n\nUsage:\n {2}npm run jobs -- list /);
    expect(result.stderr).toMatch(/\nEvery flag: npm run jobs -- --help\n$/);
  });
});
