import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ENVIRONMENTS = path.join(__dirname, '../../../environments');

/**
 * A temp copy of environments/ whose template dev keeps one region (a copy's deploy is then one stack) and its state
 * in `bucket`, so a suite's registry is its own on an emulator others share. Returns the folder.
 */
export function templateFixture(bucket: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'templates-'));
  cpSync(ENVIRONMENTS, dir, { recursive: true });
  const file = path.join(dir, 'dev', 'environment.json');
  const dev = JSON.parse(readFileSync(file, 'utf8')) as { regions: unknown[]; state: { bucket: string } };
  writeFileSync(file, JSON.stringify({ ...dev, regions: dev.regions.slice(0, 1), state: { ...dev.state, bucket } }, null, 2));
  return dir;
}
