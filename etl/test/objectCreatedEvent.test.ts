import { ignoreReason, type ObjectCreated, parseObjectCreated } from '../src/objectCreatedEvent';
import { objectCreatedBody } from './support/lambda';

const OBJECT = { bucket: 'raw-bucket', key: 'input/sales/orders.csv', size: 42, etag: 'abc', versionId: 'v1', time: '2026-11-25T10:15:00Z' };

describe('parseObjectCreated', () => {
  it('reads bucket, key, version, size, etag, sequencer and time from an EventBridge body', () => {
    expect(parseObjectCreated(objectCreatedBody(OBJECT))).toEqual({ ok: true, object: OBJECT });
  });

  it("reads moto's eTag spelling of etag", () => {
    expect(parseObjectCreated(objectCreatedBody(OBJECT).replace('"etag":', '"eTag":'))).toEqual({ ok: true, object: OBJECT });
  });

  it.each(['input/my data/Q1 report+final.csv', 'input/données/Ünïcödé 名前.csv', 'input/a%20b.csv'])('keeps the key %j as delivered', (key) => {
    const parsed = parseObjectCreated(objectCreatedBody({ ...OBJECT, key }));
    expect(parsed.ok && parsed.object.key).toBe(key);
  });

  it.each([
    ['not JSON', 'hello', 'body is not JSON'],
    ['an S3 notification', JSON.stringify({ Records: [{ eventSource: 'aws:s3' }] }), 'detail-type'],
    ['another detail type', objectCreatedBody(OBJECT).replace('Object Created', 'Object Deleted'), 'detail-type'],
    ['an event without version id', objectCreatedBody(OBJECT).replace('"version-id":"v1",', ''), 'detail.object.version-id'],
    ['an event without etag', objectCreatedBody(OBJECT).replace('"etag":"abc",', ''), 'detail.object.etag'],
    ['a negative size', objectCreatedBody({ ...OBJECT, size: -1 }), 'detail.object.size'],
  ])('rejects %s with the reason', (_name, body, reason) => {
    const parsed = parseObjectCreated(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe('ignoreReason', () => {
  const object = (change: Partial<ObjectCreated>): ObjectCreated => ({ ...OBJECT, ...change });

  it('accepts files under input/ of the raw bucket, directly or in folders', () => {
    expect(ignoreReason(object({}), 'raw-bucket')).toBeUndefined();
    expect(ignoreReason(object({ key: 'input/file.csv' }), 'raw-bucket')).toBeUndefined();
  });

  it.each([
    [{ bucket: 'other-bucket' }, 'bucket other-bucket is not the raw bucket raw-bucket'],
    [{ key: 'processed/sales/x.parquet' }, 'key is outside input/'],
    [{ key: 'inputs/x.csv' }, 'key is outside input/'],
    [{ key: 'input/sales/' }, 'key is a folder marker'],
  ])('ignores %j', (change, reason) => {
    expect(ignoreReason(object(change), 'raw-bucket')).toBe(reason);
  });
});
