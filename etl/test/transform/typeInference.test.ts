import { Readable } from 'node:stream';
import { SAMPLE_ROWS } from '../../src/transform/inferSchema';
import { SAMPLE_SEARCH_CHARS, SAMPLE_SEARCH_RECORDS } from '../../src/transform/sampleSearch';
import { bytesStream, expectClean, expectRows, runTransform, transformFailure } from './runTransform';

/** Rows of a CSV by column, so each column's values read top to bottom next to their expected type. */
function csvByColumn(columns: Record<string, readonly string[]>): string {
  const names = Object.keys(columns);
  const count = columns[names[0]!]!.length;
  const rows = Array.from({ length: count }, (_, row) => names.map((name) => columns[name]![row]).join(','));
  return `${[names.join(','), ...rows].join('\n')}\n`;
}

describe('transform: column type inference (the rule documented in inferSchema.ts)', () => {
  it('types CSV columns: the first of int64, double, boolean, timestamp, string that fits every sampled value', async () => {
    const key = 'input/types/values.csv';
    const text = csvByColumn({
      int: ['1', '-42', '+7', '0', '9223372036854775807'],
      // 0 and 1 are integers, not booleans (only true/false are)
      zero_one: ['0', '1', '1', '0', '1'],
      dbl: ['1', '2.5', '-0.5', '1e-3', '2.5E+10'],
      bool: ['true', 'FALSE', 'True', 'false', 'TRUE'],
      ts: ['2024-05-01', '2024-05-01T12:30', '2024-05-01T12:30:45.123456Z', '2024-05-01 12:30:45+02:00', '1969-12-31T23:59:59.999Z'],
      // leading zeros make identifiers text
      zip: ['02134', '10001', '00501', '1', '2'],
      // values are not trimmed
      padded: [' 42', '42', '7', '8', '9'],
      blank: ['', '', '', '', ''],
      sparse: ['', '5', '', '', '7'],
      mixed: ['1', 'true', 'x', '2.5', ''],
      not_a_number: ['NaN', '1', 'Infinity', '1e400', '3'],
      // 2023 has no February 29th
      bad_date: ['2023-02-29', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'],
      beyond_int64: ['9223372036854775808', '1', '2', '3', '4'],
    });
    const run = await runTransform(key, bytesStream(text));

    expectClean(
      run,
      key,
      [
        { name: 'int', type: 'int64' },
        { name: 'zero_one', type: 'int64' },
        { name: 'dbl', type: 'double' },
        { name: 'bool', type: 'boolean' },
        { name: 'ts', type: 'timestamp' },
        { name: 'zip', type: 'string' },
        { name: 'padded', type: 'string' },
        { name: 'blank', type: 'string' },
        { name: 'sparse', type: 'int64' },
        { name: 'mixed', type: 'string' },
        { name: 'not_a_number', type: 'string' },
        { name: 'bad_date', type: 'string' },
        { name: 'beyond_int64', type: 'double' },
      ],
      [
        // timestamps: no offset is UTC, an offset is applied, digits beyond milliseconds are truncated
        { int: 1n, zero_one: 0n, dbl: 1, bool: true, ts: new Date('2024-05-01T00:00:00Z'), zip: '02134', padded: ' 42', blank: null, sparse: null, mixed: '1', not_a_number: 'NaN', bad_date: '2023-02-29', beyond_int64: 9223372036854775808 },
        { int: -42n, zero_one: 1n, dbl: 2.5, bool: false, ts: new Date('2024-05-01T12:30:00Z'), zip: '10001', padded: '42', blank: null, sparse: 5n, mixed: 'true', not_a_number: '1', bad_date: '2024-01-01', beyond_int64: 1 },
        { int: 7n, zero_one: 1n, dbl: -0.5, bool: true, ts: new Date('2024-05-01T12:30:45.123Z'), zip: '00501', padded: '7', blank: null, sparse: null, mixed: 'x', not_a_number: 'Infinity', bad_date: '2024-01-02', beyond_int64: 2 },
        { int: 0n, zero_one: 0n, dbl: 0.001, bool: false, ts: new Date('2024-05-01T10:30:45Z'), zip: '1', padded: '8', blank: null, sparse: null, mixed: '2.5', not_a_number: '1e400', bad_date: '2024-01-03', beyond_int64: 3 },
        { int: 9223372036854775807n, zero_one: 1n, dbl: 25_000_000_000, bool: true, ts: new Date(-1), zip: '2', padded: '9', blank: null, sparse: 7n, mixed: null, not_a_number: '3', bad_date: '2024-01-04', beyond_int64: 4 },
      ],
    );
  });

  it('types JSON Lines columns by JSON type; mixed, nested and all-null columns become text', async () => {
    const key = 'input/types/values.jsonl';
    const lines = [
      '{"i":1,"d":1,"b":true,"t":"2024-05-01","s":"02134","iso_mixed":"2024-05-01","mixed":1,"nested":{"a":[1,2]},"none":null,"whole":1.0,"big":9007199254740993}',
      '{"i":-2,"d":1.5,"b":false,"t":"2024-05-01T12:30:00+02:00","s":"x","iso_mixed":"soon","mixed":"x","nested":[1,{"b":null}],"whole":2,"big":1}',
      '{"i":null,"d":-0.25,"t":"2024-05-01 12:30","s":"","iso_mixed":null,"mixed":true,"nested":"text","none":null,"whole":3.0}',
    ];
    const run = await runTransform(key, bytesStream(lines.join('\n')));

    expectClean(
      run,
      key,
      [
        { name: 'i', type: 'int64' },
        { name: 'd', type: 'double' },
        { name: 'b', type: 'boolean' },
        { name: 't', type: 'timestamp' },
        { name: 's', type: 'string' },
        { name: 'iso_mixed', type: 'string' },
        { name: 'mixed', type: 'string' },
        { name: 'nested', type: 'string' },
        { name: 'none', type: 'string' },
        // JSON.parse cannot tell 1.0 from 1
        { name: 'whole', type: 'int64' },
        // beyond ±(2^53-1) a JSON number is a double (and JSON.parse has already rounded it)
        { name: 'big', type: 'double' },
      ],
      [
        { i: 1n, d: 1, b: true, t: new Date('2024-05-01T00:00:00Z'), s: '02134', iso_mixed: '2024-05-01', mixed: '1', nested: '{"a":[1,2]}', none: null, whole: 1n, big: 9007199254740992 },
        { i: -2n, d: 1.5, b: false, t: new Date('2024-05-01T10:30:00Z'), s: 'x', iso_mixed: 'soon', mixed: 'x', nested: '[1,{"b":null}]', none: null, whole: 2n, big: 1 },
        // a JSON "" is text, not null (only null and a missing key are)
        { i: null, d: -0.25, b: null, t: new Date('2024-05-01T12:30:00Z'), s: '', iso_mixed: null, mixed: 'true', nested: 'text', none: null, whole: 3n, big: null },
      ],
    );
  });

  it.each([
    ['CSV rows with the wrong number of fields', 'input/types/ragged.csv', 'n', (index: number) => `${index},extra`],
    ['JSON lines that are not objects', 'input/types/arrays.jsonl', undefined, (index: number) => `[${index}]`],
  ])('leaves %s out of the sample instead of letting them take its places', async (_what, key, header, malformed) => {
    const line = (index: number): string => (header ? `${index}` : `{"n":${index}}`);
    // 500 malformed records among the first 1000: the sample still holds 1000 good rows, so row 1000 is in it
    const records = Array.from({ length: SAMPLE_ROWS }, (_, index) => (index < SAMPLE_ROWS - 1 ? line(index) : header ? '1.5' : '{"n":1.5}'));
    const withMalformed = records.flatMap((record, index) => (index < 500 ? [record, malformed(index)] : [record]));
    const text = [...(header ? [header] : []), ...withMalformed].join('\n');
    const run = await runTransform(key, bytesStream(text));

    expect(run.result.columns).toEqual([{ name: 'n', type: 'double' }]);
    expect(run.rows).toHaveLength(SAMPLE_ROWS);
    expect(run.rows.at(-1)).toEqual({ n: 1.5 });
    expect(run.rejected).toHaveLength(500);
  });

  it(`looks for the sample among the first ${SAMPLE_SEARCH_RECORDS} records only, then types from what it found`, async () => {
    // 100 good rows, then only ragged ones past the search limit, then good rows that would have been int64
    const ragged = Array.from({ length: SAMPLE_SEARCH_RECORDS }, (_, index) => `${index},extra`);
    const text = ['n', ...Array.from({ length: 100 }, (_, index) => `${index}.5`), ...ragged, '7', '8'].join('\n');
    const run = await runTransform('input/types/mostly-ragged.csv', bytesStream(text));

    expect(run.result.columns).toEqual([{ name: 'n', type: 'double' }]);
    expect(run.rows).toHaveLength(102);
    expect(run.rows.slice(-2)).toEqual([{ n: 7 }, { n: 8 }]);
    expect(run.rejected).toHaveLength(SAMPLE_SEARCH_RECORDS);
  });

  it.each([64 * 1024, 1000])('takes the same sample whatever the chunking (%i-byte chunks) when it hits the search limit', async (chunkBytes) => {
    // record 10,001 would make the column int64 if the sample were cut at a batch boundary instead of at the limit
    const ragged = Array.from({ length: SAMPLE_SEARCH_RECORDS }, (_, index) => `${index},extra`);
    const run = await runTransform('input/types/ragged-first.csv', bytesStream(['n', ...ragged, '7', '8'].join('\n'), chunkBytes));

    expect(run.result.columns).toEqual([{ name: 'n', type: 'string' }]);
    expect(run.rows).toEqual([{ n: '7' }, { n: '8' }]);
  });

  it('does not hold a file of malformed records in memory while looking for a sample', async () => {
    const lines = 20 * SAMPLE_SEARCH_RECORDS;
    let pulled = 0;
    async function* arrays(): AsyncGenerator<Buffer> {
      for (let line = 0; line < lines; line += 1000) {
        pulled += 1000;
        yield Buffer.from(`${Array.from({ length: 1000 }, (_, index) => `[${line + index}]`).join('\n')}\n`);
      }
    }
    const failure = await transformFailure('input/types/arrays.jsonl', Readable.from(arrays(), { objectMode: false }));

    expect(failure.error.code).toBe('EMPTY_FILE');
    expect(failure.error.message).toMatch(/^No columns found: none of the first \d+ records is an object with any key/);
    // the search stopped near its limit instead of reading all 200,000 lines first
    expect(pulled).toBeLessThan(2 * SAMPLE_SEARCH_RECORDS);
  });

  it('stops looking after SAMPLE_SEARCH_CHARS of text, so few huge malformed lines are not held either', async () => {
    const line = `["${'x'.repeat(512 * 1024)}"]\n`;
    let pulledChars = 0;
    async function* hugeArrays(): AsyncGenerator<Buffer> {
      for (let count = 0; count < 100; count++) {
        pulledChars += line.length;
        yield Buffer.from(line);
      }
    }
    const failure = await transformFailure('input/types/huge-arrays.jsonl', Readable.from(hugeArrays(), { objectMode: false }));

    expect(failure.error.code).toBe('EMPTY_FILE');
    // 100 lines are 51 MB; the search ends once 16 Mi characters were looked at (32 lines), whatever the stream had buffered ahead
    expect(failure.error.message).toContain('none of the first 32 records');
    expect(pulledChars).toBeLessThan(SAMPLE_SEARCH_CHARS + 4 * line.length);
  });

  describe(`after the first ${SAMPLE_ROWS} rows the types are fixed`, () => {
    it('counts exactly the first 1000 data rows as the sample', async () => {
      const ints = (count: number): string[] => Array.from({ length: count }, (_, index) => `${index}`);
      const inSample = await runTransform('input/types/boundary.csv', bytesStream(['n', ...ints(SAMPLE_ROWS - 1), '1.5'].join('\n')));
      const afterSample = await runTransform('input/types/boundary.csv', bytesStream(['n', ...ints(SAMPLE_ROWS), '1.5'].join('\n')));

      // row 1000 widens the column to double; row 1001 cannot, and is rejected instead
      expect(inSample.result.columns).toEqual([{ name: 'n', type: 'double' }]);
      expect(inSample.rows.at(-1)).toEqual({ n: 1.5 });
      expect(inSample.rejected).toEqual([]);
      expect(afterSample.result.columns).toEqual([{ name: 'n', type: 'int64' }]);
      expect(afterSample.rows).toHaveLength(SAMPLE_ROWS);
      expect(afterSample.rejected).toEqual([{ line: SAMPLE_ROWS + 2, reason: expect.stringContaining('column "n" (int64): got "1.5"'), raw: '1.5' }]);
    });

    it('rejects CSV values that do not fit their column and never converts them', async () => {
      const sample = Array.from({ length: SAMPLE_ROWS }, (_, index) => ({
        text: `${index},${index}.5,true,2024-01-01T00:00:00Z,label${index}`,
        row: { id: BigInt(index), amount: index + 0.5, paid: true, at: new Date('2024-01-01T00:00:00Z'), label: `label${index}` },
      }));
      const later = [
        { text: '1.5,1,true,2024-01-02,a', reason: 'column "id" (int64): got "1.5"' },
        { text: '007,1,true,2024-01-02,b', reason: 'column "id" (int64): got "007"' },
        { text: '1002,abc,true,2024-01-02,c', reason: 'column "amount" (double): got "abc"' },
        { text: '1003,1e400,true,2024-01-02,d', reason: 'column "amount" (double): got "1e400"' },
        { text: '1004,1,yes,2024-01-02,e', reason: 'column "paid" (boolean): got "yes"' },
        { text: '1005,1,true,2024-13-01,f', reason: 'column "at" (timestamp): got "2024-13-01"' },
        // fits: a string column takes any text; empty fields are null in every type
        { text: '1006,2,false,2024-01-02,123', row: { id: 1006n, amount: 2, paid: false, at: new Date('2024-01-02T00:00:00Z'), label: '123' } },
        { text: '1007,,,,', row: { id: 1007n, amount: null, paid: null, at: null, label: null } },
      ];
      const text = ['id,amount,paid,at,label', ...sample.map(({ text: line }) => line), ...later.map(({ text: line }) => line)].join('\n');
      const run = await runTransform('input/types/after-sample.csv', bytesStream(text));

      expect(run.result.columns).toEqual([
        { name: 'id', type: 'int64' },
        { name: 'amount', type: 'double' },
        { name: 'paid', type: 'boolean' },
        { name: 'at', type: 'timestamp' },
        { name: 'label', type: 'string' },
      ]);
      expectRows(run.rows, [...sample.map(({ row }) => row), ...later.flatMap(({ row }) => (row ? [row] : []))]);
      expect(run.rejected).toEqual(
        later.flatMap(({ text: raw, reason }, index) =>
          reason ? [{ line: SAMPLE_ROWS + 2 + index, reason: expect.stringContaining(`${reason}, expected `), raw }] : [],
        ),
      );
    });

    it('rejects JSON values of another JSON type and keys that are not columns, never converting them', async () => {
      const sample = Array.from({ length: SAMPLE_ROWS }, (_, index) => ({
        text: JSON.stringify({ n: index, d: 0.5, b: true, t: '2024-01-01', s: 'x' }),
        row: { n: BigInt(index), d: 0.5, b: true, t: new Date('2024-01-01T00:00:00Z'), s: 'x' },
      }));
      const none = { n: null, d: null, b: null, t: null, s: null };
      const later = [
        { text: '{"n":"5"}', reason: 'column "n" (int64): got string "5"' },
        { text: '{"n":1.5}', reason: 'column "n" (int64): got number 1.5' },
        { text: '{"n":9007199254740992}', reason: 'column "n" (int64): got number 9007199254740992' },
        { text: '{"d":"0.5"}', reason: 'column "d" (double): got string "0.5"' },
        { text: '{"b":"true"}', reason: 'column "b" (boolean): got string "true"' },
        { text: '{"t":1714521600000}', reason: 'column "t" (timestamp): got number 1714521600000' },
        { text: '{"t":"yesterday"}', reason: 'column "t" (timestamp): got string "yesterday"' },
        { text: '{"zz":1}', reason: 'key "zz" is not a column' },
        // fits: string columns store other JSON values as their JSON text (documented); {} is all null
        { text: '{"s":5,"d":2}', row: { ...none, s: '5', d: 2 } },
        { text: '{}', row: none },
      ];
      const text = [...sample.map(({ text: line }) => line), ...later.map(({ text: line }) => line)].join('\n');
      const run = await runTransform('input/types/after-sample.jsonl', bytesStream(text));

      expect(run.result.columns.map(({ type }) => type)).toEqual(['int64', 'double', 'boolean', 'timestamp', 'string']);
      expectRows(run.rows, [...sample.map(({ row }) => row), ...later.flatMap(({ row }) => (row ? [row] : []))]);
      expect(run.rejected).toEqual(
        later.flatMap(({ text: raw, reason }, index) =>
          reason ? [{ line: SAMPLE_ROWS + 1 + index, reason: expect.stringContaining(reason), raw }] : [],
        ),
      );
    });
  });
});
