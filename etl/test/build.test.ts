import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { buildEtl } from '../scripts/build';
import type { Manifest } from '../scripts/manifest';

const readPackageVersion = async (): Promise<unknown> =>
  (JSON.parse(await readFile(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown }).version;

describe('buildEtl', () => {
  let firstDir: string;
  let secondDir: string;
  let first: Manifest;
  let second: Manifest;

  beforeAll(async () => {
    firstDir = await mkdtemp(path.join(tmpdir(), 'etl-build-a-'));
    secondDir = await mkdtemp(path.join(tmpdir(), 'etl-build-b-'));
    first = await buildEtl({ outDir: firstDir });
    second = await buildEtl({ outDir: secondDir });
  });

  afterAll(async () => {
    await Promise.all([firstDir, secondDir].map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('produces byte-identical zips and equal manifests from the same sources', async () => {
    const [firstZip, secondZip] = await Promise.all([
      readFile(path.join(firstDir, first.file)),
      readFile(path.join(secondDir, second.file)),
    ]);
    expect(firstZip.equals(secondZip)).toBe(true);
    expect(second).toEqual(first);
  });

  it('writes a manifest whose sha256 and bytes match the zip on disk', async () => {
    const zip = await readFile(path.join(firstDir, first.file));
    const onDisk: unknown = JSON.parse(await readFile(path.join(firstDir, `analytics-etl-${first.version}.manifest.json`), 'utf8'));

    expect(onDisk).toEqual(first);
    expect(Object.keys(first)).toEqual(['name', 'version', 'file', 'sha256', 'bytes']);
    expect(first.sha256).toBe(createHash('sha256').update(zip).digest('hex'));
    expect(first.bytes).toBe(zip.byteLength);
  });

  it('names the artifacts after the version in etl/package.json', async () => {
    const version = await readPackageVersion();
    expect(first).toMatchObject({ name: '@analytics/etl', version, file: `analytics-etl-${String(version)}.zip` });
    expect((await readdir(firstDir)).sort()).toEqual([
      `analytics-etl-${String(version)}.manifest.json`,
      `analytics-etl-${String(version)}.zip`,
    ]);
  });

  it('packs exactly index.js at the zip root', async () => {
    const entries = unzipSync(await readFile(path.join(firstDir, first.file)));
    expect(Object.keys(entries)).toEqual(['index.js']);
  });
});
