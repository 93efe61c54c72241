import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { buildEtl, buildEtlArtifact, type BuiltEtl } from '../scripts/build';
import { buildInputs } from '../scripts/buildInputs';
import type { Manifest } from '../scripts/manifest';
import { LAMBDA_BINDING } from '../scripts/nativeBinding';

const REPO = path.resolve(__dirname, '../..');
const NODE_MODULES = path.join(REPO, 'node_modules');
const BINDING_FILES = ['LICENSE', 'README.md', 'duckdb.node', 'libduckdb.so', 'package.json'].map((file) => `node_modules/${LAMBDA_BINDING}/${file}`);

const readPackageVersion = async (): Promise<unknown> =>
  (JSON.parse(await readFile(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown }).version;

/** One in-memory build of this checkout for the tests that only read it: a build hashes and zips 70 MB. */
let inMemoryBuild: Promise<BuiltEtl> | undefined;
const builtInMemory = (): Promise<BuiltEtl> => (inMemoryBuild ??= buildEtlArtifact());

/** An etl/ package of one entry file in `root`, beside the node_modules folder the test makes there. */
async function etlPackage(root: string, entry: string): Promise<string> {
  const etlRoot = path.join(root, 'etl');
  await mkdir(path.join(etlRoot, 'src'), { recursive: true });
  await writeFile(path.join(etlRoot, 'package.json'), JSON.stringify({ name: '@analytics/etl', version: '9.0.0' }));
  await writeFile(path.join(etlRoot, 'src', 'index.ts'), entry);
  return etlRoot;
}

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

  it("packs index.js and, where its require() looks, the DuckDB binding of the Lambda's platform", async () => {
    const entries = unzipSync(await readFile(path.join(firstDir, first.file)));
    expect(Object.keys(entries)).toEqual(['index.js', ...BINDING_FILES]);
    // Buffer.equals: jest's toEqual walks a 70 MB array element by element
    const installed = await readFile(path.join(NODE_MODULES, LAMBDA_BINDING, 'libduckdb.so'));
    expect(installed.equals(entries[`node_modules/${LAMBDA_BINDING}/libduckdb.so`]!)).toBe(true);
  });

  it('stays under 30 MB zipped (Lambda takes 50 MB for a direct upload)', () => {
    expect(first.bytes).toBeLessThan(30e6);
  });

  it('builds the same zip in memory as on disk (what the version check hashes)', async () => {
    const inMemory = await builtInMemory();
    expect(inMemory.manifest).toEqual(first);
    expect(Buffer.from(inMemory.zip).equals(await readFile(path.join(firstDir, first.file)))).toBe(true);
  });
});

describe('the native binding', () => {
  let root: string;
  let nodeModules: string;
  const ENTRY = `import bindings from '@duckdb/node-bindings'; export const handler = () => bindings;`;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'etl-build-binding-'));
    // copies, not links: node (and esbuild) look for the platform package from where @duckdb/node-bindings really is
    nodeModules = path.join(root, 'node_modules');
    for (const name of ['@duckdb/node-bindings', 'detect-libc']) await cp(path.join(NODE_MODULES, name), path.join(nodeModules, name), { recursive: true });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('fails the build when the Lambda platform’s package is not installed, saying how to install it', async () => {
    const etlRoot = await etlPackage(root, ENTRY);

    await expect(buildEtlArtifact({ etlRoot })).rejects.toThrow(
      `${LAMBDA_BINDING} is not installed (npm installs only the builder's platform): npm install --no-save --os=linux --cpu=x64 --libc=glibc ${LAMBDA_BINDING}@1.5.6-r.1`,
    );
  });

  it('fails the build when the installed binding is not the version @duckdb/node-bindings pins', async () => {
    const stale = path.join(nodeModules, LAMBDA_BINDING);
    await mkdir(stale, { recursive: true });
    await writeFile(path.join(stale, 'package.json'), JSON.stringify({ name: LAMBDA_BINDING, version: '1.4.0' }));
    const etlRoot = await etlPackage(root, ENTRY);

    await expect(buildEtlArtifact({ etlRoot })).rejects.toThrow(`${stale} is version 1.4.0, but ${path.join(nodeModules, '@duckdb/node-bindings/package.json')} requires 1.5.6-r.1`);
  });
});

describe('buildInputs', () => {
  let files: string[];
  let packages: string[];

  beforeAll(async () => {
    const inputs = await buildInputs((await builtInMemory()).packed);
    files = inputs.files.map((file) => path.relative(REPO, file));
    packages = inputs.packages.map((dir) => path.relative(REPO, dir));
  });

  it('lists the bundled sources, the build scripts, etl/package.json and the tsconfig esbuild reads', () => {
    expect(files).toEqual(
      expect.arrayContaining(['etl/src/index.ts', 'etl/src/transform/transform.ts', 'etl/scripts/build.ts', 'etl/scripts/bundle.ts', 'etl/scripts/deterministicZip.ts', 'etl/scripts/nativeBinding.ts', 'etl/package.json', 'tsconfig.json']),
    );
  });

  it('lists the packages bundled, the binding packed beside them and the packages the build scripts run (found as node finds them)', () => {
    expect(packages).toEqual(
      expect.arrayContaining(['node_modules/@aws-sdk/client-s3', 'node_modules/@duckdb/node-api', `node_modules/${LAMBDA_BINDING}`, 'node_modules/zod', 'node_modules/esbuild', 'node_modules/fflate']),
    );
    expect(packages.every((dir) => /(^|\/)node_modules\/(@[^/]+\/)?[^/]+$/.test(dir))).toBe(true);
  });

  it('leaves out what the zip is not built from: tests, benchmarks, infra, the input list itself, test-only packages', () => {
    expect(files.filter((file) => /^etl\/(test|bench)\/|^infra\/|^gitops\/|buildInputs\.ts$/.test(file))).toEqual([]);
    expect(packages).not.toContain('node_modules/jest');
  });
});
