import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type BuiltApp } from '../src/app';
import { loadEtlArtifact } from '../src/config/etlArtifact';
import { devDefinition, writeEnvironments } from './support/environmentFixtures';
import { SynthesizedStack } from './support/synthesized';
import { testEtlDir } from './support/testEtl';

const realEtl = path.join(__dirname, '../../etl');
const version = (JSON.parse(readFileSync(path.join(realEtl, 'package.json'), 'utf8')) as { version: string }).version;
const realZip = () => readFileSync(path.join(realEtl, 'dist', `analytics-etl-${version}.zip`));
/**
 * The zip in etlDir's folders: resolving an artifact checks only its digest and size, so a few bytes stand in for the
 * real 24 MB (written and hashed some 15 times here, that cost ~1.5 CPU s).
 */
const standInZip = Buffer.from('a stand-in for the ETL zip');

/** Writes a zip and its manifest for `v` into `dir`. */
function writeArtifact(dir: string, v: string, zip: Buffer): void {
  mkdirSync(dir, { recursive: true });
  const file = `analytics-etl-${v}.zip`;
  writeFileSync(path.join(dir, file), zip);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  writeFileSync(path.join(dir, `analytics-etl-${v}.manifest.json`), JSON.stringify({ name: '@analytics/etl', version: v, file, sha256, bytes: zip.byteLength }));
}

/**
 * An etl/ folder with package.json at `current`, local builds of `built` versions in dist/ and fetched releases of
 * `released` versions in dist/releases/<version>/ (all the stand-in zip unless given).
 */
function etlDir(current: string, built: string[], released: Record<string, Buffer> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'etl-'));
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@analytics/etl', version: current }));
  for (const v of built) writeArtifact(path.join(dir, 'dist'), v, standInZip);
  for (const [v, zip] of Object.entries(released)) writeArtifact(path.join(dir, 'dist', 'releases', v), v, zip);
  return dir;
}

/** The ETL function of stack `id` (e.g. dev-us-east-1) in the synthesized JSON. */
function lambdaOf({ stacks, environments }: BuiltApp, id: string) {
  const environment = environments.find((env) => id.startsWith(`${env.name}-`))!;
  return new SynthesizedStack(stacks.find((s) => s.node.id === id)!, environment, id.slice(environment.name.length + 1)).one('aws_lambda_function');
}

function pinned(v: string): string {
  const dev = devDefinition();
  dev.etl.version = v;
  return writeEnvironments({ dev });
}

test('an unbuilt ETL stops synth with the command to run', () => {
  expect(() => buildApp({ environmentsDir: writeEnvironments({ dev: devDefinition() }), etlDir: etlDir('9.9.9', []) })).toThrow(
    /ETL 9\.9\.9 is not built .*; run `npm run build -w etl`/,
  );
});

test('an unfetched pinned version names the environment file and field, and the command that fetches it', () => {
  expect(() => buildApp({ environmentsDir: pinned('0.0.1'), etlDir: etlDir('1.0.0', ['1.0.0']) })).toThrow(
    /dev\/environment\.json: etl\.version: ETL 0\.0\.1 is not fetched from release etl-v0\.0\.1 .*dist\/releases\/0\.0\.1\/.*not found\); run `npm run gitops -- etl-fetch`.*or remove the pin/,
  );
});

test('a pinned version that is fetched is what the stack deploys and tags', () => {
  const { stacks, environments } = buildApp({ environmentsDir: pinned('0.9.0'), etlDir: etlDir('1.0.0', ['1.0.0'], { '0.9.0': standInZip }) });
  const s = new SynthesizedStack(stacks[0]!, environments[0]!, 'us-east-1');
  expect(s.one('aws_lambda_function').environment.variables.ETL_VERSION).toBe('0.9.0');
  expect(s.one('aws_lambda_function').filename).toMatch(/analytics-etl-0\.9\.0\.zip$/);
  expect(s.json.provider.aws[0].default_tags[0].tags.EtlVersion).toBe('0.9.0');
});

test('a pin of the current version is only ever its release: a local build of that version does not stand in for it', () => {
  // what `npm run synth` leaves in etl/dist after a bump: the local build of the new, unreleased version
  expect(() => buildApp({ environmentsDir: pinned('1.0.0'), etlDir: etlDir('1.0.0', ['1.0.0']) })).toThrow(/ETL 1\.0\.0 is not fetched from release etl-v1\.0\.0/);
  const released = Buffer.concat([standInZip, Buffer.from('the released bytes')]);
  const built = buildApp({ environmentsDir: pinned('1.0.0'), etlDir: etlDir('1.0.0', ['1.0.0'], { '1.0.0': released }) });
  expect(lambdaOf(built, 'dev-us-east-1').source_code_hash).toBe(createHash('sha256').update(released).digest('base64'));
});

test('without a pin, the local build deploys; when its version is released and fetched, only if it is that release byte for byte', () => {
  const environmentsDir = writeEnvironments({ dev: devDefinition() });
  expect(buildApp({ environmentsDir, etlDir: etlDir('1.0.0', ['1.0.0']) }).stacks).toHaveLength(3);
  expect(buildApp({ environmentsDir, etlDir: etlDir('1.0.0', ['1.0.0'], { '1.0.0': standInZip }) }).stacks).toHaveLength(3);
  expect(() => buildApp({ environmentsDir, etlDir: etlDir('1.0.0', ['1.0.0'], { '1.0.0': Buffer.from('another zip') }) })).toThrow(
    /etl 1\.0\.0 is released \(etl-v1\.0\.0\) with sha256 [0-9a-f]{64} but this checkout builds [0-9a-f]{64}: released zips are immutable, so bump etl\/package\.json/,
  );
});

test('tests synthesize the shipped environments whatever they pin, with no release fetched (testEtlDir)', () => {
  const environmentsDir = mkdtempSync(path.join(os.tmpdir(), 'shipped-'));
  cpSync(path.join(__dirname, '../../environments'), environmentsDir, { recursive: true });
  const staging = path.join(environmentsDir, 'staging', 'environment.json');
  const definition = JSON.parse(readFileSync(staging, 'utf8'));
  definition.etl.version = '0.0.1';
  writeFileSync(staging, JSON.stringify(definition));

  const built = buildApp({ environmentsDir, etlDir: testEtlDir(environmentsDir) });
  expect(lambdaOf(built, 'staging-us-east-1').environment.variables.ETL_VERSION).toBe('0.0.1');
  expect(lambdaOf(built, 'dev-us-east-1').environment.variables.ETL_VERSION).toBe(version);
});

test('a zip that does not match its manifest is refused', () => {
  const dir = etlDir('1.0.0', ['1.0.0']);
  writeFileSync(path.join(dir, 'dist', 'analytics-etl-1.0.0.zip'), 'not the zip');
  expect(() => loadEtlArtifact(path.join(dir, 'dist'), '1.0.0')).toThrow(/sha256 [0-9a-f]{64} differs from .*manifest\.json; run `npm run build -w etl`/);
});

test('source_code_hash is the base64 sha256 of the zip (what Lambda reports as CodeSha256)', () => {
  const artifact = loadEtlArtifact(path.join(realEtl, 'dist'), version);
  expect(artifact.base64Sha256).toBe(createHash('sha256').update(realZip()).digest('base64'));
});
