import { jobIdFor } from '../src/jobId';

describe('jobIdFor', () => {
  const source = { bucket: 'raw-bucket', key: 'input/sales/orders.csv', versionId: 'v1' };

  it('is a stable 32-character hex id of bucket, key and version', () => {
    expect(jobIdFor(source)).toMatch(/^[0-9a-f]{32}$/);
    expect(jobIdFor({ ...source })).toBe(jobIdFor(source));
  });

  it.each([{ bucket: 'raw-bucket-2' }, { key: 'input/sales/orders2.csv' }, { versionId: 'v2' }])('changes with %j', (change) => {
    expect(jobIdFor({ ...source, ...change })).not.toBe(jobIdFor(source));
  });

  it('does not confuse where one part ends and the next begins', () => {
    expect(jobIdFor({ bucket: 'ab', key: 'c', versionId: 'v' })).not.toBe(jobIdFor({ bucket: 'a', key: 'bc', versionId: 'v' }));
  });
});
