import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { buildEtl } from '../scripts/build';
import { invokeBundle } from './invokeBundle';
import { EMULATOR_ENV } from './support/aws';
import { ETL_ENV, type EtlFixture, startEtlFixture } from './support/etlFixture';
import { sqsEvent } from './support/lambda';
import { readParquetObject } from './support/parquet';

describe('built bundle', () => {
  let workDir: string;
  let bundlePath: string;
  let etl: EtlFixture;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'etl-bundle-'));
    const [manifest, fixture] = await Promise.all([buildEtl({ outDir: workDir }), startEtlFixture()]);
    etl = fixture;
    // every entry, as Lambda unpacks it: index.js requires the native binding beside it
    const task = path.join(workDir, 'task');
    for (const [name, bytes] of Object.entries(unzipSync(await readFile(path.join(workDir, manifest.file))))) {
      await mkdir(path.dirname(path.join(task, name)), { recursive: true });
      await writeFile(path.join(task, name), bytes);
    }
    bundlePath = path.join(task, 'index.js');
  });

  afterAll(async () => {
    await Promise.all([rm(workDir, { recursive: true, force: true }), etl.aws.moto.stop()]);
  });

  it('processes an S3 event end to end with the clients it builds from AWS_ENDPOINT_URL', async () => {
    const orders = await etl.upload('input/sales/from bundle+1.csv', 'id,amount\n1,2.5\n2,3\n');
    const env = {
      ...ETL_ENV,
      ...EMULATOR_ENV,
      AWS_ENDPOINT_URL: etl.aws.moto.endpoint,
      POWERTOOLS_SERVICE_NAME: 'analytics-etl',
      POWERTOOLS_METRICS_NAMESPACE: 'AnalyticsPlatform',
    };

    const { logs, outcome } = await invokeBundle(bundlePath, sqsEvent(orders.body, 'not an event'), env);

    expect(outcome).toEqual({ handlerType: 'function', result: { batchItemFailures: [] } });
    expect(await etl.job(orders.jobId)).toMatchObject({ status: 'SUCCEEDED', records_out: 2 });
    expect((await readParquetObject(etl.aws.clients.s3, ETL_ENV.RAW_BUCKET_NAME, orders.outputs.parquet)).rows).toEqual([
      { id: 1n, amount: 2.5 },
      { id: 2n, amount: 3 },
    ]);
    expect(logs.filter((line) => line.job_id === orders.jobId).map((line) => line.message)).toEqual(['job received', 'job succeeded']);
    expect(logs.find((line) => line.message === 'job succeeded')).toMatchObject({ service: 'analytics-etl', function_name: 'analytics-etl-bundle' });
    expect(logs.find((line) => line.message === 'message is not an S3 Object Created event; acknowledged')).toMatchObject({ level: 'WARN' });
    expect(logs.find((line) => '_aws' in line)).toMatchObject({
      _aws: { CloudWatchMetrics: [expect.objectContaining({ Namespace: 'AnalyticsPlatform' })] },
      JobsSucceeded: 1,
      RecordsOut: 2,
    });
  });

  it('names every missing environment variable when invoked unconfigured', async () => {
    const { logs, outcome } = await invokeBundle(bundlePath, sqsEvent('{}'), {});

    expect(outcome).toEqual({
      handlerType: 'function',
      error: 'etl: invalid environment: JOB_TABLE_NAME is required; RAW_BUCKET_NAME is required; ETL_VERSION is required',
    });
    expect(logs).toEqual([]);
  });
});
