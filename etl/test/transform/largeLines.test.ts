import { gzipSync } from 'node:zlib';
import { bytesStream, RAGGED, runTransform } from './runTransform';

const TEN_MB = 10 * 1024 * 1024;

/**
 * ~10 MB of text that needs every kind of escaping: delimiters, quotes, line breaks, backslashes and multi-byte
 * characters (which chunk boundaries will split). Periodic on purpose: incompressible text would spend seconds in
 * the pure-JS Snappy codec of the Parquet writer and reader, which is not what these tests are about.
 */
function bigText(): string {
  const period = 'lorem ipsum, dolor; say "hi" | two\nlines tab\there back\\slash Zoë € 5 😀 ';
  return period.repeat(Math.ceil(TEN_MB / period.length));
}

const TEXT = bigText();
const QUOTED_LINE_BREAKS = TEXT.split('\n').length - 1;

describe('transform: a 10 MB line', () => {
  it('reads a CSV record with a 10 MB quoted field, and counts its line breaks for the lines after it', async () => {
    const key = 'input/big/one-field.csv';
    const csv = `id,text,n\n1,"${TEXT.replace(/"/g, '""')}",2\n2,short,3\n3,ragged\n`;
    const run = await runTransform(key, bytesStream(csv));

    expect(Buffer.byteLength(csv)).toBeGreaterThan(TEN_MB);
    expect(run.result.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'text', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ]);
    expect(run.rows).toHaveLength(2);
    // length first for a readable failure; a toEqual diff of two 10 MB strings would not be
    expect((run.rows[0]!.text as string).length).toBe(TEXT.length);
    expect(run.rows[0]!.text === TEXT).toBe(true);
    expect(run.rows[0]).toMatchObject({ id: 1n, n: 2n });
    expect(run.rows[1]).toEqual({ id: 2n, text: 'short', n: 3n });
    // record 1 starts on line 2 and spans QUOTED_LINE_BREAKS more lines
    expect(run.rejected).toEqual([{ line: 2 + QUOTED_LINE_BREAKS + 2, reason: RAGGED(2, 3), raw: '3,ragged' }]);
    expect(QUOTED_LINE_BREAKS).toBeGreaterThan(1000);
  });

  it('reads a 10 MB CSV record from gzip, as the only data row, without a final line break', async () => {
    const key = 'input/big/one-row.csv.gz';
    const text = TEXT.replace(/\n/g, ' ');
    const run = await runTransform(key, bytesStream(gzipSync(`text\n"${text.replace(/"/g, '""')}"`)));

    expect(run.rows).toHaveLength(1);
    expect((run.rows[0]!.text as string).length).toBe(text.length);
    expect(run.rows[0]!.text === text).toBe(true);
    expect(run.result).toMatchObject({ compressed: true, recordsIn: 1, recordsOut: 1 });
  });

  // within the sniffer's sample, so (like a broken quote there) the types come from the rows before it
  it('rejects a CSV record longer than 16 MiB, with its line, and reads the records around it', async () => {
    const huge = 'x'.repeat(17 * 1024 * 1024);
    const run = await runTransform('input/big/too-long.csv', bytesStream(`id,text\n1,short\n2,${huge}\n3,after\n`));

    expect(run.rows).toEqual([
      { id: 1n, text: 'short' },
      { id: 3n, text: 'after' },
    ]);
    expect(run.rejected.map(({ line, reason }) => ({ line, reason: reason.slice(0, 80) }))).toEqual([
      { line: 3, reason: expect.stringMatching(/^line size over maximum: /) },
    ]);
  });

  it('reads a 10 MB JSON line and the lines around it', async () => {
    const key = 'input/big/one-line.jsonl';
    const big = JSON.stringify({ id: 2, text: TEXT });
    const jsonl = [JSON.stringify({ id: 1, text: 'before' }), big, JSON.stringify({ id: 3, text: 'after' }), '{"id":4,"text":'].join('\n');
    const run = await runTransform(key, bytesStream(jsonl));

    expect(big.length).toBeGreaterThan(TEN_MB);
    expect(run.rows).toHaveLength(3);
    expect((run.rows[1]!.text as string).length).toBe(TEXT.length);
    expect(run.rows[1]!.text === TEXT).toBe(true);
    expect(run.rows.map(({ id }) => id)).toEqual([1n, 2n, 3n]);
    expect(run.rows[2]).toEqual({ id: 3n, text: 'after' });
    expect(run.rejected).toEqual([{ line: 4, reason: expect.stringMatching(/^not valid JSON/), raw: '{"id":4,"text":' }]);
  });
});
