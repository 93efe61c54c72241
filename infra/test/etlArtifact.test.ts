import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app';
import { loadEtlArtifact } from '../src/config/etlArtifact';
import { devDefinition, writeEnvironments } from './support/environmentFixtures';
import { SynthesizedStack } from './support/synthesized';

const realEtl = path.join(__dirname, '../../etl');
const version = (JSON.parse(readFileSync(path.join(realEtl, 'package.json'), 'utf8')) as { version: string }).version;

/** An etl/ folder with package.json at `current` and built artifacts for `built` versions (copies of the real zip). */
function etlDir(current: string, built: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'etl-'));
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@analytics/etl', version: current }));
  const zip = path.join(realEtl, 'dist', `analytics-etl-${version}.zip`);
  const sha256 = createHash('sha256').update(readFileSync(zip)).digest('hex');
  for (const v of built) {
    const file = `analytics-etl-${v}.zip`;
    copyFileSync(zip, path.join(dir, 'dist', file));
    writeFileSync(path.join(dir, 'dist', `analytics-etl-${v}.manifest.json`), JSON.stringify({ name: '@analytics/etl', version: v, file, sha256, bytes: 1 }));
  }
  return dir;
}

test('an unbuilt ETL stops synth with the command to run', () => {
  expect(() => buildApp({ etlDir: etlDir('9.9.9', []) })).toThrow(/ETL 9\.9\.9 is not built .*; run `npm run build -w etl` first/);
});

test('an unavailable pinned version names the environment file and field', () => {
  const pinned = devDefinition();
  pinned.etl.version = '0.0.1';
  expect(() => buildApp({ environmentsDir: writeEnvironments({ dev: pinned }), etlDir: etlDir('1.0.0', ['1.0.0']) })).toThrow(
    /dev\/environment\.json: etl\.version: ETL 0\.0\.1 is not available/,
  );
});

test('a pinned version that is available is what the stack deploys and tags', () => {
  const pinned = devDefinition();
  pinned.etl.version = '0.9.0';
  const { stacks, environments } = buildApp({ environmentsDir: writeEnvironments({ dev: pinned }), etlDir: etlDir('1.0.0', ['0.9.0', '1.0.0']) });
  const s = new SynthesizedStack(stacks[0]!, environments[0]!, 'us-east-1');
  expect(s.one('aws_lambda_function').environment.variables.ETL_VERSION).toBe('0.9.0');
  expect(s.one('aws_lambda_function').filename).toMatch(/analytics-etl-0\.9\.0\.zip$/);
  expect(s.json.provider.aws[0].default_tags[0].tags.EtlVersion).toBe('0.9.0');
});

test('a zip that does not match its manifest is refused', () => {
  const dir = etlDir('1.0.0', ['1.0.0']);
  writeFileSync(path.join(dir, 'dist', 'analytics-etl-1.0.0.zip'), 'not the zip');
  expect(() => loadEtlArtifact(path.join(dir, 'dist'), '1.0.0')).toThrow(/sha256 [0-9a-f]{64} differs from .*manifest\.json; rebuild with `npm run build -w etl`/);
});

test('source_code_hash is the base64 sha256 of the zip (what Lambda reports as CodeSha256)', () => {
  const artifact = loadEtlArtifact(path.join(realEtl, 'dist'), version);
  const digest = createHash('sha256').update(readFileSync(artifact.zipPath)).digest('base64');
  expect(artifact.base64Sha256).toBe(digest);
});
