import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Column } from '../../src/transform/types';
import { bytesStream, expectClean, FIXTURES, fixtureStream, RAGGED, runTransform } from './runTransform';

const ORDER_COLUMNS: Column[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'customer', type: 'VARCHAR' },
  { name: 'note', type: 'VARCHAR' },
  { name: 'amount', type: 'DOUBLE' },
  { name: 'paid', type: 'BOOLEAN' },
  { name: 'ordered_at', type: 'TIMESTAMP WITH TIME ZONE' },
  { name: 'zip', type: 'VARCHAR' },
];

/** orders*.csv row for row; `lineBreak` is the break inside the quoted note of row 3, kept as it is in the file. */
function orderRows(lineBreak: string): Record<string, unknown>[] {
  return [
    { id: 1n, customer: 'Ann', note: 'Hello, world', amount: 9.5, paid: true, ordered_at: new Date('2024-05-01T08:00:00Z'), zip: '02134' },
    // doubled quotes are one quote; "+02:00" is converted to UTC
    { id: 2n, customer: 'Bob "the builder"', note: 'plain', amount: 10, paid: false, ordered_at: new Date('2024-05-01T07:30:00Z'), zip: '10001' },
    { id: 3n, customer: 'Zoë', note: `two${lineBreak}lines`, amount: 0.25, paid: true, ordered_at: new Date('2024-05-02T00:00:00Z'), zip: null },
    // a quoted empty field is empty, hence null; a date-time without offset is UTC
    { id: 4n, customer: 'Dan, Jr.', note: null, amount: -300, paid: false, ordered_at: new Date('2024-05-03T12:30:00Z'), zip: '00501' },
  ];
}

const fileSize = (name: string): number => statSync(join(FIXTURES, name)).size;

describe('transform: delimited text files', () => {
  it('reads RFC 4180 CSV: quoted delimiters, doubled quotes, an embedded line break, empty fields', async () => {
    const key = 'input/sales/orders.csv';
    const run = await runTransform(key, fixtureStream('orders.csv'));

    expectClean(run, key, ORDER_COLUMNS, orderRows('\n'));
    expect(run.result).toMatchObject({ format: 'csv', compressed: false, bytesIn: fileSize('orders.csv') });
  });

  it('reads CRLF line endings without leaving \\r in the last column', async () => {
    const key = 'input/sales/orders-crlf.csv';
    const run = await runTransform(key, fixtureStream('orders-crlf.csv'));

    // zip is the last column: a stray \r would turn "02134" into "02134\r" and the empty zip of row 3 into "\r"
    expectClean(run, key, ORDER_COLUMNS, orderRows('\r\n'));
  });

  it('drops a UTF-8 byte order mark instead of making it part of the first column name', async () => {
    const key = 'input/sales/orders-bom.csv';
    const run = await runTransform(key, fixtureStream('orders-bom.csv'));

    expect(run.result.columns[0]?.name).toBe('id');
    expectClean(run, key, ORDER_COLUMNS, orderRows('\r\n'));
    expect(run.result.bytesIn).toBe(fileSize('orders-bom.csv'));
  });

  it('reads TSV: commas and quotes are data, a quoted field may hold a tab or a line break', async () => {
    const key = 'input/geo/cities.tsv';
    const run = await runTransform(key, fixtureStream('cities.tsv'));

    expectClean(
      run,
      key,
      [
        { name: 'id', type: 'BIGINT' },
        { name: 'city', type: 'VARCHAR' },
        { name: 'note', type: 'VARCHAR' },
        { name: 'score', type: 'DOUBLE' },
      ],
      [
        { id: 1n, city: 'Paris, France', note: 'says "hi"', score: 1.5 },
        { id: 2n, city: 'Berlin', note: 'tab\there', score: 2 },
        { id: 3n, city: null, note: 'multi\nline', score: -0.5 },
      ],
    );
    expect(run.result.format).toBe('tsv');
  });

  it('sniffs ";" in a .txt file: decimal commas stay text, a quoted ";" is data', async () => {
    const key = 'input/shop/prices-semicolon.txt';
    const run = await runTransform(key, fixtureStream('prices-semicolon.txt'));

    expectClean(
      run,
      key,
      [
        { name: 'id', type: 'BIGINT' },
        { name: 'name', type: 'VARCHAR' },
        { name: 'price', type: 'VARCHAR' },
        { name: 'in_stock', type: 'BOOLEAN' },
      ],
      [
        { id: 1n, name: 'Käse', price: '1,50', in_stock: true },
        { id: 2n, name: 'Brot; dunkel', price: '2,75', in_stock: false },
        { id: 3n, name: 'Milch', price: '0,99', in_stock: true },
      ],
    );
    expect(run.result.format).toBe('csv');
  });

  it('sniffs "|" in a .txt file without a final line break', async () => {
    const key = 'input/shop/stock-pipe.txt';
    const run = await runTransform(key, fixtureStream('stock-pipe.txt'));

    expectClean(
      run,
      key,
      [
        { name: 'sku', type: 'VARCHAR' },
        { name: 'description', type: 'VARCHAR' },
        { name: 'qty', type: 'BIGINT' },
      ],
      [
        { sku: 'A-1', description: 'bolts, zinc', qty: 100n },
        { sku: 'B-2', description: 'pipe | elbow', qty: 7n },
        { sku: 'C-3', description: null, qty: 0n },
      ],
    );
  });

  // Regression: the empty "row" after the final line break used to pull papaparse's average field count below 2, so
  // a short two-column .txt file came out as one column named e.g. "a;b".
  it.each([
    ['semicolon', ';', 'csv'],
    ['pipe', '|', 'csv'],
    ['tab', '\t', 'tsv'],
  ])('sniffs %s in a short two-column .txt file ending in a line break', async (_name, delimiter, format) => {
    const key = 'input/misc/pairs.txt';
    const text = ['key', 'value'].join(delimiter) + '\n' + ['a', '1'].join(delimiter) + '\n' + ['b', '2'].join(delimiter) + '\n';
    const run = await runTransform(key, bytesStream(text));

    expectClean(
      run,
      key,
      [
        { name: 'key', type: 'VARCHAR' },
        { name: 'value', type: 'BIGINT' },
      ],
      [
        { key: 'a', value: 1n },
        { key: 'b', value: 2n },
      ],
    );
    expect(run.result.format).toBe(format);
  });

  it('reads a one-column .txt file (nothing to sniff) as one column', async () => {
    const key = 'input/misc/names.txt';
    const run = await runTransform(key, bytesStream('name\nAnn\nZoë\n'));

    expectClean(run, key, [{ name: 'name', type: 'VARCHAR' }], [{ name: 'Ann' }, { name: 'Zoë' }]);
  });

  it('takes the format from the extension in any letter case', async () => {
    const key = 'input/sales/ORDERS.CSV';
    const run = await runTransform(key, fixtureStream('orders.csv'));

    expectClean(run, key, ORDER_COLUMNS, orderRows('\n'));
  });

  it('skips blank lines before the header and between rows, counting them as lines', async () => {
    const key = 'input/misc/gaps.csv';
    const run = await runTransform(key, bytesStream('\n\nid,name\n1,Ann\n\n\n2,Bob\n3\n'));

    expect(run.rows).toEqual([
      { id: 1n, name: 'Ann' },
      { id: 2n, name: 'Bob' },
    ]);
    expect(run.rejected).toEqual([{ line: 8, reason: RAGGED(1, 2), raw: '3' }]);
  });
});
