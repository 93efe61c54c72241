import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { buildEtl, buildEtlArtifact, type BuiltEtl } from '../scripts/build';
import { buildInputs } from '../scripts/buildInputs';
import type { Manifest } from '../scripts/manifest';
import { LAMBDA_BINDING } from '../scripts/nativeBinding';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const NODE_MODULES = path.join(REPO, 'node_modules');
const BINDING_FILES = ['LICENSE', 'README.md', 'duckdb.node', 'libduckdb.so', 'package.json'].map((file) => `node_modules/${LAMBDA_BINDING}/${file}`);

const readPackageVersion = async (): Promise<unknown> =>
  (JSON.parse(await readFile(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown }).version;

/** An etl/ package of one entry file, in a temp dir beside `nodeModules` (a link to the checkout's, or a folder made for the test). */
async function etlPackage(root: string, entry: string, nodeModules: string = NODE_MODULES): Promise<string> {
  const etlRoot = path.join(root, 'etl');
  await mkdir(path.join(etlRoot, 'src'), { recursive: true });
  await writeFile(path.join(etlRoot, 'package.json'), JSON.stringify({ name: '@analytics/etl', version: '9.0.0' }));
  await writeFile(path.join(etlRoot, 'src', 'index.ts'), entry);
  if (nodeModules !== path.join(root, 'node_modules')) await symlink(nodeModules, path.join(root, 'node_modules'), 'dir');
  return etlRoot;
}

/** Unpacks a zip as Lambda does (every entry under the task root), somewhere no node_modules above could help. */
async function unpack(zip: Uint8Array, dir: string): Promise<void> {
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), bytes);
  }
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

describe('a zip whose code requires DuckDB', () => {
  // what the function does with DuckDB, in small: CSV in, Parquet out, read back; no extension may be fetched
  const ENTRY = `
    import { DuckDBInstance } from '@duckdb/node-api';
    export async function handler(event: { dir: string }) {
      const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '1' });
      const connection = await instance.connect();
      await connection.run(\`COPY (SELECT * FROM read_csv('\${event.dir}/in.csv', delim = ',', header = true)) TO '\${event.dir}/out.parquet' (FORMAT parquet, COMPRESSION zstd)\`);
      const read = await connection.runAndReadAll(\`SELECT * FROM read_parquet('\${event.dir}/out.parquet') ORDER BY id\`);
      return read.getRowObjectsJson();
    }`;
  let root: string;
  let built: BuiltEtl;
  let again: BuiltEtl;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'etl-build-duckdb-'));
    const etlRoot = await etlPackage(root, ENTRY);
    built = await buildEtlArtifact({ etlRoot });
    again = await buildEtlArtifact({ etlRoot });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("packs index.js and the Lambda platform's binding where require() from index.js finds it, deterministically", () => {
    expect(Object.keys(unzipSync(built.zip))).toEqual(['index.js', ...BINDING_FILES]);
    expect(Buffer.from(again.zip).equals(Buffer.from(built.zip))).toBe(true);
    expect(again.manifest).toEqual(built.manifest);
  });

  it('stays under 30 MB zipped (Lambda takes 50 MB for a direct upload)', () => {
    expect(built.manifest.bytes).toBeLessThan(30e6);
  });

  it('runs unpacked in a fresh node with nothing else installed: CSV to Parquet and back, offline', async () => {
    const task = path.join(root, 'task');
    await unpack(built.zip, task);
    await writeFile(path.join(task, 'in.csv'), 'id,zip,amount\n2,02134,3\n1,10115,2.5\n');
    const script = `require('./index.js').handler({ dir: process.cwd() }).then((rows) => console.log(JSON.stringify(rows)))`;

    const { stdout } = await run(process.execPath, ['-e', script], { cwd: task, env: { PATH: process.env.PATH ?? '' } });

    expect(JSON.parse(stdout)).toEqual([
      { id: '1', zip: '10115', amount: 2.5 },
      { id: '2', zip: '02134', amount: 3 },
    ]);
  });

  it('counts the binding among the build inputs, so a new binding version needs a new ETL version', async () => {
    const inputs = await buildInputs(built.packed);
    expect(inputs.packages).toContain(path.join(NODE_MODULES, LAMBDA_BINDING));
    expect(built.packed).toEqual(expect.arrayContaining(BINDING_FILES.map((file) => path.join(REPO, file))));
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
    const etlRoot = await etlPackage(root, ENTRY, nodeModules);

    await expect(buildEtlArtifact({ etlRoot })).rejects.toThrow(
      `${LAMBDA_BINDING} is not installed (npm installs only the builder's platform): npm install --no-save --os=linux --cpu=x64 --libc=glibc ${LAMBDA_BINDING}@1.5.6-r.1`,
    );
  });

  it('fails the build when the installed binding is not the version @duckdb/node-bindings pins', async () => {
    const stale = path.join(nodeModules, LAMBDA_BINDING);
    await mkdir(stale, { recursive: true });
    await writeFile(path.join(stale, 'package.json'), JSON.stringify({ name: LAMBDA_BINDING, version: '1.4.0' }));
    const etlRoot = await etlPackage(root, ENTRY, nodeModules);

    await expect(buildEtlArtifact({ etlRoot })).rejects.toThrow(`${stale} is version 1.4.0, but ${path.join(nodeModules, '@duckdb/node-bindings/package.json')} requires 1.5.6-r.1`);
  });
});

describe('buildInputs', () => {
  let files: string[];
  let packages: string[];

  beforeAll(async () => {
    const inputs = await buildInputs((await buildEtlArtifact()).packed);
    files = inputs.files.map((file) => path.relative(REPO, file));
    packages = inputs.packages.map((dir) => path.relative(REPO, dir));
  });

  it('lists the bundled sources, the build scripts, etl/package.json and the tsconfig esbuild reads', () => {
    expect(files).toEqual(
      expect.arrayContaining(['etl/src/index.ts', 'etl/src/transform/transform.ts', 'etl/scripts/build.ts', 'etl/scripts/bundle.ts', 'etl/scripts/deterministicZip.ts', 'etl/scripts/nativeBinding.ts', 'etl/package.json', 'tsconfig.json']),
    );
  });

  it('lists the packages bundled and the packages the build scripts run (found as node finds them)', () => {
    expect(packages).toEqual(expect.arrayContaining(['node_modules/@aws-sdk/client-s3', 'node_modules/zod', 'node_modules/esbuild', 'node_modules/fflate']));
    expect(packages.every((dir) => /(^|\/)node_modules\/(@[^/]+\/)?[^/]+$/.test(dir))).toBe(true);
  });

  it('leaves out what the zip is not built from: tests, benchmarks, infra, the input list itself, test-only packages', () => {
    expect(files.filter((file) => /^etl\/(test|bench)\/|^infra\/|^gitops\/|buildInputs\.ts$/.test(file))).toEqual([]);
    expect(packages).not.toContain('node_modules/jest');
  });
});
