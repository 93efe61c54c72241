import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentEtlVersion, loadEtlArtifact, manifestFileName, releaseDir } from '../../src/config/etlArtifact';
import { loadEnvironments } from '../../src/config/loadEnvironments';

const REAL_ETL = path.join(__dirname, '../../../etl');
const cache = new Map<string, string>();

/** The zip (24 MB with DuckDB's binding) hard-linked where it can be, so each test's etl/ folder costs no copy. */
function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/**
 * An etl/ folder for tests that synthesize environments (the shipped ones by default), so that they need neither
 * GitHub nor a released zip: the real package.json and local build (`npm run build:etl`, which test:unit runs first),
 * and for each version the environments pin, a stand-in release in dist/releases/<version>/ holding that same zip
 * under the pinned version. Those tests check the stacks, which do not depend on the zip's bytes; what a pin resolves
 * to in real synth is tested in etlArtifact.test.ts.
 */
export function testEtlDir(environmentsDir = path.join(__dirname, '../../../environments')): string {
  const cached = cache.get(environmentsDir);
  if (cached) return cached;
  const current = currentEtlVersion(REAL_ETL);
  const built = loadEtlArtifact(path.join(REAL_ETL, 'dist'), current);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-etl-'));
  const dist = path.join(dir, 'dist');
  mkdirSync(dist);
  copyFileSync(path.join(REAL_ETL, 'package.json'), path.join(dir, 'package.json'));
  linkOrCopy(built.zipPath, path.join(dist, path.basename(built.zipPath)));
  copyFileSync(path.join(REAL_ETL, 'dist', manifestFileName(current)), path.join(dist, manifestFileName(current)));
  const manifest = JSON.parse(readFileSync(path.join(dist, manifestFileName(current)), 'utf8')) as Record<string, unknown>;
  for (const version of new Set(loadEnvironments(environmentsDir).flatMap((env) => env.etl.version ?? []))) {
    const release = releaseDir(dist, version);
    mkdirSync(release, { recursive: true });
    const file = `analytics-etl-${version}.zip`;
    linkOrCopy(built.zipPath, path.join(release, file));
    writeFileSync(path.join(release, manifestFileName(version)), JSON.stringify({ ...manifest, version, file }));
  }
  cache.set(environmentsDir, dir);
  return dir;
}
