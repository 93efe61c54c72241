/** The ETL zip in a synth: one copy in <outdir>/assets that every stack's `filename` reaches from its own directory. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synth } from '../src/app';
import { resolveEtlArtifact } from '../src/config/etlArtifact';
import type { Environment } from '../src/config/loadEnvironments';
import { stackName } from '../src/stacks/stackNames';
import { testEtlDir } from './support/testEtl';

const etlDir = testEtlDir();
let outdir: string;
let environments: readonly Environment[];
let stackDirs: string[];

beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'shared-file-'));
  environments = synth({ outdir, etlDir }).environments;
  stackDirs = environments.flatMap((env) => env.regions.map((region) => path.join(outdir, 'stacks', stackName(env.name, region.name))));
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Every file under `dir` with its size. */
function files(dir: string): { file: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, bytes: statSync(file).size }));
}

/** A zip's bytes and sha256, read once per file: the stacks share a few 24 MB zips. */
const zips = new Map<string, { bytes: Buffer; sha256: string }>();
function zipAt(file: string): { bytes: Buffer; sha256: string } {
  if (!zips.has(file)) {
    const bytes = readFileSync(file);
    zips.set(file, { bytes, sha256: createHash('sha256').update(bytes).digest('base64') });
  }
  return zips.get(file)!;
}

function lambdaOf(stackDir: string): { filename: string; source_code_hash: string } {
  const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: { aws_lambda_function: Record<string, { filename: string; source_code_hash: string }> } };
  return Object.values(json.resource.aws_lambda_function)[0]!;
}

test('each stack reaches the zip its environment deploys from its own directory, with that zip\'s source_code_hash', () => {
  expect(stackDirs).toHaveLength(9);
  for (const env of environments) {
    const artifact = resolveEtlArtifact(etlDir, env.etl.version === undefined ? undefined : { version: env.etl.version, file: env.file });
    for (const region of env.regions) {
      const stackDir = path.join(outdir, 'stacks', stackName(env.name, region.name));
      const { filename, source_code_hash } = lambdaOf(stackDir);
      expect(filename).toMatch(/^\.\.\/\.\.\/assets\/etl-[0-9a-f]{16}\/analytics-etl-\d+\.\d+\.\d+\.zip$/);
      const zip = zipAt(path.resolve(stackDir, filename));
      expect(zip.bytes.equals(zipAt(artifact.zipPath).bytes)).toBe(true);
      expect(source_code_hash).toBe(zip.sha256);
    }
  }
});

test('one copy per zip in the whole output, none in the stack directories', () => {
  const zips = files(outdir).filter(({ file }) => file.endsWith('.zip'));
  const referenced = new Set(stackDirs.map((dir) => path.resolve(dir, lambdaOf(dir).filename)));
  expect(zips.map(({ file }) => file).sort()).toEqual([...referenced].sort());
  for (const dir of stackDirs) expect(files(dir).map(({ file }) => path.relative(dir, file))).toEqual(['cdk.tf.json']);
});

test('a synth into the same output writes the zip again (a damaged copy does not survive)', () => {
  const stackDir = stackDirs[0]!;
  const zipFile = path.resolve(stackDir, lambdaOf(stackDir).filename);
  const original = readFileSync(zipFile);
  writeFileSync(zipFile, 'damaged');
  synth({ outdir, etlDir, environments: [environments[0]!.name] });
  expect(readFileSync(zipFile).equals(original)).toBe(true);
});
