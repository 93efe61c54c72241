import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BuildInputs } from '../../etl/scripts/buildInputs';
import { changedFiles, fileAt } from './git';

const LOCKFILE = 'package-lock.json';

/** What of a lockfile entry decides the installed bytes; `dev`, `peer` and the like do not. */
const PINNING_FIELDS = ['version', 'resolved', 'integrity', 'link'] as const;

type LockEntry = Partial<Record<(typeof PINNING_FIELDS)[number], unknown>>;

/**
 * The inputs of the zip (see buildInputs) that differ between `base` and HEAD, as lines for a message: changed files
 * among the inputs, and installed packages whose package-lock.json entry changed (a lockfile change that moves only
 * other packages, e.g. a test dependency, is not one).
 */
export async function changedEtlInputs(repoDir: string, base: string, inputs: BuildInputs): Promise<string[]> {
  const changed = new Set(await changedFiles(base, repoDir));
  const files = inputs.files.map((file) => path.relative(repoDir, file)).filter((file) => changed.has(file));

  const byLockfile = new Map<string, string[]>();
  for (const dir of inputs.packages) {
    const lockfile = lockfileOf(dir);
    if (lockfile && changed.has(path.relative(repoDir, lockfile))) byLockfile.set(lockfile, [...(byLockfile.get(lockfile) ?? []), dir]);
  }
  const packages: string[] = [];
  for (const [lockfile, dirs] of byLockfile) {
    const file = path.relative(repoDir, lockfile);
    const [before, after] = await Promise.all([lockEntries(base, file, repoDir), lockEntries('HEAD', file, repoDir)]);
    for (const key of dirs.map((dir) => path.relative(path.dirname(lockfile), dir).split(path.sep).join('/'))) {
      const [was, is] = [before[key], after[key]];
      const differ = PINNING_FIELDS.filter((field) => was?.[field] !== is?.[field]);
      if (differ.length > 0) packages.push(`${file}: ${key} ${describe(was, is, differ)}`);
    }
  }
  return [...files, ...packages];
}

/** The lockfile npm installed `packageDir` from: the nearest package-lock.json above its node_modules folder. */
function lockfileOf(packageDir: string): string | undefined {
  for (let dir = path.dirname(packageDir); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, LOCKFILE))) return path.join(dir, LOCKFILE);
  }
  return undefined;
}

async function lockEntries(ref: string, file: string, repoDir: string): Promise<Record<string, LockEntry | undefined>> {
  const text = await fileAt(ref, file, repoDir);
  return text === undefined ? {} : ((JSON.parse(text) as { packages?: Record<string, LockEntry> }).packages ?? {});
}

function describe(was: LockEntry | undefined, is: LockEntry | undefined, differ: readonly string[]): string {
  if (!was) return '(added)';
  if (!is) return '(removed)';
  return differ.includes('version') ? `${String(was.version)} -> ${String(is.version)}` : `(${differ.join(', ')} changed)`;
}
