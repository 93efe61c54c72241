import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError, FlagError } from '../src/config/errors';
import { loadEnvironments, selectEnvironments } from '../src/config/loadEnvironments';
import { devDefinition, writeEnvironments, type Definition } from './support/environmentFixtures';
import { synthRun } from './support/synthRun';

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
  [
    'largest file too large for the /tmp Lambda gives',
    (d) => (d.etl.maxObjectMb = 1200),
    /: etl\.maxObjectMb: 1200 MiB with parallelRecords 3 needs 11824 MiB of \/tmp, more than Lambda's 10240: lower maxObjectMb or parallelRecords/,
  ],
  ['more files at a time than a batch holds', (d) => (d.etl.parallelRecords = 11), /: etl\.parallelRecords: must be at most 10 \(files at a time\)/],
])('%s', (_label, mutate, message) => {
  const problems = problemsOf(mutate);
  expect(problems).toContainEqual(expect.stringMatching(message));
  expect(problems.every((p) => file.asymmetricMatch(p))).toBe(true);
});

test('a suffix too long for one of the regions gets the limit of all of them, in one message', () => {
  // us-east-1 alone would allow 36 characters; the bucket name in ap-southeast-1 allows 31
  const problems = problemsOf((d) => (d.suffix = 'a'.repeat(40))).filter((p) => p.includes(': suffix: '));
  expect(problems).toEqual([
    expect.stringMatching(/: suffix: makes the S3 bucket name "analytics-bucket-ap-southeast-1-a{40}" 72 characters long, over AWS's limit of 63; use a suffix of at most 31 characters \(the most that fits in all of us-east-1, eu-west-1, ap-southeast-1\)$/),
  ]);
});

test('a suffix that fits the first region but not a later one is refused with the later limit', () => {
  const problems = problemsOf((d) => (d.suffix = 'a'.repeat(33)));
  expect(problems).toEqual([expect.stringMatching(/: suffix: makes the S3 bucket name "analytics-bucket-ap-southeast-1-a{33}" .*use a suffix of at most 31 characters/)]);
});

test.each([
  ['the later folder', 'other'],
  ['the earlier folder', 'alpha'],
])('a suffix shared with %s names both files alike (which one was edited is unknown)', (_where, name) => {
  const copy = devDefinition();
  copy.regions.forEach((r: Definition, i: number) => (r.cidr = `10.${30 + i}.0.0/16`));
  const problems = problemsOf(() => undefined, { [name]: copy });
  const [first, second] = [name, 'dev'].sort();
  expect(problems).toEqual([
    expect.stringMatching(new RegExp(`${first}/environment\\.json, .*${second}/environment\\.json: suffix: "dev" is used by both; give each environment its own`)),
  ]);
});

test('three environments sharing a suffix: one message naming all three', () => {
  const copy = (block: number): Definition => {
    const definition = devDefinition();
    definition.regions.forEach((r: Definition, i: number) => (r.cidr = `10.${block + i}.0.0/16`));
    return definition;
  };
  expect(problemsOf(() => undefined, { b: copy(30), c: copy(40) })).toEqual([expect.stringMatching(/b\/environment\.json, .*c\/environment\.json, .*dev\/environment\.json: suffix: "dev" is used by all 3;/)]);
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
  expect(() => loadEnvironments(dir)).toThrow(/broken\/environment\.json:1:12: not valid JSON \(Unexpected end of JSON input\)[\s\S]*empty: no environment\.json/);
});

test.each([
  ['a value left out', '{\n  "suffix": "dev",\n  "ephemeral": ,\n  "account": "123456789012"\n}\n', "3:16: not valid JSON (Unexpected token ',')"],
  ['a missing comma', '{\n  "suffix": "dev"\n  "ephemeral": true\n}\n', "3:3: not valid JSON (Expected ',' or '}' after property value)"],
  ['a trailing comma, CRLF line ends', '{\r\n  "suffix": "dev",\r\n}\r\n', '3:1: not valid JSON (Expected double-quoted property name)'],
  ['text after the object', '{}\n}\n', '2:1: not valid JSON (Unexpected non-whitespace character after JSON)'],
])('invalid JSON (%s) is reported as file:line:column', (_what, text, where) => {
  const dir = writeEnvironments({ broken: text });
  expect(() => loadEnvironments(dir)).toThrow(`broken/environment.json:${where}`);
});

test('--env with an unknown name is a flag error listing the defined ones', () => {
  const envs = loadEnvironments(path.join(repoRoot, 'environments'));
  expect(() => selectEnvironments(envs, ['qa'])).toThrow(FlagError);
  expect(() => selectEnvironments(envs, ['qa'])).toThrow('--env qa: no such environment; defined: dev, prod, staging');
});

describe('synth CLI', () => {
  const synthCli = (environmentsDir: string, outdir: string) => synthRun(['--environments', environmentsDir, '--out', outdir]);

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
