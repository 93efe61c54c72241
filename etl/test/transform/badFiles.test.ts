import { gzipSync } from 'node:zlib';
import { bytesStream, fixtureBytes, fixtureStream, garbage, runTransform, transformFailure } from './runTransform';

/** A larger valid CSV, so a truncated gzip of it fails after row groups were already encoded. */
function manyRows(count: number): string {
  return ['id,name', ...Array.from({ length: count }, (_, index) => `${index},name${index}`)].join('\n');
}

describe('transform: files that are bad as a whole (DataError)', () => {
  describe('UNSUPPORTED_FORMAT', () => {
    it.each(['input/x/data.parquet', 'input/x/data.xlsx', 'input/x/data.xlsx.gz', 'input/x/data.json', 'input/x/data', 'input/x/data.gz', 'input/x/data.csv.zip'])(
      'refuses %s by its key, whatever the content',
      async (key) => {
        // valid CSV content: the key alone decides
        const failure = await transformFailure(key, fixtureStream('orders.csv'));

        expect(failure.error.code).toBe('UNSUPPORTED_FORMAT');
        expect(failure.error.message).toContain('.csv, .tsv, .txt, .jsonl, .ndjson');
        expect(failure.parquetEnded).toBe(false);
      },
    );

    it('refuses a real Parquet file under a .parquet key', async () => {
      const parquet = await parquetFile();
      const failure = await transformFailure('input/x/orders.parquet', bytesStream(parquet));

      expect(failure.error.code).toBe('UNSUPPORTED_FORMAT');
      expect(failure.error.message).toContain('extension ".parquet"');
    });
  });

  describe('BINARY_CONTENT', () => {
    it('refuses binary garbage under a .csv key', async () => {
      const bytes = garbage(4096);
      // binary is recognised by NUL bytes: make sure this garbage really has one
      expect(bytes.indexOf(0)).toBeGreaterThanOrEqual(0);
      const failure = await transformFailure('input/x/garbage.csv', bytesStream(bytes));

      expect(failure.error.code).toBe('BINARY_CONTENT');
    });

    it('refuses a real Parquet file renamed to .jsonl', async () => {
      const failure = await transformFailure('input/x/orders.jsonl', bytesStream(await parquetFile()));

      expect(failure.error.code).toBe('BINARY_CONTENT');
    });


    it('finds a NUL byte that arrives in a later chunk of the first 8 KB', async () => {
      const text = Buffer.from(manyRows(1000));
      text[5000] = 0;
      const failure = await transformFailure('input/x/nul.csv', bytesStream(text, 100));

      expect(failure.error.code).toBe('BINARY_CONTENT');
      expect(failure.error.message).toContain('offset 5000');
    });

    it('checks the decompressed content of a gzip file', async () => {
      const failure = await transformFailure('input/x/garbage.tsv.gz', bytesStream(gzipSync(garbage(4096))));

      expect(failure.error.code).toBe('BINARY_CONTENT');
    });
  });

  describe('NOT_UTF8', () => {
    // UTF-16 is text in another encoding, found by its byte-order mark (it was BINARY_CONTENT, by its NUL bytes, in 0.x)
    it.each([
      ['little-endian', Buffer.from('\ufeffid,name\r\n1,Ann\r\n', 'utf16le'), 'FFFE'],
      ['big-endian', Buffer.from('\ufeffid,name\r\n1,Ann\r\n', 'utf16le').swap16(), 'FEFF'],
    ])('refuses %s UTF-16 text (a common spreadsheet export) and says to convert it', async (order, utf16, bom) => {
      const failure = await transformFailure('input/x/export.txt', bytesStream(utf16));

      expect(failure.error.code).toBe('NOT_UTF8');
      expect(failure.error.message).toContain(`UTF-16 text (${order} byte-order mark ${bom})`);
      expect(failure.error.message).toContain('save it as UTF-8');
    });

    // "Café" as Excel's plain "CSV" writes it: é is the single byte 0xE9
    const latin1 = Buffer.from('id,city\n1,Paris\n2,Café de Flore\n', 'latin1');

    it.each([
      ['in one chunk', 64 * 1024],
      ['in 1-byte chunks', 1],
    ])('refuses Latin-1 text %s, naming the byte, its offset and its context', async (_how, chunkBytes) => {
      const failure = await transformFailure('input/x/cities.csv', bytesStream(latin1, chunkBytes));

      expect(failure.error.code).toBe('NOT_UTF8');
      expect(failure.error.message).toContain('byte 0xE9 at offset 21');
      expect(failure.error.message).toContain('(in "id,city\\x0A1,Paris\\x0A2,Caf\\xE9');
      expect(failure.error.message).toContain('save it as UTF-8');
      expect(failure.parquetEnded).toBe(false);
    });

    it('finds an invalid byte far into the file, before DuckDB writes anything', async () => {
      const text = Buffer.from(`${manyRows(60_000)}\n60000,na\xefve\n`, 'latin1');
      const offset = text.indexOf(0xef);
      const failure = await transformFailure('input/x/late.csv', bytesStream(text, 1000));

      expect(failure.error.code).toBe('NOT_UTF8');
      expect(failure.error.message).toContain(`byte 0xEF at offset ${offset}`);
      // the whole text is checked while it is staged, before DuckDB reads it
      expect(failure.parquetBytesWritten).toBe(0);
      expect(failure.parquetEnded).toBe(false);
    });

    it('refuses a file that ends inside a multi-byte character', async () => {
      const cut = Buffer.from('id,name\n1,€', 'utf8').subarray(0, -1);
      const failure = await transformFailure('input/x/cut.csv', bytesStream(cut, 1));

      expect(failure.error.code).toBe('NOT_UTF8');
      expect(failure.error.message).toContain(`byte 0xE2 at offset ${cut.length - 2}`);
    });

    it('refuses overlong encodings and encoded surrogates, which lossy decoders pass as U+FFFD', async () => {
      for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
        const failure = await transformFailure('input/x/bad.csv', bytesStream(Buffer.from([...Buffer.from('id\n'), ...bad, 0x0a])));

        expect(failure.error.code).toBe('NOT_UTF8');
        expect(failure.error.message).toContain(`at offset 3`);
      }
    });

    it.each([
      ['in one chunk', 64 * 1024],
      ['in 1-byte chunks', 1],
    ])('tells a real U+FFFD of the file from an invalid byte after it (%s), with the text on both sides', async (_how, chunkBytes) => {
      const text = Buffer.concat([Buffer.from('id,name\n1,\ufffd ok\n2,ab'), Buffer.from([0xff]), Buffer.from('cd\n3,x\n')]);
      const failure = await transformFailure('input/x/replacement.csv', bytesStream(text, chunkBytes));

      expect(failure.error.code).toBe('NOT_UTF8');
      expect(failure.error.message).toContain(`byte 0xFF at offset ${text.indexOf(0xff)} of the text`);
      // after the bad byte: what the validator had read by then (a byte that may start a 4-byte character waits for 3)
      const after = chunkBytes === 1 ? 'cd\\x0A' : 'cd\\x0A3,x\\x0A';
      expect(failure.error.message).toContain(`(in "id,name\\x0A1,\\xEF\\xBF\\xBD ok\\x0A2,ab\\xFF${after}")`);
    });

    it('accepts characters of every UTF-8 length split across chunks anywhere', async () => {
      const text = 'id,name\n1,a é € 😀 ü\n2,𝄞\n';
      const run = await runTransform('input/x/unicode.csv', bytesStream(text, 1));

      expect(run.rows).toEqual([
        { id: 1n, name: 'a é € 😀 ü' },
        { id: 2n, name: '𝄞' },
      ]);
    });
  });

  describe('BAD_GZIP', () => {
    it('refuses a truncated gzip file (which the gzip reader of DuckDB would read as a shorter file)', async () => {
      const gzipped = gzipSync(manyRows(60_000));
      const failure = await transformFailure('input/x/cut.csv.gz', bytesStream(gzipped.subarray(0, gzipped.length - 100)));

      expect(failure.error.code).toBe('BAD_GZIP');
      expect(failure.error.message).toContain('truncated');
      // the gzip stream is checked to its end while it is staged, before DuckDB reads it
      expect(failure.parquetBytesWritten).toBe(0);
      expect(failure.parquetEnded).toBe(false);
    });

    it('refuses gzip content that is corrupt in the middle', async () => {
      const corrupt = Buffer.from(gzipSync(fixtureBytes('orders.csv')));
      corrupt.fill(0xff, 20, 40);
      const failure = await transformFailure('input/x/corrupt.csv.gz', bytesStream(corrupt));

      expect(failure.error.code).toBe('BAD_GZIP');
    });

    it('refuses a .gz key whose content is not gzip', async () => {
      const failure = await transformFailure('input/x/orders.csv.gz', fixtureStream('orders.csv'));

      expect(failure.error.code).toBe('BAD_GZIP');
      expect(failure.error.message).toContain('not gzip');
    });
  });

  describe('EMPTY_FILE', () => {
    it.each([
      ['an empty .csv', 'input/x/empty.csv', Buffer.alloc(0)],
      ['an empty .tsv', 'input/x/empty.tsv', Buffer.alloc(0)],
      ['an empty .txt', 'input/x/empty.txt', Buffer.alloc(0)],
      ['an empty .jsonl', 'input/x/empty.jsonl', Buffer.alloc(0)],
      ['an empty .ndjson', 'input/x/empty.ndjson', Buffer.alloc(0)],
      ['an empty .csv.gz (0 bytes)', 'input/x/empty.csv.gz', Buffer.alloc(0)],
      ['a gzip of nothing', 'input/x/empty.jsonl.gz', gzipSync('')],
      ['only a byte order mark', 'input/x/bom.csv', Buffer.from('\ufeff')],
      ['only blank lines', 'input/x/blank.csv', Buffer.from('\n\n\n')],
      ['only blank CRLF lines', 'input/x/blank.csv', Buffer.from('\r\n\r\n')],
      ['only blank lines of JSON', 'input/x/blank.jsonl', Buffer.from('\n  \r\n\t\n')],
      ['a header without data rows', 'input/x/header.csv', Buffer.from('id,name\r\n')],
      ['JSON objects without keys', 'input/x/keyless.jsonl', Buffer.from('{}\n{}\n')],
    ])('refuses %s', async (_what, key, body) => {
      const failure = await transformFailure(key, bytesStream(body));

      expect(failure.error.code).toBe('EMPTY_FILE');
    });
  });

  describe('BAD_HEADER', () => {
    it.each([
      ['duplicate names', 'id,name,id\n1,a,2\n', '"id" names columns 1, 3'],
      ['a blank name', 'id,,name\n1,2,3\n', 'column(s) 2 have no name'],
    ])('refuses a header with %s, naming the columns', async (_what, text, problem) => {
      const failure = await transformFailure('input/x/header.csv', bytesStream(text));

      expect(failure.error.code).toBe('BAD_HEADER');
      expect(failure.error.message).toContain(problem);
    });
  });
});

/** The transform's own output for a fixture: a genuine Parquet file to feed back in. */
async function parquetFile(): Promise<Buffer> {
  const run = await runTransform('input/sales/orders.csv', fixtureStream('orders.csv'));
  expect(run.parquet.subarray(0, 4).toString()).toBe('PAR1');
  return run.parquet;
}
