import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyRecordSchema } from '../../infra/src/config/ephemeralCopy';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { devDefinition, writeEnvironments } from '../../infra/test/support/environmentFixtures';
import { requestCopy, templateFor } from '../src/copyRequest';
import { runAsStep } from './support/actionsRun';

const shipped = loadEnvironments(path.join(__dirname, '../../environments'));
const NOW = new Date('2026-12-03T18:30:15.250Z');
const request = { suffix: 'eph-alarm', ttlHours: 24, actor: 'octocat', now: NOW };

describe('requestCopy', () => {
  test('a copy of the only template: its record, named for the suffix, with the copies\' deploy role', () => {
    const copy = requestCopy(shipped, { ...request, pullRequest: 42 });
    expect(copy.record).toEqual({ template: 'dev', suffix: 'eph-alarm', expiresAt: '2026-12-04T18:30:15Z', createdBy: 'octocat', pullRequest: 42 });
    expect(copy.template.name).toBe('dev');
    expect(copy.environment).toMatchObject({ name: 'eph-alarm', suffix: 'eph-alarm', account: '123456789012' });
    expect(copy.environment.roles.deploy).toBe('arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies');
  });

  test.each([
    ['prod', /^refused: "prod" is the suffix of environments\/prod\/environment\.json, a protected environment; a copy never takes an environment's suffix/],
    ['staging', /"staging" is the suffix of environments\/staging\/environment\.json, a protected environment/],
    ['dev', /"dev" is the suffix of environments\/dev\/environment\.json, an environment folder: deploy it by that suffix, or make a copy under a suffix of your own, e.g\. "eph-dev1"/],
    ['eph-pr-7', /^refused: "eph-pr-…" suffixes are pull-request previews \(closing the pull request destroys them\); choose another, e\.g\. "eph-7"$/],
    ['alarm', /^refused: suffix "alarm" lacks the copies' prefix "eph-"; use "eph-alarm"$/],
    ['Eph-alarm', /lacks the copies' prefix "eph-"; use "eph-Eph-alarm"/],
  ])('suffix "%s" is refused', (suffix, message) => {
    expect(() => requestCopy(shipped, { ...request, suffix })).toThrow(message);
  });

  test("a preview's suffix is its pull request's own: eph-pr-42 for #42 only", () => {
    expect(requestCopy(shipped, { ...request, suffix: 'eph-pr-42', pullRequest: 42 }).record.suffix).toBe('eph-pr-42');
    expect(() => requestCopy(shipped, { ...request, suffix: 'eph-pr-42', pullRequest: 41 })).toThrow(/"eph-pr-…" suffixes are pull-request previews/);
  });

  test('a suffix that breaks the naming rules is refused by the schema, naming the field', () => {
    expect(() => requestCopy(shipped, { ...request, suffix: 'eph-UPPER' })).toThrow(/copy eph-UPPER of environments\/dev\/environment\.json: suffix/);
    expect(() => requestCopy(shipped, { ...request, suffix: `eph-${'x'.repeat(40)}` })).toThrow(/suffix/);
  });

  test('templates: only ephemeral environments; several need --template', () => {
    expect(() => requestCopy(shipped, { ...request, template: 'prod' })).toThrow(/^refused: template "prod": environments\/prod\/environment\.json is not ephemeral: true \(protected; never copied\); templates \(ephemeral environments\): dev/);
    expect(() => templateFor(shipped, 'qa')).toThrow(/template "qa": no environment "qa"; templates \(ephemeral environments\): dev \(environments\/dev\/environment\.json\)/);
    const two = loadEnvironments(writeEnvironments({ dev: devDefinition(), demo: { ...devDefinition(), suffix: 'demo', regions: [{ name: 'us-east-1', cidr: '10.40.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] }] } }));
    expect(() => templateFor(two, undefined)).toThrow(/several templates \(ephemeral environments\): demo .*, dev .*; name one with --template/);
    expect(requestCopy(two, { ...request, template: 'demo' }).environment.regions.map((r) => r.name)).toEqual(['us-east-1']);
    const none = loadEnvironments(writeEnvironments({ prod: { ...devDefinition(), ephemeral: false } }));
    expect(() => templateFor(none, undefined)).toThrow(/no environment is ephemeral: true, so there is no template to copy/);
  });

  test('an actor that is not a GitHub login is refused (it becomes a tag value)', () => {
    expect(() => requestCopy(shipped, { ...request, actor: 'a b' })).toThrow(/createdBy: must be a GitHub login/);
  });
});

describe('gitops copy (as a workflow step)', () => {
  const out = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'copy-')), 'copy.json');

  test('writes the record synth --copy reads, outputs the template environment, suffix, matrix and expiry; the summary says how long it lives', async () => {
    const file = out();
    const before = Date.now();
    const run = await runAsStep(['copy', '--suffix', 'eph-alarm', '--actor', 'octocat', '--ttl-hours', '48', '--out', file]);
    expect(run.code).toBe(0);
    const record = copyRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(record).toMatchObject({ template: 'dev', suffix: 'eph-alarm', createdBy: 'octocat' });
    const expires = Date.parse(record.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 48 * 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 48 * 3_600_000);
    expect(run.outputs).toMatchObject({ environment: 'dev', suffix: 'eph-alarm', 'expires-at': record.expiresAt });
    expect(JSON.parse(run.outputs.matrix!).include.map((e: { stack: string; deployRole: string; environment: string }) => [e.stack, e.environment, e.deployRole])).toEqual(
      ['us-east-1', 'eu-west-1', 'ap-southeast-1'].map((region) => [`eph-alarm-${region}`, 'eph-alarm', 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies']),
    );
    expect(run.summary).toContain(`**Expires** ${record.expiresAt}`);
    expect(run.summary).toMatch(/\*\*Extend\*\*: run \*\*deploy-ephemeral\*\* again with the same suffix and a new `ttl-hours`/);
    expect(run.summary).toMatch(/\*\*Destroy now\*\*: run \*\*destroy\*\* with the suffix typed twice/);
  });

  test('the default lifetime is 24 hours; a pull request number goes into the record', async () => {
    const file = out();
    const run = await runAsStep(['copy', '--suffix', 'eph-pr-7', '--actor', 'octocat', '--pull-request', '7', '--out', file]);
    expect(run.code).toBe(0);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { expiresAt: string; pullRequest: number };
    expect(record.pullRequest).toBe(7);
    expect(Math.round((Date.parse(record.expiresAt) - Date.now()) / 3_600_000)).toBe(24);
  });

  test('a copy deployed without the integration suite says so in the run summary', async () => {
    const run = await runAsStep(['copy', '--suffix', 'eph-alarm', '--actor', 'octocat', '--out', out(), '--skip-integration', 'true']);
    expect(run.code).toBe(0);
    expect(run.summary).toContain('The integration suite was **skipped** on request (input `skip-integration`)');
  });

  test.each([
    [['--skip-integration', 'yes'], /--skip-integration yes: use true or false/],
    [['--ttl-hours', '169'], /--ttl-hours 169: a whole number of hours from 1 to 168 \(a week\)/],
    [['--ttl-hours', '0'], /--ttl-hours 0: a whole number of hours/],
    [['--ttl-hours', '1.5'], /--ttl-hours 1\.5: a whole number of hours/],
    [['--pull-request', 'abc'], /--pull-request abc: a pull request number such as 42/],
  ])('a bad %j is a usage error: exit 2, one line and the usage, nothing written', async (flags, message) => {
    const file = out();
    const run = await runAsStep(['copy', '--suffix', 'eph-alarm', '--actor', 'octocat', '--out', file, ...flags]);
    expect(run).toMatchObject({ code: 2, outputs: {} });
    expect(run.summary).toMatch(message);
    expect(run.summary).toContain('usage: npm run gitops -- copy');
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  test('a refusal fails the step with the reason in the summary and writes no record', async () => {
    const file = out();
    const run = await runAsStep(['copy', '--suffix', 'prod', '--actor', 'octocat', '--out', file]);
    expect(run).toMatchObject({ code: 1, outputs: {} });
    expect(run.summary).toMatch(/`gitops copy` failed[\s\S]*"prod" is the suffix of environments\/prod\/environment\.json, a protected environment/);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});
