import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { OutOfTimeError } from '../../src/errors';
import { connect, duckDbMessage, runChecked } from '../../src/transform/duckDb';
import { transform } from '../../src/transform/transform';
import { bytesStream, ETL_VERSION, fixtureStream, runTransform } from './runTransform';

const SETTINGS = { threads: 1, memoryLimitMb: 256, spillLimitMb: 512, tempDirectory: join(tmpdir(), 'etl-test-spill') };

describe('transform: the DuckDB engine', () => {
  describe('offline: nothing is installed or loaded at run time', () => {
    it('starts instances with extension autoinstall, autoload and community extensions off', async () => {
      const connection = await connect(SETTINGS);
      try {
        const settings = await connection.runAndReadAll(
          "SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions', 'allow_community_extensions', 'threads', 'memory_limit', 'max_temp_directory_size', 'TimeZone') ORDER BY name",
        );
        expect(Object.fromEntries(settings.getRows().map(([name, value]) => [name, value]))).toEqual({
          TimeZone: 'UTC',
          allow_community_extensions: 'false',
          autoinstall_known_extensions: 'false',
          autoload_known_extensions: 'false',
          // DuckDB shows the limit in its own units
          memory_limit: expect.stringMatching(/^2\d\d\.\d MiB$/),
          max_temp_directory_size: expect.stringMatching(/^(512\.0 MiB|536\.8 MB)$/),
          threads: '1',
        });
        // the extensions the transform uses are linked into the binding
        const loaded = await connection.runAndReadAll("SELECT extension_name FROM duckdb_extensions() WHERE loaded AND extension_name IN ('json', 'parquet', 'icu') ORDER BY 1");
        expect(loaded.getRows().map(([name]) => name)).toEqual(['icu', 'json', 'parquet']);
      } finally {
        connection.closeSync();
      }
    });

    it('fails at once, without the network, on anything that would need another extension (httpfs)', async () => {
      const connection = await connect(SETTINGS);
      try {
        const error = await connection.runAndReadAll("SELECT * FROM read_csv('https://example.com/data.csv')").then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(duckDbMessage(error)).toMatch(/httpfs/);
      } finally {
        connection.closeSync();
      }
    });

    // with those settings: CSV and JSON Lines read, Parquet written (every transform test runs this way)
    it.each([
      ['orders.csv', 'input/sales/orders.csv', 4],
      ['events.jsonl', 'input/app/events.jsonl', 4],
    ])('reads %s and writes its Parquet file', async (name, key, rows) => {
      const run = await runTransform(key, fixtureStream(name));

      expect(run.rows).toHaveLength(rows);
    });
  });

  it('interrupts a running statement when the checkpoint throws, and throws what the checkpoint threw', async () => {
    const connection = await connect(SETTINGS);
    const outOfTime = new OutOfTimeError('out of time (test)');
    let calls = 0;
    const started = Date.now();
    try {
      const error = await runChecked(connection, 'SELECT count(*) FROM range(100_000_000_000)', () => {
        calls++;
        if (calls === 2) throw outOfTime;
      }).then(
        () => undefined,
        (failure: unknown) => failure,
      );

      expect(error).toBe(outOfTime);
      // a count over 10^11 rows takes minutes; the interrupt stops it after the second checkpoint (~1 s)
      expect(Date.now() - started).toBeLessThan(10_000);
      // the connection is usable afterwards
      expect((await connection.runAndReadAll('SELECT 42')).getRows()).toEqual([[42]]);
    } finally {
      connection.closeSync();
    }
  });

  describe('scratch directory', () => {
    let scratch: string;
    beforeEach(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'etl-scratch-test-'));
    });
    afterEach(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    const run = (key: string, text: string, checkpoint?: () => void) =>
      transform({
        key,
        body: bytesStream(text),
        parquet: new PassThrough().resume(),
        openRejected: () => new PassThrough().resume(),
        metadata: { etl_version: ETL_VERSION },
        maxRejectedShare: 1,
        scratchDir: scratch,
        ...(checkpoint ? { checkpoint } : {}),
      });
    /** What is left of the jobs: DuckDB's spill directory (shared by the jobs of an instance) may stay. */
    const leftovers = async (): Promise<string[]> => (await readdir(scratch)).filter((name) => name !== 'etl-duckdb-spill');

    it('removes the job directory after a success', async () => {
      await run('input/x/a.csv', 'id,name\n1,Ann\n2\n');
      expect(await leftovers()).toEqual([]);
    });

    it('removes the job directory after a bad file', async () => {
      await expect(run('input/x/a.csv', 'id,id\n1,2\n')).rejects.toMatchObject({ code: 'BAD_HEADER' });
      expect(await leftovers()).toEqual([]);
    });

    it('removes the job directory when time runs out', async () => {
      const outOfTime = new OutOfTimeError('out of time (test)');
      await expect(
        run('input/x/a.csv', 'id,name\n1,Ann\n', () => {
          throw outOfTime;
        }),
      ).rejects.toBe(outOfTime);
      expect(await leftovers()).toEqual([]);
    });

    it('bounds the staged text (after gunzip) by maxTextBytes: OBJECT_TOO_LARGE', async () => {
      const error = await transform({
        key: 'input/x/big.csv',
        body: bytesStream(`id\n${'1\n'.repeat(10_000)}`),
        parquet: new PassThrough(),
        openRejected: () => new PassThrough(),
        metadata: {},
        maxRejectedShare: 1,
        scratchDir: scratch,
        maxTextBytes: 1000,
      }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toMatchObject({ code: 'OBJECT_TOO_LARGE', message: expect.stringContaining('1000-byte limit (MAX_OBJECT_BYTES)') });
      expect(await leftovers()).toEqual([]);
    });
  });
});
