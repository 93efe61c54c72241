import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'fflate';
import { CACHED_FROM_BYTES, cacheDirFor, cachedDeflate } from '../scripts/deflateCache';
import { deflateEntry } from '../scripts/deterministicZip';

/** Content big enough to be cached, not all alike (so it compresses like a file, not to a few bytes). */
const large = (): Uint8Array => Uint8Array.from({ length: CACHED_FROM_BYTES + 1000 }, (_, index) => (index * 7919) % 251);

describe('cachedDeflate', () => {
  let cacheDir: string;

  beforeEach(async () => {
    cacheDir = path.join(await mkdtemp(path.join(tmpdir(), 'etl-deflate-cache-')), 'cache');
  });

  afterEach(async () => {
    await rm(path.dirname(cacheDir), { recursive: true, force: true });
  });

  it('deflates a large entry as deflateEntry does and keeps the result under a key of content, level and fflate version', async () => {
    const data = large();

    const entry = await cachedDeflate(data, cacheDir);

    expect(entry).toEqual(deflateEntry(data));
    expect(await readdir(cacheDir)).toEqual([expect.stringMatching(/^[0-9a-f]{64}-level6-fflate\d+\.\d+\.\d+\.deflate$/)]);
  });

  it('takes a cached entry instead of deflating again', async () => {
    const data = large();
    await cachedDeflate(data, cacheDir);
    const [key] = await readdir(cacheDir);
    // a stand-in only the cache could have returned
    const standIn = deflateSync(new Uint8Array([1, 2, 3]));
    await writeFile(path.join(cacheDir, key!), standIn);

    const entry = await cachedDeflate(data, cacheDir);

    expect(entry.deflated).toEqual(standIn);
    expect(entry.size).toBe(data.byteLength);
  });

  it('does not cache small entries', async () => {
    expect(await cachedDeflate(new Uint8Array(100), cacheDir)).toEqual(deflateEntry(new Uint8Array(100)));
    await expect(readdir(cacheDir)).rejects.toThrow('ENOENT');
  });
});

describe('cacheDirFor', () => {
  it('puts the cache in the .cache folder of the node_modules the file is installed in', () => {
    expect(cacheDirFor('/r/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so')).toBe('/r/node_modules/.cache/analytics-etl-zip');
  });
});
