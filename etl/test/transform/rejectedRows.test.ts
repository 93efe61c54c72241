import { DataError } from '../../src/errors';
import { bytesStream, expectRows, fixtureStream, RAGGED, runTransform, transformFailure } from './runTransform';

interface GeneratedCsv {
  readonly text: string;
  readonly rows: Record<string, unknown>[];
  readonly rejected: { line: number; reason: string; raw: string }[];
}

/**
 * ~250 KB of CSV (several of the reader's 64 KB batches): every 7th record has a quoted line break, every 2500th has a
 * field too many. The expected line of each record is counted while writing it.
 */
function generatedCsv(lineBreak: string): GeneratedCsv {
  const records = ['id,text'];
  const rows: Record<string, unknown>[] = [];
  const rejected: GeneratedCsv['rejected'] = [];
  let line = 2;
  for (let id = 1; id <= 20_000; id++) {
    if (id % 2500 === 0) {
      records.push(`${id},x,extra`);
      rejected.push({ line, reason: RAGGED(3, 2), raw: `${id},x,extra` });
      line += 1;
    } else if (id % 7 === 0) {
      records.push(`${id},"first${lineBreak}second"`);
      rows.push({ id: BigInt(id), text: `first${lineBreak}second` });
      line += 2;
    } else {
      records.push(`${id},t${id}`);
      rows.push({ id: BigInt(id), text: `t${id}` });
      line += 1;
    }
  }
  return { text: records.join(lineBreak) + lineBreak, rows, rejected };
}

