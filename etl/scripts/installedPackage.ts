import { existsSync } from 'node:fs';
import path from 'node:path';

/** The package name of a bare specifier: `@duckdb/node-bindings-linux-x64/duckdb.node` → `@duckdb/node-bindings-linux-x64`. */
export function packageName(specifier: string): string {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/** Where node finds bare import `specifier` from `fromDir`: the nearest node_modules/<name> up the tree; undefined if none. */
export function installedPackage(specifier: string, fromDir: string): string | undefined {
  const name = packageName(specifier);
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
