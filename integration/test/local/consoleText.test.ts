import type { BatchReport } from '../../src/eventSourceMapping';
import { formatBatch, formatFunctionLog, nextSteps, type NextStepsInput } from '../../local/consoleText';

const JOB_ID = '3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6';

/** A line as the ETL's Powertools logger prints it (one JSON object per line). */
const record = (fields: Record<string, unknown>): string =>
  JSON.stringify({ timestamp: '2026-11-25T10:00:00.000Z', service: 'analytics-etl', sampling_rate: 0, xray_trace_id: '1-abc', ...fields });

describe('formatFunctionLog', () => {
  it('compacts a log record to region, padded level, message and job id', () => {
    expect(formatFunctionLog('us-east-1', record({ level: 'INFO', message: 'job succeeded', job_id: JOB_ID, message_id: 'm-1', records_out: 2 }))).toBe(
      `[us-east-1] INFO  job succeeded job_id=${JOB_ID}`,
    );
    expect(formatFunctionLog('eu-west-1', record({ level: 'ERROR', message: 'could not read the object', job_id: JOB_ID }))).toBe(
      `[eu-west-1] ERROR could not read the object job_id=${JOB_ID}`,
    );
  });

  it("adds a failed job's key and error code, the file to fix and why", () => {
    const failed = record({ level: 'WARN', message: 'job failed: the file cannot be processed', job_id: JOB_ID, bucket: 'b', key: 'input/sales/bad header.csv', error_code: 'BAD_HEADER', error_message: 'header row…' });
    expect(formatFunctionLog('us-east-1', failed)).toBe(`[us-east-1] WARN  job failed: the file cannot be processed job_id=${JOB_ID} key=input/sales/bad header.csv error_code=BAD_HEADER`);
  });

  it('leaves job_id out when the record has none (before a job is known)', () => {
    expect(formatFunctionLog('us-east-1', record({ level: 'WARN', message: 'not an Object Created event; acknowledged' }))).toBe(
      '[us-east-1] WARN  not an Object Created event; acknowledged',
    );
  });

  it('drops EMF metric blobs', () => {
    const emf = JSON.stringify({
      _aws: { Timestamp: 1764064800000, CloudWatchMetrics: [{ Namespace: 'AnalyticsPlatform', Dimensions: [['service']], Metrics: [{ Name: 'JobsSucceeded', Unit: 'Count' }] }] },
      service: 'analytics-etl',
      JobsSucceeded: 1,
    });
    expect(formatFunctionLog('us-east-1', emf)).toBeUndefined();
  });

  it.each(['', '   ', '\t'])('drops an empty line %j', (line) => {
    expect(formatFunctionLog('us-east-1', line)).toBeUndefined();
  });

  it.each([
    ['a stack trace line', '    at processObject (/var/task/index.js:1:2345)'],
    ['a stray console.log', 'hello from the handler'],
    ['JSON that is not an object', '42'],
    ['JSON null', 'null'],
    ['an object without level/message', '{"foo":"bar"}'],
    ['a level that is not a string', '{"level":30,"message":"pino style"}'],
  ])('passes %s through as it came, prefixed with the region', (_what, line) => {
    expect(formatFunctionLog('ap-southeast-1', line)).toBe(`[ap-southeast-1] ${line}`);
  });
});

describe('formatBatch', () => {
  const batch = (outcome: BatchReport['outcome'], returned: string[]): BatchReport => ({ received: 3, deleted: 3 - returned.length, returned, outcome });

  it('says nothing when the function answered (its own log lines tell the story)', () => {
    expect(formatBatch('us-east-1', batch('returned', ['m-2']))).toBeUndefined();
  });

  it('reports a thrown invocation with how many messages go back', () => {
    expect(formatBatch('us-east-1', batch('threw', ['m-1', 'm-2', 'm-3']))).toBe('[us-east-1] ERROR the invocation threw: 3 message(s) go back to the queue');
  });

  it('reports a timed-out invocation', () => {
    expect(formatBatch('eu-west-1', batch('timedOut', ['m-1']))).toBe('[eu-west-1] ERROR the invocation timed out: 1 message(s) go back to the queue');
  });
});

describe('nextSteps', () => {
  const input: NextStepsInput = {
    environment: 'dev',
    emulator: 'moto',
    endpoint: 'http://127.0.0.1:40123',
    ownsEmulator: true,
    regions: [
      { region: 'us-east-1', bucketName: 'analytics-bucket-us-east-1-dev', stackDir: '/tmp/local-dev-x/stacks/dev-us-east-1' },
      { region: 'eu-west-1', bucketName: 'analytics-bucket-eu-west-1-dev', stackDir: '/tmp/local-dev-x/stacks/dev-eu-west-1' },
    ],
  };
  const lines = (text: string): string[] => text.split('\n');

  it('names the emulator, endpoint and regions first', () => {
    expect(lines(nextSteps(input))[0]).toBe('The dev platform is up on moto at http://127.0.0.1:40123: us-east-1, eu-west-1.');
  });

  it('exports the endpoint with the dummy credentials', () => {
    expect(lines(nextSteps(input))).toContain('  export AWS_ENDPOINT_URL=http://127.0.0.1:40123 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test');
  });

  it('gives each region its upload into its own bucket, its job commands, outputs and stack directory', () => {
    const text = lines(nextSteps(input));
    for (const { region, bucketName, stackDir } of input.regions) {
      expect(text).toEqual(
        expect.arrayContaining([
          `${region}:`,
          `  upload a file    aws --endpoint-url http://127.0.0.1:40123 --region ${region} s3 cp ./orders.csv s3://${bucketName}/input/sales/orders.csv`,
          `  list its jobs    npm run jobs -- list --env dev --region ${region} --since 1h`,
          `  one job          npm run jobs -- show <job-id> --env dev --region ${region}`,
          `  the outputs      aws --endpoint-url http://127.0.0.1:40123 --region ${region} s3 ls s3://${bucketName}/processed/ --recursive   (rejected rows: rejected/)`,
          `  stack outputs    terraform -chdir=${stackDir} output`,
        ]),
      );
    }
  });

  it('gives a printf that writes the sample orders.csv (a header and two rows)', () => {
    const printf = lines(nextSteps(input)).find((line) => line.trimStart().startsWith('printf'));
    expect(printf).toBe(`  printf 'order_id,item,amount,ordered_at\\n1,apple,2.50,2026-01-02\\n2,pear,1.25,2026-01-03\\n' > orders.csv`);
  });

  it('says teardown stops an emulator it started', () => {
    expect(lines(nextSteps(input)).at(-1)).toBe('Ctrl-C to tear down: empties the buckets, terraform destroy, stops moto.');
  });

  it('says teardown leaves an external emulator (AWS_ENDPOINT_URL) running', () => {
    const external = nextSteps({ ...input, emulator: 'localstack', endpoint: 'http://localhost:4566', ownsEmulator: false });
    expect(lines(external).at(-1)).toBe('Ctrl-C to tear down: empties the buckets, terraform destroy, leaves localstack running.');
    expect(external).not.toContain('stops localstack');
  });
});