describe('transform: rejected rows', () => {
  it('rejects rows with the wrong number of fields, by physical line, even after quoted line breaks', async () => {
    const run = await runTransform('input/misc/ragged.csv', fixtureStream('ragged.csv'));

    expect(run.rows).toEqual([
      { id: 1n, name: 'Ann', comment: 'first\nsecond' },
      { id: 4n, name: 'Di', comment: 'ok' },
      { id: 6n, name: 'Fa', comment: 'fine' },
    ]);
    // record 1 spans lines 2-3 and line 7 is blank; the raw text keeps the record's quoting
    expect(run.rejected).toEqual([
      { line: 4, reason: RAGGED(2, 3), raw: '2,Bob' },
      { line: 5, reason: RAGGED(4, 3), raw: '3,Cy,"a, b",extra' },
      { line: 8, reason: RAGGED(4, 3), raw: '5,Ed,"x\ny\nz",more' },
    ]);
    expect(run.result).toMatchObject({ recordsIn: 6, recordsOut: 3, recordsRejected: 3 });
  });

  // DuckDB's sniffer cannot read a sample that holds a quote never closed: the types then come from the rows before the
  // broken record (docs/etl.md), and the reader rejects it
  it('rejects a record whose quote is never closed, at the line it starts on, keeping the rows before it', async () => {
    const run = await runTransform('input/misc/unterminated-quote.csv', fixtureStream('unterminated-quote.csv'));

    expect(run.result.columns.map(({ type }) => type)).toEqual(['BIGINT', 'VARCHAR', 'VARCHAR']);
    expect(run.rows).toEqual([
      { id: 1n, name: 'Ann', comment: 'ok' },
      { id: 2n, name: 'Bob', comment: 'fine\nstill fine' },
    ]);
    expect(run.rejected).toEqual([
      {
        line: 5,
        reason: expect.stringMatching(/^unquoted value: Value with unterminated quote found\..*; lines 5–6 were read as this one record$/),
        raw: '3,Cy,"never closed\n4,Di,swallowed\n',
      },
    ]);
  });

  // DuckDB rejects the record with the stray character after its closing quote alone; papaparse read on to the next quote.
  // It is the first record: no row before it to sniff types from, so every column is text
  it('rejects a record whose quote is closed too early, on its own line, and reads on normally after it', async () => {
    const text = 'id,name,n\n1,"Ann"x,1\n2,Bob,2\n3,"Cy",3\n4,Di,4\n5,"Ed",5\n';
    const run = await runTransform('input/misc/late-quote.csv', bytesStream(text));

    expect(run.rows).toEqual([
      { id: '2', name: 'Bob', n: '2' },
      { id: '3', name: 'Cy', n: '3' },
      { id: '4', name: 'Di', n: '4' },
      { id: '5', name: 'Ed', n: '5' },
    ]);
    expect(run.rejected).toEqual([{ line: 2, reason: expect.stringMatching(/^unquoted value: .*doubled\)$/), raw: '1,"Ann"x,1' }]);
  });

  it('types the columns from the rows before a broken quote, and still rejects values that do not fit after it', async () => {
    const text = 'id,at,n\n1,2024-01-01T00:00:00Z,1.5\n2,2024-01-02T10:00:00+02:00,2\n3,"x"y,3\nabc,2024-01-03T00:00:00Z,4\n5,2024-01-04T00:00:00Z,5\n';
    const run = await runTransform('input/misc/broken-early.csv', bytesStream(text));

    expect(run.result.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'n', type: 'DOUBLE' },
    ]);
    expect(run.rows).toEqual([
      { id: 1n, at: new Date('2024-01-01T00:00:00Z'), n: 1.5 },
      { id: 2n, at: new Date('2024-01-02T08:00:00Z'), n: 2 },
      { id: 5n, at: new Date('2024-01-04T00:00:00Z'), n: 5 },
    ]);
    expect(run.rejected).toEqual([
      { line: 4, reason: expect.stringMatching(/^unquoted value: /), raw: '3,"x"y,3' },
      { line: 5, reason: `cast: Error when converting column "id". Could not convert string "abc" to 'BIGINT'`, raw: 'abc,2024-01-03T00:00:00Z,4' },
    ]);
  });

  it('counts a line break right before the late closing quote as a line of the record', async () => {
    const run = await runTransform('input/misc/late-quote.csv', bytesStream('id,name,note\n1,"Ann"x,"note\n"\n2,Bob,ok\n'));

    expect(run.rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/; lines 2–3 were read as this one record$/), raw: expect.stringContaining('note') },
    ]);
    expect(run.rows).toEqual([{ id: '2', name: 'Bob', note: 'ok' }]);
  });

  it('does not mention other lines when the bad quote stays on its line', async () => {
    const run = await runTransform('input/misc/bad-quote.csv', bytesStream('id,name\n1,"Ann"x"\n2,Bob\n'), { maxRejectedShare: 1 });

    expect(run.rejected).toEqual([{ line: 2, reason: expect.not.stringContaining('lines'), raw: expect.any(String) }]);
    expect(run.rows).toEqual([{ id: '2', name: 'Bob' }]);
  });

  // Line numbers are counted per 64 KB batch; a batch with quoted line breaks takes a different path than one without.
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('keeps physical line numbers exact across batches of a large %s file', async (_name, lineBreak) => {
    const csv = generatedCsv(lineBreak);
    const run = await runTransform('input/misc/large.csv', bytesStream(csv.text));

    expect(csv.text.length).toBeGreaterThan(4 * 64 * 1024);
    expectRows(run.rows, csv.rows);
    expect(run.rejected).toEqual(csv.rejected);
  });

  describe('maxRejectedShare', () => {
    /** 20 data rows, the last `bad` of them with a missing field. */
    const withBadRows = (bad: number): string =>
      ['id,name', ...Array.from({ length: 20 }, (_, index) => (index >= 20 - bad ? `${index + 1}` : `${index + 1},n${index + 1}`))].join('\n');

    it('accepts a file whose rejected share is exactly the limit', async () => {
      const run = await runTransform('input/misc/share.csv', bytesStream(withBadRows(1)), { maxRejectedShare: 0.05 });

      expect(run.result).toMatchObject({ recordsIn: 20, recordsOut: 19, recordsRejected: 1 });
      expect(run.rejected).toEqual([{ line: 21, reason: RAGGED(1, 2), raw: '20' }]);
    });

    it('fails the whole file with TOO_MANY_REJECTED_ROWS above the limit, ending neither output', async () => {
      const failure = await transformFailure('input/misc/share.csv', bytesStream(withBadRows(2)), { maxRejectedShare: 0.05 });

      expect(failure.error).toBeInstanceOf(DataError);
      expect(failure.error.code).toBe('TOO_MANY_REJECTED_ROWS');
      // the message must be actionable alone: counts, share, limit and the first rejected line with its reason
      expect(failure.error.message).toContain('2 of 20 rows (10%)');
      expect(failure.error.message).toContain('limit of 5%');
      expect(failure.error.message).toContain(`first: line 20: ${RAGGED(1, 2)}`);
      expect(failure.parquetEnded).toBe(false);
      expect(failure.rejectedEnded).toBe(false);
    });
  });
});
