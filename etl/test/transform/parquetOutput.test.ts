import { Readable, Writable } from 'node:stream';
import { transform } from '../../src/transform/transform';
import { bytesStream, ETL_VERSION, expectRows, fixtureStream, runTransform } from './runTransform';

/** DuckDB's default ROW_GROUP_SIZE, which the COPY keeps. */
const ROW_GROUP_ROWS = 122_880;

describe('transform: the Parquet file', () => {
  it('carries the key-value metadata it was given (etl_version, source key)', async () => {
    const key = 'input/sales/orders.csv';
    const run = await runTransform(key, fixtureStream('orders.csv'));

    expect(run.metadata).toEqual({ etl_version: ETL_VERSION, source_key: key });
    expect(run.parquet.subarray(0, 4).toString()).toBe('PAR1');
    expect(run.parquet.subarray(-4).toString()).toBe('PAR1');
  });

  it('keeps metadata values byte for byte: quotes, backslashes and non-ASCII in a key', async () => {
    const key = "input/Données clients/Q1 'final' \\ v2 名前.csv";
    const run = await runTransform(key, bytesStream('id\n1\n'));

    expect(run.metadata).toEqual({ etl_version: ETL_VERSION, source_key: key });
  });

  it('compresses every page with ZSTD', async () => {
    const run = await runTransform('input/sales/orders.csv', fixtureStream('orders.csv'));

    expect(run.codecs).toEqual(['ZSTD']);
  });

  it('writes min, max and null count of each column chunk, in UTF-8 byte order for text (ASCII or not)', async () => {
    const lines = ['id,code,city', '3,delta,zürich', '1,,ábc', '2,alpha,abc', '4,charlie,'];
    const run = await runTransform('input/geo/stats.csv', bytesStream(lines.join('\n')));

    expect(run.statistics).toEqual([
      {
        id: { min: 1n, max: 4n, nulls: 0n },
        code: { min: 'alpha', max: 'delta', nulls: 1n },
        city: { min: 'abc', max: 'ábc', nulls: 1n },
      },
    ]);
  });

  it(`writes row groups of ${ROW_GROUP_ROWS} rows and keeps every row, in order`, async () => {
    const rowCount = 2 * ROW_GROUP_ROWS + 1234;
    const lines = ['id,name,amount,at'];
    const expected: Record<string, unknown>[] = [];
    const start = Date.UTC(2024, 0, 1);
    for (let id = 1; id <= rowCount; id++) {
      const at = new Date(start + id * 1000);
      lines.push(`${id},n${id % 97},${id}.25,${at.toISOString()}`);
      expected.push({ id: BigInt(id), name: `n${id % 97}`, amount: id + 0.25, at });
    }
    const run = await runTransform('input/big/rows.csv', bytesStream(lines.join('\n')));

    expect(run.rowGroupSizes).toEqual([ROW_GROUP_ROWS, ROW_GROUP_ROWS, 1234]);
    expectRows(run.rows, expected);
    expect(run.result).toMatchObject({ recordsIn: rowCount, recordsOut: rowCount, recordsRejected: 0 });
  });

  it('streams the finished file into the output with backpressure (a slow consumer gets every byte, in order)', async () => {
    const chunks: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        setImmediate(callback);
      },
    });
    const text = ['id,text', ...Array.from({ length: 20_000 }, (_, id) => `${id},${id.toString(36).repeat(20)}`)].join('\n');
    const fast = await runTransform('input/big/text.csv', bytesStream(text));
    const result = await transform({
      key: 'input/big/text.csv',
      body: Readable.from([Buffer.from(text)]),
      parquet: slow,
      openRejected: () => {
        throw new Error('nothing is rejected');
      },
      metadata: { etl_version: ETL_VERSION, source_key: 'input/big/text.csv' },
      maxRejectedShare: 0,
    });

    expect(Buffer.concat(chunks).equals(fast.parquet)).toBe(true);
    expect(result.parquetBytes).toBe(fast.parquet.length);
  });
});
