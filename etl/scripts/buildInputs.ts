import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { ETL_ROOT, PACKAGE_JSON } from './build';
import { installedPackage } from './installedPackage';

/** Everything one build of the zip reads: change any of it and the zip may change, so its version must. */
export interface BuildInputs {
  /** Files outside node_modules, absolute: bundled sources, the build scripts, etl/package.json, the tsconfig esbuild reads. */
  readonly files: readonly string[];
  /** Installed package directories, absolute: those with files in the zip (bundled or packed), and those the build scripts import. */
  readonly packages: readonly string[];
}

/** The script `npm run build:etl` runs; its import graph is the build's own code. */
const BUILD_SCRIPT = 'scripts/build.ts';

/**
 * Derived from the build itself: `packed` is what went into the zip (esbuild's list of bundled files and the native
 * binding's files), and the build scripts' own import graph comes from esbuild too (packages left external, then
 * located as node does). So a new import, in the ETL or in the scripts, is an input without anyone editing a list.
 */
export async function buildInputs(packed: readonly string[], etlRoot = ETL_ROOT): Promise<BuildInputs> {
  const scripts = await build({
    absWorkingDir: etlRoot,
    entryPoints: [path.join(etlRoot, BUILD_SCRIPT)],
    bundle: true,
    platform: 'node',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const scriptFiles = Object.keys(scripts.metafile.inputs).map((file) => path.resolve(etlRoot, file));
  const toolPackages = Object.entries(scripts.metafile.inputs).flatMap(([file, input]) =>
    input.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => {
      const fromDir = path.dirname(path.resolve(etlRoot, file));
      const dir = installedPackage(i.path, fromDir);
      if (!dir) throw new Error(`build script import ${i.path} is not installed (looked up from ${fromDir})`);
      return dir;
    }),
  );
  const sources = packed.filter((file) => packageDir(file) === undefined);
  const files = [...sources, ...scriptFiles, path.join(etlRoot, PACKAGE_JSON), ...sources.flatMap(tsconfigOf)];
  const packages = [...packed.flatMap((file) => packageDir(file) ?? []), ...toolPackages];
  return { files: [...new Set(files)].sort(), packages: [...new Set(packages)].sort() };
}

/** `/r/node_modules/@smithy/core/dist-es/x.js` → `/r/node_modules/@smithy/core`: the innermost installed package. */
function packageDir(file: string): string | undefined {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const nameLength = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + nameLength).join(path.sep);
}

/** The tsconfig.json esbuild applies to `file`: the nearest one up the tree (esbuild reads no other). */
function tsconfigOf(file: string): string[] {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return [candidate];
    if (path.dirname(dir) === dir) return [];
  }
}
