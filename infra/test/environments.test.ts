import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../src/config/errors';
import { loadEnvironments, selectEnvironments } from '../src/config/loadEnvironments';
import { devDefinition, writeEnvironments, type Definition } from './support/environmentFixtures';

const repoRoot = path.join(__dirname, '../..');

/** Loads one mutated copy of dev and returns the problems it reports. */
function problemsOf(mutate: (d: Definition) => void, extra: Record<string, Definition> = {}): string[] {
  const definition = devDefinition();
  mutate(definition);
  const dir = writeEnvironments({ dev: definition, ...extra });
  try {
    loadEnvironments(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    return [...(error as EnvironmentError).problems];
  }
  throw new Error('expected the definition to be rejected');
}

const file = expect.stringMatching(/dev\/environment\.json: /);

test('the shipped environments are valid and distinct', () => {
  const envs = loadEnvironments(path.join(repoRoot, 'environments'));
  expect(envs.map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
  expect(envs.find((e) => e.name === 'dev')!.ephemeral).toBe(true);
  expect(envs.find((e) => e.name === 'prod')!.regions.map((r) => [r.name, r.cidr])).toEqual([
    ['us-east-1', '10.0.0.0/16'],
    ['eu-west-1', '10.1.0.0/16'],
    ['ap-southeast-1', '10.2.0.0/16'],
  ]);
});

test.each<[string, (d: Definition) => void, RegExp]>([
  ['unknown field', (d) => (d.colour = 'blue'), /dev\/environment\.json: colour: unknown field; allowed fields here: .*suffix.*regions/],
  ['unknown nested field', (d) => (d.regions[0].zones = []), /regions\[0\]\.zones: unknown field; allowed fields here: name, cidr, availabilityZones/],
  ['missing field', (d) => delete d.account, /: account: missing required field \(expected string\)/],
  ['missing nested field', (d) => delete d.alarms.queueDepth, /: alarms\.queueDepth: missing required field/],
  ['wrong type', (d) => (d.ephemeral = 'yes'), /: ephemeral: must be a boolean, not string/],
  ['suffix with forbidden characters', (d) => (d.suffix = 'Dev_1'), /: suffix: may hold only lowercase letters, digits and hyphens/],
  ['suffix ending with a hyphen', (d) => (d.suffix = 'dev-'), /: suffix: may hold only lowercase letters/],
  [
    'suffix too long for the bucket name',
    (d) => (d.suffix = 'a'.repeat(32)),
    /: suffix: makes the S3 bucket name "analytics-bucket-ap-southeast-1-a{32}" 64 characters long, over AWS's limit of 63; use a suffix of at most 31 characters/,
  ],
  ['unknown region', (d) => (d.regions[1].name = 'eu-west-9'), /: regions\[1\]\.name: unknown region "eu-west-9"; known regions: us-east-1, /],
  ['duplicate region', (d) => (d.regions[2] = { ...d.regions[0], cidr: '10.29.0.0/16' }), /: regions\[2\]\.name: "us-east-1" is already defined at regions\[0\]/],
  ['AZ not in its region', (d) => (d.regions[1].availabilityZones = ['eu-west-1a', 'us-east-1b']), /: regions\[1\]\.availabilityZones\[1\]: "us-east-1b" is not an availability zone of eu-west-1; use one of eu-west-1a, eu-west-1b, eu-west-1c/],
  ['AZ listed twice', (d) => (d.regions[0].availabilityZones = ['us-east-1a', 'us-east-1a']), /availabilityZones\[1\]: "us-east-1a" is listed twice/],
  ['fewer than 2 AZs', (d) => (d.regions[0].availabilityZones = ['us-east-1a']), /: regions\[0\]\.availabilityZones: needs at least 2 availability zones/],
  ['malformed CIDR', (d) => (d.regions[0].cidr = '10.0.0/16'), /: regions\[0\]\.cidr: "10\.0\.0\/16" is not an IPv4 CIDR block; write it as a\.b\.c\.d\/n/],
  ['CIDR with host bits', (d) => (d.regions[0].cidr = '10.20.5.0/16'), /: regions\[0\]\.cidr: "10\.20\.5\.0\/16" has host bits set; the block starting there is 10\.20\.0\.0\/16/],
  ['CIDR too large for a VPC', (d) => (d.regions[0].cidr = '10.0.0.0/8'), /: regions\[0\]\.cidr: "10\.0\.0\.0\/8" has prefix \/8; a VPC needs \/16 to \/24/],
  ['public CIDR', (d) => (d.regions[0].cidr = '8.8.0.0/16'), /is not a private \(RFC 1918\) range/],
  ['overlapping CIDRs in one environment', (d) => (d.regions[1].cidr = '10.20.128.0/17'), /: regions\[1\]\.cidr: "10\.20\.128\.0\/17" overlaps regions\[0\]\.cidr "10\.20\.0\.0\/16"/],
  ['max concurrency above reserved', (d) => (d.etl.maxConcurrency = 5), /: etl\.maxConcurrency: 5 exceeds reservedConcurrency 2/],
  ['role in another account', (d) => (d.roles.deploy = 'arn:aws:iam::210987654321:role/x'), /: roles\.deploy: is in account 210987654321 but the environment's account is 123456789012/],
  ['ETL memory below Lambda\'s minimum', (d) => (d.etl.memoryMb = 64), /: etl\.memoryMb: must be at least 128 \(MB, Lambda's minimum\)/],
  ['ETL memory above Lambda\'s maximum', (d) => (d.etl.memoryMb = 16_384), /: etl\.memoryMb: must be at most 10240/],
  ['bad ETL version pin', (d) => (d.etl.version = 'latest'), /: etl\.version: must be a semantic version/],
])('%s', (_label, mutate, message) => {
  const problems = problemsOf(mutate);
  expect(problems).toContainEqual(expect.stringMatching(message));
  expect(problems.every((p) => file.asymmetricMatch(p))).toBe(true);
});

test('duplicate suffix across environments names both files', () => {
  const other = devDefinition();
  other.regions.forEach((r: Definition, i: number) => (r.cidr = `10.${30 + i}.0.0/16`));
  const problems = problemsOf(() => undefined, { other });
  expect(problems).toEqual([expect.stringMatching(/other\/environment\.json: suffix: "dev" is already used by .*dev\/environment\.json/)]);
});

test('overlapping CIDRs across environments name both files', () => {
  const other: Definition = { ...devDefinition(), suffix: 'other' };
  other.regions[0].cidr = '10.20.0.0/20';
  other.regions[1].cidr = '10.40.0.0/16';
  other.regions[2].cidr = '10.41.0.0/16';
  const problems = problemsOf(() => undefined, { other });
  expect(problems).toEqual([
    expect.stringMatching(/other\/environment\.json: regions\[0\]\.cidr: "10\.20\.0\.0\/20" overlaps .*dev\/environment\.json regions\[0\]\.cidr "10\.20\.0\.0\/16"/),
  ]);
});

/** A non-ephemeral copy of dev with its own suffix and VPC blocks. */
function deployable(suffix: string, block: number, deployAfter?: string): Definition {
  const definition: Definition = { ...devDefinition(), suffix, ephemeral: false, ...(deployAfter ? { deployAfter } : {}) };
  definition.regions.forEach((r: Definition, i: number) => (r.cidr = `10.${block + i}.0.0/16`));
  return definition;
}

test('deployAfter names another non-ephemeral environment', () => {
  const dir = writeEnvironments({ first: deployable('first', 40), second: deployable('second', 50, 'first') });
  expect(loadEnvironments(dir).find((e) => e.name === 'second')!.deployAfter).toBe('first');
});

test.each<[string, Record<string, Definition>, RegExp]>([
  ['an unknown environment', { a: deployable('a', 40, 'nope') }, /a\/environment\.json: deployAfter: "nope": must name another non-ephemeral environment \(b\)/],
  ['itself', { a: deployable('a', 40, 'a') }, /a\/environment\.json: deployAfter: "a": must name another non-ephemeral environment/],
  ['an ephemeral environment', { a: deployable('a', 40, 'dev') }, /deployAfter: "dev": must name another non-ephemeral environment/],
  ['a loop', { a: deployable('a', 40, 'b'), b: deployable('b', 50, 'a') }, /deployAfter: "b": the deploy order loops \(a -> b -> a\)/],
])('deployAfter naming %s is rejected', (_what, environments, message) => {
  const dir = writeEnvironments({ dev: devDefinition(), b: deployable('b', 50), ...environments });
  expect(() => loadEnvironments(dir)).toThrow(message);
});

test('an ephemeral environment cannot take part in the merge deploy order', () => {
  const problems = problemsOf((d) => (d.deployAfter = 'other'), { other: deployable('other', 40) });
  expect(problems).toEqual([expect.stringMatching(/dev\/environment\.json: deployAfter: "other": an ephemeral environment is deployed from the Actions tab/)]);
});

test('invalid JSON and a folder without a definition are reported with their paths', () => {
  const dir = writeEnvironments({ broken: '{ "suffix": ' });
  mkdirSync(path.join(dir, 'empty'));
  expect(() => loadEnvironments(dir)).toThrow(/broken\/environment\.json: not valid JSON[\s\S]*empty: no environment\.json/);
});

test('--env with an unknown name lists the defined ones', () => {
  const envs = loadEnvironments(path.join(repoRoot, 'environments'));
  expect(() => selectEnvironments(envs, ['qa'])).toThrow('--env qa: no such environment; defined: dev, prod, staging');
});

describe('synth CLI', () => {
  const synthCli = (environmentsDir: string, outdir: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'infra/main.ts', '--environments', environmentsDir, '--out', outdir], { cwd: repoRoot, encoding: 'utf8' });

  test('a bad definition stops synth before anything is written', () => {
    const bad = devDefinition();
    bad.regions[0].availabilityZones = ['us-east-1a'];
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'synth-')), 'cdktf.out');
    const result = synthCli(writeEnvironments({ dev: bad }), outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/dev\/environment\.json: regions\[0\]\.availabilityZones: needs at least 2 availability zones/);
    expect(existsSync(outdir)).toBe(false);
  });

  test('a good definition writes one stack per region', () => {
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'synth-')), 'cdktf.out');
    const result = synthCli(writeEnvironments({ dev: devDefinition() }), outdir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-1']) {
      expect(existsSync(path.join(outdir, 'stacks', `dev-${region}`, 'cdk.tf.json'))).toBe(true);
    }
  });
});

test('a fractional number where a whole one is needed', () => {
  expect(problemsOf((d) => (d.etl.batchSize = 2.5))).toEqual([expect.stringMatching(/: etl\.batchSize: must be a whole number, not 2\.5/)]);
});
