import type { Column } from '../../src/transform/types';
import { bytesStream, expectClean, expectRows, fixtureStream, runTransform } from './runTransform';

// Columns are the union of the keys in first-seen order: "extra" only appears on the last line. seen_at mixes three
// date-time forms: DuckDB types a string column as a timestamp only when one format fits every value, so it stays text
// as written; tags mixes an array, an object and a string: a JSON column (Parquet's JSON type, read back parsed).
const EVENT_COLUMNS: Column[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'score', type: 'DOUBLE' },
  { name: 'active', type: 'BOOLEAN' },
  { name: 'seen_at', type: 'VARCHAR' },
  { name: 'tags', type: 'JSON' },
  { name: 'zip', type: 'VARCHAR' },
  { name: 'extra', type: 'VARCHAR' },
];

const EVENT_ROWS = [
  { id: 1n, name: 'Ann', score: 9.5, active: true, seen_at: '2024-05-01T08:00:00Z', tags: ['a', 'b'], zip: '02134', extra: null },
  // JSON null is null
  { id: 2n, name: 'Zoë "Z"', score: 10, active: false, seen_at: '2024-05-02', tags: { k: 1 }, zip: null, extra: null },
  // key order within a line does not matter; a missing key is null
  { id: 3n, name: 'Cy', score: -0.25, active: null, seen_at: '2024-05-03 12:30:00+02:00', tags: 'plain', zip: null, extra: null },
  { id: 4n, name: 'line\nbreak, comma', score: 1000, active: true, seen_at: null, tags: null, zip: '10001', extra: 'late key' },
];

describe('transform: JSON Lines files', () => {
  it('reads .jsonl: one object per line, a blank line skipped', async () => {
    const key = 'input/app/events.jsonl';
    const run = await runTransform(key, fixtureStream('events.jsonl'));

    expectClean(run, key, EVENT_COLUMNS, EVENT_ROWS);
    expect(run.result).toMatchObject({ format: 'jsonl', compressed: false });
  });

  it('reads .ndjson with a byte order mark, CRLF line endings and no final line break', async () => {
    const key = 'input/app/events.ndjson';
    const run = await runTransform(key, fixtureStream('events.ndjson'));

    // a BOM left in would make line 1 invalid JSON; a missing final line break must not lose the last line
    expectClean(run, key, EVENT_COLUMNS, EVENT_ROWS);
  });

  it('rejects unparsable lines and lines that are not objects, with their line and reason', async () => {
    const key = 'input/app/bad-lines.jsonl';
    const run = await runTransform(key, fixtureStream('bad-lines.jsonl'));

    expect(run.result.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
    ]);
    expect(run.rows).toEqual([
      { id: 1n, name: 'Ann' },
      { id: 4n, name: 'Di' },
      { id: 6n, name: 'Fa' },
    ]);
    // line 6 is blank: skipped, yet counted, so the last record is line 7
    expect(run.rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON \(.+\)$/), raw: '{"id":2,"name":"Bob"' },
      { line: 3, reason: 'the line is an array, not a JSON object', raw: '[3,"Cy"]' },
      { line: 5, reason: expect.stringMatching(/^not valid JSON \(.+\)$/), raw: 'not json at all' },
    ]);
    expect(run.result).toMatchObject({ recordsIn: 6, recordsOut: 3, recordsRejected: 3 });
  });

  it('keeps nested objects and arrays as STRUCT and LIST columns; one date-time format makes a TIMESTAMP', async () => {
    const key = 'input/app/nested.jsonl';
    const lines = [
      '{"at":"2024-05-01T08:00:00Z","order":{"id":1,"items":[1,2]},"lines":[{"sku":"a","qty":2}],"big":9007199254740993}',
      '{"at":"2024-05-02T09:30:00Z","order":{"id":2,"items":[]},"lines":[],"big":1}',
    ];
    const run = await runTransform(key, bytesStream(lines.join('\n')));

    expect(run.result.columns).toEqual([
      // TIMESTAMP (no time zone in the type) holding the UTC instant
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'order', type: 'STRUCT(id BIGINT, items BIGINT[])' },
      { name: 'lines', type: 'STRUCT(sku VARCHAR, qty BIGINT)[]' },
      // JSON integers are exact int64 beyond 2^53 (JSON.parse rounded them in 0.x)
      { name: 'big', type: 'BIGINT' },
    ]);
    expect(run.rows).toEqual([
      { at: new Date('2024-05-01T08:00:00Z'), order: { id: 1n, items: [1n, 2n] }, lines: [{ sku: 'a', qty: 2n }], big: 9007199254740993n },
      { at: new Date('2024-05-02T09:30:00Z'), order: { id: 2n, items: [] }, lines: [], big: 1n },
    ]);
  });

  it('keeps line numbers exact over many chunks with CRLF and blank lines', async () => {
    const key = 'input/app/many.jsonl';
    const lines: string[] = [];
    const expectedRows: Record<string, unknown>[] = [];
    const expectedRejected: { line: number; raw: string }[] = [];
    for (let id = 1; id <= 10_000; id++) {
      if (id % 400 === 0) lines.push('');
      if (id % 1499 === 0) {
        const raw = `{"id":${id},"name":`;
        lines.push(raw);
        expectedRejected.push({ line: lines.length, raw });
      } else {
        lines.push(JSON.stringify({ id, name: `n${id}` }));
        expectedRows.push({ id: BigInt(id), name: `n${id}` });
      }
    }
    // 1000-byte chunks split lines, and CRLF pairs, everywhere
    const run = await runTransform(key, bytesStream(`${lines.join('\r\n')}\r\n`, 1000));

    expectRows(run.rows, expectedRows);
    expect(run.rejected.map(({ line, raw }) => ({ line, raw }))).toEqual(expectedRejected);
  });
});
