import { availableParallelism, tmpdir } from 'node:os';
import { readConfig } from '../src/config';

const REQUIRED = { JOB_TABLE_NAME: 'jobs', RAW_BUCKET_NAME: 'raw', ETL_VERSION: '0.1.0' };

describe('readConfig', () => {
  it('maps the required variables and fills in the defaults', () => {
    expect(readConfig(REQUIRED)).toEqual({
      jobTableName: 'jobs',
      rawBucketName: 'raw',
      etlVersion: '0.1.0',
      maxObjectBytes: 5 * 1024 ** 3,
      maxRejectedShare: 0.05,
      leaseSeconds: 900,
      timeSafetyMarginMs: 20_000,
      maxParallelRecords: 4,
      scratchDir: tmpdir(),
      duckDbMemoryMb: undefined,
      duckDbThreads: availableParallelism(),
      duckDbSpillMb: 1024,
    });
  });

  it('reads the optional variables', () => {
    const config = readConfig({
      ...REQUIRED,
      MAX_OBJECT_BYTES: '1048576',
      MAX_REJECTED_SHARE: '0',
      LEASE_SECONDS: '60',
      TIME_SAFETY_MARGIN_MS: '0',
      MAX_PARALLEL_RECORDS: '1',
      SCRATCH_DIR: '/mnt/scratch',
      DUCKDB_SPILL_MB: '2048',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
    });
    expect(config).toMatchObject({
      maxObjectBytes: 1_048_576,
      maxRejectedShare: 0,
      leaseSeconds: 60,
      timeSafetyMarginMs: 0,
      maxParallelRecords: 1,
      scratchDir: '/mnt/scratch',
      // 60% of the function's memory for DuckDB; 1,769 MB is one vCPU
      duckDbMemoryMb: 1061,
      duckDbThreads: 1,
      duckDbSpillMb: 2048,
    });
  });

  it('treats empty values as unset: required ones are missing, optional ones take their default', () => {
    expect(() => readConfig({ JOB_TABLE_NAME: 'jobs', RAW_BUCKET_NAME: '' })).toThrow(
      'etl: invalid environment: RAW_BUCKET_NAME is required; ETL_VERSION is required',
    );
    expect(readConfig({ ...REQUIRED, LEASE_SECONDS: '' }).leaseSeconds).toBe(900);
  });

  it.each([
    ['MAX_REJECTED_SHARE', '5%', 'must be a number from 0 to 1'],
    ['MAX_REJECTED_SHARE', '1.5', 'must be a number from 0 to 1'],
    ['MAX_OBJECT_BYTES', '5GiB', 'must be an integer ≥ 1'],
    ['LEASE_SECONDS', '0', 'must be an integer ≥ 1'],
    ['TIME_SAFETY_MARGIN_MS', '2.5', 'must be an integer ≥ 0'],
    ['MAX_PARALLEL_RECORDS', '-1', 'must be an integer ≥ 1'],
  ])('names %s=%s and says what it must be', (name, value, expected) => {
    expect(() => readConfig({ ...REQUIRED, [name]: value })).toThrow(`etl: invalid environment: ${name} ${expected} (got "${value}")`);
  });
});
