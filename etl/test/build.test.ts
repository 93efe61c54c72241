import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { buildEtl, buildEtlArtifact } from '../scripts/build';
import { buildInputs } from '../scripts/buildInputs';
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

  it('builds the same zip in memory as on disk (what the version check hashes)', async () => {
    const inMemory = await buildEtlArtifact();
    expect(inMemory.manifest).toEqual(first);
    expect(Buffer.from(inMemory.zip).equals(await readFile(path.join(firstDir, first.file)))).toBe(true);
  });
});

describe('buildInputs', () => {
  const root = path.resolve(__dirname, '../..');
  let files: string[];
  let packages: string[];

  beforeAll(async () => {
    const inputs = await buildInputs((await buildEtlArtifact()).bundled);
    files = inputs.files.map((file) => path.relative(root, file));
    packages = inputs.packages.map((dir) => path.relative(root, dir));
  });

  it('lists the bundled sources, the build scripts, etl/package.json and the tsconfig esbuild reads', () => {
    expect(files).toEqual(expect.arrayContaining(['etl/src/index.ts', 'etl/src/transform/readCsvRows.ts', 'etl/scripts/build.ts', 'etl/scripts/bundle.ts', 'etl/scripts/deterministicZip.ts', 'etl/package.json', 'tsconfig.json']));
  });

  it('lists the packages bundled and the packages the build scripts run (found as node finds them)', () => {
    expect(packages).toEqual(expect.arrayContaining(['node_modules/papaparse', 'node_modules/@aws-sdk/client-s3', 'node_modules/zod', 'node_modules/esbuild', 'node_modules/fflate']));
    expect(packages.every((dir) => /(^|\/)node_modules\/(@[^/]+\/)?[^/]+$/.test(dir))).toBe(true);
  });

  it('leaves out what the zip is not built from: tests, benchmarks, infra, the input list itself, test-only packages', () => {
    expect(files.filter((file) => /^etl\/(test|bench)\/|^infra\/|^gitops\/|buildInputs\.ts$/.test(file))).toEqual([]);
    expect(packages).not.toContain('node_modules/jest');
  });
});
