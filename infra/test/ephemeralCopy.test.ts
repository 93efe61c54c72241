/** On-demand copies of a template: what a copy is made of, and what is refused before anything is synthesized. */
import { Testing } from 'cdktf';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app';
import { EnvironmentError } from '../src/config/errors';
import { copyEnvironment, copyRecordKey, copyStateKey, creatorOf, expiresAt, MAX_TTL_HOURS, type CopyRecord } from '../src/config/ephemeralCopy';
import { loadEnvironments } from '../src/config/loadEnvironments';
import { devDefinition, writeEnvironments } from './support/environmentFixtures';
import { synthRun } from './support/synthRun';

const repoRoot = path.join(__dirname, '../..');
const environments = loadEnvironments(path.join(repoRoot, 'environments'));
const alice: CopyRecord = { template: 'dev', suffix: 'eph-alice', expiresAt: '2026-12-04T18:00:00Z', createdBy: 'alice' };

/** The problems copyEnvironment reports for `record`. */
function refusal(record: CopyRecord): string[] {
  try {
    copyEnvironment(environments, record);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    return [...(error as EnvironmentError).problems];
  }
  throw new Error(`expected ${record.suffix} to be refused`);
}

test("a copy is its template's definition under its own suffix and name, deployed by the copies' role", () => {
  const dev = environments.find((env) => env.name === 'dev')!;
  const copy = copyEnvironment(environments, alice);
  expect(copy).toMatchObject({ name: 'eph-alice', suffix: 'eph-alice', ephemeral: true, file: dev.file, copy: alice });
  expect(copy.roles).toEqual({ deploy: 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies', plan: dev.roles.plan });
  // the same account, regions, CIDRs (a copy's VPCs are its own, never peered), settings and state bucket
  expect({ ...copy, name: dev.name, suffix: dev.suffix, roles: dev.roles, copy: undefined }).toEqual({ ...dev, copy: undefined });
});

test('state and record keys of a copy are under the ephemeral prefix, one state per region', () => {
  expect(copyStateKey('eph-alice', 'eu-west-1')).toBe('analytics/ephemeral/eph-alice/eu-west-1.tfstate');
  expect(copyRecordKey('eph-alice')).toBe('analytics/ephemeral/eph-alice/copy.json');
});

test.each<[string, Partial<CopyRecord>, RegExp]>([
  ['a suffix without the prefix', { suffix: 'alice' }, /copy alice: suffix: must start with "eph-", the prefix of on-demand copies/],
  ['a protected suffix', { suffix: 'prod' }, /copy prod: suffix: must start with "eph-"/],
  ['a template that is not ephemeral', { template: 'prod' }, /template: environments\/prod\/environment\.json is not ephemeral: true; copies are made from ephemeral environments only \(templates \(ephemeral environments\): dev\)/],
  ['an unknown template', { template: 'qa' }, /template: no environment "qa"; templates \(ephemeral environments\): dev/],
  ['characters no bucket name takes', { suffix: 'eph-Alice_1' }, /copy eph-Alice_1 of environments\/dev\/environment\.json: suffix: may hold only lowercase letters, digits and hyphens/],
  [
    'a suffix too long for a region of the template',
    { suffix: `eph-${'a'.repeat(28)}` },
    /suffix: makes the S3 bucket name "analytics-bucket-ap-southeast-1-eph-a{28}" 64 characters long, over AWS's limit of 63; use a suffix of at most 31 characters \(the most that fits in all of us-east-1, eu-west-1, ap-southeast-1\)/,
  ],
  ["a suffix ending in a folder's suffix, whose deploy role would reach the copy", { suffix: 'eph-x-prod' }, /copy eph-x-prod: suffix: "eph-x-prod" ends with "-prod", so prod's deploy role \(environments\/prod\/environment\.json\) would reach the copy's resources; choose a suffix that does not/],
  ['an expiry that is not UTC', { expiresAt: '2026-12-04T18:00:00+01:00' }, /expiresAt: must be a UTC time such as "2026-12-04T18:00:00Z"/],
  ['an actor that is no GitHub login', { createdBy: 'alice smith' }, /createdBy: must be a GitHub login/],
  ["an app's login as GitHub spells it (no tag value takes brackets)", { createdBy: 'renovate[bot]' }, /createdBy: must be a GitHub login \(an app's "name\[bot\]" written "name@bot": tag values take no brackets\)/],
])('refused: %s', (_what, change, message) => {
  expect(refusal({ ...alice, ...change })).toEqual([expect.stringMatching(message)]);
});

test("an app's login becomes a tag value: renovate[bot] → renovate@bot; a person's stays", () => {
  expect(creatorOf('renovate[bot]')).toBe('renovate@bot');
  expect(creatorOf('octo-cat')).toBe('octo-cat');
  expect(copyEnvironment(environments, { ...alice, createdBy: creatorOf('renovate[bot]') }).copy!.createdBy).toBe('renovate@bot');
});

test('the longest suffix that fits every region of the template is taken', () => {
  expect(copyEnvironment(environments, { ...alice, suffix: `eph-${'a'.repeat(27)}` }).suffix).toHaveLength(31);
});

test.each([
  ['eph-dev', 'starts with the prefix'],
  ['team-eph-x', 'holds -eph- inside'],
])('an environment folder may not use the suffix %s (%s)', (suffix) => {
  const dir = writeEnvironments({ dev: { ...devDefinition(), suffix } });
  expect(() => loadEnvironments(dir)).toThrow(
    new RegExp(`dev/environment\\.json: suffix: "${suffix}" holds "eph-", the prefix reserved for on-demand copies \\(their deploy role may manage every name that has it\\); choose another suffix`),
  );
});

test.each(['eph-team', 'ephemeral'])('an environment folder may not be named %s (copies use those stack names and state keys)', (name) => {
  const dir = writeEnvironments({ [name]: { ...devDefinition(), suffix: 'team' } });
  expect(() => loadEnvironments(dir)).toThrow(new RegExp(`${name}: folder name "${name}" is reserved for on-demand copies`));
});

test('expiresAt: whole hours from 1 to a week, to the second in UTC', () => {
  const now = new Date('2026-12-03T18:19:04.731Z');
  expect(expiresAt(now, 24)).toBe('2026-12-04T18:19:04Z');
  expect(expiresAt(now, MAX_TTL_HOURS)).toBe('2026-12-10T18:19:04Z');
  for (const ttl of [0, MAX_TTL_HOURS + 1, 1.5, Number.NaN]) expect(() => expiresAt(now, ttl)).toThrow(/ttl-hours: ".*" must be a whole number of hours from 1 to 168/);
});

describe('synthesized copy', () => {
  const copy: CopyRecord = { ...alice, pullRequest: 42 };
  const { stacks } = buildApp({ copy, environmentsDir: path.join(repoRoot, 'environments'), target: { kind: 'aws' } });
  const stack = (region: string) => JSON.parse(Testing.synth(stacks.find((s) => s.node.id === `eph-alice-${region}`)!)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  test("one stack per region of the template, named for the copy's suffix", () => {
    expect(stacks.map((s) => s.node.id)).toEqual(['eph-alice-us-east-1', 'eph-alice-eu-west-1', 'eph-alice-ap-southeast-1']);
  });

  test("every resource carries the copy's tags; its state is under the ephemeral prefix of the template's bucket", () => {
    const synthesized = stack('eu-west-1');
    expect(synthesized.provider.aws[0].default_tags[0].tags).toMatchObject({
      Environment: 'eph-alice',
      Suffix: 'eph-alice',
      Template: 'dev',
      ExpiresAt: '2026-12-04T18:00:00Z',
      CreatedBy: 'alice',
      PullRequest: '42',
      Application: 'analytics-platform',
    });
    expect(synthesized.terraform.backend.s3).toMatchObject({
      bucket: 'analytics-tfstate-123456789012',
      key: 'analytics/ephemeral/eph-alice/eu-west-1.tfstate',
      region: 'us-east-1',
      // terraform lists the workspace prefix at init: kept where the copies' role may list
      workspace_key_prefix: 'analytics/ephemeral',
    });
    expect(Object.values(synthesized.resource.aws_s3_bucket)).toEqual([expect.objectContaining({
      bucket: 'analytics-bucket-eu-west-1-eph-alice',
      force_destroy: true,
    })]);
  });

  test("on an emulator a copy's state is still in the state bucket, the emulator's, so the reaper finds it", () => {
    const target = { kind: 'emulator', endpoint: 'http://127.0.0.1:5999', runsLambda: false, evaluatesPolicyConditions: false } as const;
    const built = buildApp({ copy, environmentsDir: path.join(repoRoot, 'environments'), target });
    const backend = (JSON.parse(Testing.synth(built.stacks[0]!)) as { terraform: { backend: Record<string, Record<string, unknown>> } }).terraform.backend;
    expect(Object.keys(backend)).toEqual(['s3']);
    expect(backend.s3).toMatchObject({ key: 'analytics/ephemeral/eph-alice/us-east-1.tfstate', endpoints: { s3: 'http://127.0.0.1:5999' }, use_path_style: true, access_key: 'test' });
  });
});

describe('npm run synth -- --copy', () => {
  const record = (content: unknown) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'copy-record-')), 'copy.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  test('a bad record is named by file and field, exit 1, nothing synthesized', () => {
    const file = record({ ...alice, suffix: 'alice', colour: 'blue' });
    const out = path.join(path.dirname(file), 'out');
    const run = synthRun(['--copy', file, '--out', out]);
    expect(run.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(run.stderr).toContain(`${file}: suffix: must start with "eph-"`);
    expect(run.stderr).toContain(`${file}: colour: unknown field; allowed fields here: template, suffix, expiresAt, createdBy, pullRequest`);
  });

  test('--copy with --env or --bootstrap is a flag mistake, exit 2', () => {
    const file = record(alice);
    for (const other of [['--env', 'dev'], ['--bootstrap']]) {
      const run = synthRun(['--copy', file, ...other]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^error: --copy ${file}: synthesizes that copy alone; leave out ${other[0]}\\n`));
    }
  });
});
