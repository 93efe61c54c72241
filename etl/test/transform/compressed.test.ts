import { gzipSync } from 'node:zlib';
import { bytesStream, FIXTURE_KEYS, fixtureBytes, fixtureStream, runTransform } from './runTransform';

describe('transform: gzip-compressed sources', () => {
  // The uncompressed run is the reference: gzip must change nothing but `compressed` and `bytesIn`.
  it.each(FIXTURE_KEYS)('reads %s.gz exactly like the plain file', async (name, key) => {
    const plain = await runTransform(key, fixtureStream(name));
    const gzipped = gzipSync(fixtureBytes(name));
    // 100-byte chunks: the gzip stream itself arrives in pieces
    const run = await runTransform(`${key}.gz`, bytesStream(gzipped, 100));

    expect(run.rows).toEqual(plain.rows);
    expect(run.parquetColumns).toEqual(plain.parquetColumns);
    expect(run.rejected).toEqual(plain.rejected);
    expect(run.result).toEqual({ ...plain.result, compressed: true, bytesIn: gzipped.length, parquetBytes: expect.any(Number), rejectedBytes: expect.any(Number) });
    expect(run.metadata.source_key).toBe(`${key}.gz`);
    expect(plain.result.compressed).toBe(false);
    expect(plain.rows.length).toBeGreaterThan(0);
  });

  it('detects gzip by its magic bytes when the key has no .gz', async () => {
    const plain = await runTransform('input/sales/orders.csv', fixtureStream('orders.csv'));
    const run = await runTransform('input/sales/orders.csv', bytesStream(gzipSync(fixtureBytes('orders.csv'))));

    expect(run.result.compressed).toBe(true);
    expect(run.rows).toEqual(plain.rows);
  });

  it('reads every member of a multi-member gzip file (concatenated .gz parts)', async () => {
    const body = Buffer.concat([gzipSync('id,name\n1,Ann\n'), gzipSync('2,Bob\n')]);
    const run = await runTransform('input/misc/parts.csv.gz', bytesStream(body));

    expect(run.rows).toEqual([
      { id: 1n, name: 'Ann' },
      { id: 2n, name: 'Bob' },
    ]);
  });
});
