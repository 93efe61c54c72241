import { ROW_GROUP_ROWS } from '../../src/transform/parquetOutput';
import { bytesStream, ETL_VERSION, expectRows, fixtureStream, runTransform } from './runTransform';

describe('transform: the Parquet file', () => {
  it('carries the key-value metadata it was given (etl_version, source key) and names the writer', async () => {
    const key = 'input/sales/orders.csv';
    const run = await runTransform(key, fixtureStream('orders.csv'));

    expect(run.metadata).toEqual({ etl_version: ETL_VERSION, source_key: key });
    expect(run.parquet.subarray(0, 4).toString()).toBe('PAR1');
    expect(run.parquet.subarray(-4).toString()).toBe('PAR1');
  });

  it('compresses every page with GZIP (native zlib), a codec every Parquet reader has', async () => {
    const run = await runTransform('input/sales/orders.csv', fixtureStream('orders.csv'));

    expect(run.codecs).toEqual(['GZIP']);
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

  it(`flushes a row group every ${ROW_GROUP_ROWS} rows and keeps every row, in order`, async () => {
    const rowCount = 2 * ROW_GROUP_ROWS + 1234;
    const lines = ['id,name,amount,at'];
    const expected: Record<string, unknown>[] = [];
    for (let id = 1; id <= rowCount; id++) {
      const at = Date.UTC(2024, 0, 1) + id * 1000;
      lines.push(`${id},n${id % 97},${id}.25,${new Date(at).toISOString()}`);
      expected.push({ id: BigInt(id), name: `n${id % 97}`, amount: id + 0.25, at: new Date(at) });
    }
    const run = await runTransform('input/big/rows.csv', bytesStream(lines.join('\n')));

    expect(run.rowGroupSizes).toEqual([ROW_GROUP_ROWS, ROW_GROUP_ROWS, 1234]);
    expectRows(run.rows, expected);
    expect(run.result).toMatchObject({ recordsIn: rowCount, recordsOut: rowCount, recordsRejected: 0 });
  });

  it('keeps distinct text intact across row groups whose bytes share reused buffers (ASCII and not)', async () => {
    const rowCount = 2 * ROW_GROUP_ROWS + 7;
    const text = (id: number): string => `${id % 13 === 0 ? 'Größe ✓ ' : ''}note ${id} ${'x'.repeat(id % 61)}`;
    const lines = ['id,note', ...Array.from({ length: rowCount }, (_, id) => `${id},${text(id)}`)];
    const run = await runTransform('input/big/notes.csv', bytesStream(lines.join('\n')));

    expect(run.rowGroupSizes).toEqual([ROW_GROUP_ROWS, ROW_GROUP_ROWS, 7]);
    expectRows(
      run.rows,
      Array.from({ length: rowCount }, (_, id) => ({ id: BigInt(id), note: text(id) })),
    );
    // each chunk's bounds are its own values, not bytes a later row group wrote over: UTF-8 order, cut to 16 bytes
    // (a cut max has its last byte raised, to stay an upper bound; the maxima here are ASCII and longer)
    const bounds = [0, ROW_GROUP_ROWS, 2 * ROW_GROUP_ROWS].map((first, group) => {
      const notes = Array.from({ length: run.rowGroupSizes[group]! }, (_, row) => Buffer.from(text(first + row)));
      notes.sort(Buffer.compare);
      const max = Buffer.from(notes.at(-1)!.subarray(0, 16));
      max[15] = max[15]! + 1;
      return [notes[0]!.subarray(0, 16).toString(), max.toString()];
    });
    expect(run.statistics.map((group) => [group['note']!.min, group['note']!.max])).toEqual(bounds);
  });

  it('flushes a row group early when its text reaches 32 MB, so long values do not pile up in memory', async () => {
    // 40 rows of 1 MB: the 32nd row reaches 32 MB of text
    const value = 'abcdefgh'.repeat(128 * 1024);
    const lines = ['id,text', ...Array.from({ length: 40 }, (_, id) => `${id},${value}`)];
    const run = await runTransform('input/big/wide.csv', bytesStream(lines.join('\n')));

    expect(run.rowGroupSizes).toEqual([32, 8]);
    expectRows(
      run.rows,
      Array.from({ length: 40 }, (_, id) => ({ id: BigInt(id), text: value })),
    );
  });
});
