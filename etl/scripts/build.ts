import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import packageJson from '../package.json';
import { bundle } from './bundle';
import { deterministicZip } from './deterministicZip';
import { createManifest, type Manifest } from './manifest';

const ETL_ROOT = path.resolve(__dirname, '..');

export interface BuildOptions {
  /** Defaults to etl/dist. */
  readonly outDir?: string;
  /** Relative to etl/; defaults to src/index.ts. */
  readonly entry?: string;
}

/** `@analytics/etl` + `0.1.0` → `analytics-etl-0.1.0`, so the file name always follows package.json. */
function artifactBaseName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}`;
}

export async function buildEtl(options: BuildOptions = {}): Promise<Manifest> {
  const outDir = options.outDir ?? path.join(ETL_ROOT, 'dist');
  const code = await bundle(options.entry ?? 'src/index.ts', ETL_ROOT);
  const zip = deterministicZip({ 'index.js': code });
  const baseName = artifactBaseName(packageJson.name, packageJson.version);
  const manifest = createManifest(packageJson.name, packageJson.version, `${baseName}.zip`, zip);

  await mkdir(outDir, { recursive: true });
  // Zip first: a manifest on disk implies its zip is complete.
  await writeFile(path.join(outDir, manifest.file), zip);
  await writeFile(path.join(outDir, `${baseName}.manifest.json`), `${JSON.stringify(manifest, null, 2)}\n`);
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
