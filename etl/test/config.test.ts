import { readConfig } from '../src/config';

describe('readConfig', () => {
  it('maps the environment variables to the config', () => {
    expect(readConfig({ JOB_TABLE_NAME: 'jobs', RAW_BUCKET_NAME: 'raw', ETL_VERSION: '0.1.0' })).toEqual({
      jobTableName: 'jobs',
      rawBucketName: 'raw',
      etlVersion: '0.1.0',
    });
  });

  it('names only the variables that are missing or empty', () => {
    expect(() => readConfig({ JOB_TABLE_NAME: 'jobs', RAW_BUCKET_NAME: '' })).toThrow(
      'etl: missing required environment variable(s): RAW_BUCKET_NAME, ETL_VERSION',
    );
  });
});
