import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeImport } from './bundle';
import { installedPackage, packageName } from './installedPackage';

/** DuckDB's per-platform packages (duckdb.node + libduckdb.so): esbuild leaves their require() to node. */
export const NATIVE_BINDINGS = '@duckdb/node-bindings-*';

export const isNativeBinding = (specifier: string): boolean => specifier.startsWith(NATIVE_BINDINGS.slice(0, -1));

/**
 * The binding of the function's platform: Lambda x86_64 runs Amazon Linux 2023 with glibc. (arm64 is not offered: its
 * zip could be built here but not run, see docs/benchmarks.md.)
 */
export const LAMBDA_BINDING = '@duckdb/node-bindings-linux-x64';

/**
 * The files of the Lambda's binding package (LICENSE too), found where node finds it from the file that requires it:
 * zip path (`node_modules/<name>/<file>`, where require() from index.js looks) → absolute path. None when the bundle
 * requires no binding; an error saying what to install when it does but the package is missing (npm installs only the
 * builder's own platform) or of another version.
 */
export async function lambdaBindingFiles(runtimeImports: readonly RuntimeImport[]): Promise<Record<string, string>> {
  if (runtimeImports.length === 0) return {};
  const wanted = runtimeImports.find((i) => packageName(i.specifier) === LAMBDA_BINDING);
  if (!wanted) {
    const names = [...new Set(runtimeImports.map((i) => packageName(i.specifier)))].join(', ');
    throw new Error(`the bundle requires the native bindings ${names} but not ${LAMBDA_BINDING}, the one the Lambda (linux x86_64, glibc) loads`);
  }
  const requirer = path.dirname(wanted.importer);
  const expected = await expectedVersion(requirer);
  const install = `npm install --no-save --os=linux --cpu=x64 --libc=glibc ${LAMBDA_BINDING}@${expected ?? '<version of @duckdb/node-bindings>'}`;
  const dir = installedPackage(LAMBDA_BINDING, requirer);
  if (!dir) throw new Error(`${LAMBDA_BINDING} is not installed (npm installs only the builder's platform): ${install}`);
  const { version } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  if (expected !== undefined && version !== expected) {
    throw new Error(`${dir} is version ${version}, but ${path.join(requirer, 'package.json')} requires ${expected}: ${install}`);
  }
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[['node_modules', LAMBDA_BINDING, ...path.relative(dir, file).split(path.sep)].join('/')] = file;
  }
  return files;
}

/** The binding version the requiring package pins (@duckdb/node-bindings lists every platform's as an exact optional dependency). */
async function expectedVersion(requirerDir: string): Promise<string | undefined> {
  for (let dir = requirerDir; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const text = await readFile(path.join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const pkg = JSON.parse(text) as { optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> };
    return pkg.optionalDependencies?.[LAMBDA_BINDING] ?? pkg.dependencies?.[LAMBDA_BINDING];
  }
  return undefined;
}
