import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from './atomicWrite';
import { bundle } from './bundle';
import { cacheDirFor, cachedDeflate } from './deflateCache';
import { type DeflatedEntry, deterministicZip } from './deterministicZip';
import { createManifest, type Manifest } from './manifest';
import { lambdaBindingFiles } from './nativeBinding';

/** The etl/ package this script belongs to: what `npm run build:etl` builds. */
export const ETL_ROOT = path.resolve(__dirname, '..');

/** The file the build takes the artifact's name and version from. */
export const PACKAGE_JSON = 'package.json';

export interface BuildOptions {
  /** The etl/ package to build. @default etl/ of this checkout */
  readonly etlRoot?: string;
  /** Relative to etlRoot. @default 'src/index.ts' */
  readonly entry?: string;
}

export interface BuiltEtl {
  readonly manifest: Manifest;
  readonly zip: Uint8Array;
  /**
   * The files the zip is made of, absolute: what esbuild bundled into index.js (see Bundle.inputs) and the native
   * binding's files packed beside it. buildInputs adds what else the build reads.
   */
  readonly packed: readonly string[];
}

/** `@analytics/etl` + `0.1.0` → `analytics-etl-0.1.0`, so the file name always follows package.json. */
function artifactBaseName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}`;
}

/** Builds the zip in memory: what the version check hashes without touching etl/dist. */
export async function buildEtlArtifact(options: BuildOptions = {}): Promise<BuiltEtl> {
  const etlRoot = options.etlRoot ?? ETL_ROOT;
  const pkg = JSON.parse(await readFile(path.join(etlRoot, PACKAGE_JSON), 'utf8')) as { name: string; version: string };
  const { code, inputs, runtimeImports } = await bundle(options.entry ?? 'src/index.ts', etlRoot);
  const entries: Record<string, Uint8Array | DeflatedEntry> = { 'index.js': code };
  // the .node file and libduckdb.so beside index.js, at node_modules/<package>/ where its require() finds them
  const packed = [...inputs];
  for (const [name, file] of Object.entries(await lambdaBindingFiles(runtimeImports))) {
    entries[name] = await cachedDeflate(await readFile(file), cacheDirFor(file));
    packed.push(file);
  }
  const zip = deterministicZip(entries);
  const manifest = createManifest(pkg.name, pkg.version, `${artifactBaseName(pkg.name, pkg.version)}.zip`, zip);
  return { manifest, zip, packed };
}

/**
 * Builds the zip of the current version into `outDir` (default etl/dist), next to its manifest. Fetched releases live
 * in etl/dist/releases/<version>/ and are never written here, so a local build cannot stand in for a release.
 */
export async function buildEtl(options: BuildOptions & { readonly outDir?: string } = {}): Promise<Manifest> {
  const outDir = options.outDir ?? path.join(options.etlRoot ?? ETL_ROOT, 'dist');
  const { manifest, zip } = await buildEtlArtifact(options);
  await mkdir(outDir, { recursive: true });
  // Zip first: a manifest on disk implies its zip is complete.
  await writeFileAtomically(path.join(outDir, manifest.file), zip);
  await writeFileAtomically(path.join(outDir, manifest.file.replace(/\.zip$/, '.manifest.json')), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  buildEtl().then(
    (manifest) => console.log(`${manifest.file} ${manifest.bytes} bytes sha256=${manifest.sha256}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
