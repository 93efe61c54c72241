import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { buildEtl } from '../scripts/build';
import type { SqsEvent } from '../src/sqs';
import { invokeBundle } from './invokeBundle';

const ENV = { JOB_TABLE_NAME: 'jobs', RAW_BUCKET_NAME: 'raw-bucket', ETL_VERSION: '0.1.0' };

const TWO_RECORDS: SqsEvent = {
  Records: [
    { messageId: 'm-1', body: '{"jobId":"a"}' },
    { messageId: 'm-2', body: '{"jobId":"b"}' },
  ],
};

describe('built bundle', () => {
  let workDir: string;
  let bundlePath: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'etl-bundle-'));
    const manifest = await buildEtl({ outDir: workDir });
    const code = unzipSync(await readFile(path.join(workDir, manifest.file)))['index.js'];
    if (!code) throw new Error('index.js missing from the zip');
    bundlePath = path.join(workDir, 'index.js');
    await writeFile(bundlePath, code);
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('acknowledges every record of an SQS batch and logs the count', async () => {
    const { logs, outcome } = await invokeBundle(bundlePath, TWO_RECORDS, ENV);

    expect(outcome).toEqual({ handlerType: 'function', result: { batchItemFailures: [] } });
    expect(logs).toEqual([{ message: 'batch received', records: 2, etlVersion: '0.1.0' }]);
  });

  it('names every missing environment variable when invoked unconfigured', async () => {
    const { logs, outcome } = await invokeBundle(bundlePath, TWO_RECORDS, {});

    expect(outcome).toEqual({
      handlerType: 'function',
      error: 'etl: missing required environment variable(s): JOB_TABLE_NAME, RAW_BUCKET_NAME, ETL_VERSION',
    });
    expect(logs).toEqual([]);
  });
});
