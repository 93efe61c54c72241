/**
 * The reaper's decisions on a registry in the emulator's S3: which copies a run destroys (expired at the injected
 * clock, or the one named, with the refusals), what a copy that cannot be destroyed leaves (its record and state, for
 * the next run) while the others go on, the summary, and the one issue per such copy (GitHub's issues API faked with
 * the fields of its recorded responses). Destroys of applied copies are integration/test/ephemeralCopies.test.ts.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { copyStateKey, type CopyRecord } from '../../infra/src/config/ephemeralCopy';
import { isExpired, renderCopies } from '../src/copyListing';
import { listCopies, putCopyRecord, type ListedCopy } from '../src/copyRegistry';
import { copiesToReap, reapCopies, type RecordedCopy } from '../src/reaper';
import { renderReap, syncCopyIssues } from '../src/reapReport';
import { runAsStep } from './support/actionsRun';
import { fakeIssuesApi } from './support/fakeIssues';
import { registryOnEmulator } from './support/registryOnEmulator';

const registry = { bucket: 'analytics-tfstate-reaper-test', region: 'us-east-1' };
const NOW = new Date('2026-12-04T12:00:00Z');
const record = (suffix: string, expiresAt: string, extra: Partial<CopyRecord> = {}): CopyRecord => ({ template: 'dev', suffix, expiresAt, createdBy: 'octocat', ...extra });

const suite = registryOnEmulator(registry);
const listed = async (suffix: string) => (await listCopies(registry)).find((copy) => copy.suffix === suffix);

describe('which copies a run destroys', () => {
  let copies: ListedCopy[];
  beforeAll(async () => {
    await putCopyRecord(registry, record('eph-old', '2026-12-04T11:00:00Z'));
    await putCopyRecord(registry, record('eph-due', '2026-12-04T12:00:00Z'));
    await putCopyRecord(registry, record('eph-young', '2026-12-04T13:00:00Z'));
    await suite.s3.send(new PutObjectCommand({ Bucket: registry.bucket, Key: copyStateKey('eph-stray', 'us-east-1'), Body: '{}' }));
    copies = await listCopies(registry);
  });

  test('the schedule: every copy whose expiry has come, none younger, none without a record', () => {
    expect(copiesToReap(copies, { expiredAt: NOW }).map((copy) => copy.suffix)).toEqual(['eph-due', 'eph-old']);
    expect(copiesToReap(copies, { expiredAt: new Date('2026-12-04T10:59:59Z') })).toEqual([]);
  });

  test('by suffix: that copy, expired or not, once the suffix is typed twice', () => {
    expect(copiesToReap(copies, { suffix: 'eph-young', confirm: 'eph-young' }).map((copy) => copy.record.expiresAt)).toEqual(['2026-12-04T13:00:00Z']);
    expect(() => copiesToReap(copies, { suffix: 'eph-young', confirm: 'eph-yuong' })).toThrow('refused: the confirmation "eph-yuong" does not repeat the suffix "eph-young"; type the suffix again to destroy it');
  });

  test.each([
    ['a folder environment (protected or not)', 'prod', /^refused: "prod" is not an on-demand copy \(their suffixes start with "eph-"\)/],
    ['a copy that does not exist', 'eph-never', /^refused: no copy eph-never in the state buckets of the templates: never deployed, or destroyed already \(npm run gitops -- copies lists them\)$/],
    ['state without a record', 'eph-stray', /^refused: eph-stray in s3:\/\/analytics-tfstate-reaper-test was not made from a template \(no copy\.json: .*\); destroy its resources by hand$/],
  ])('by suffix, refused: %s', (_what, suffix, message) => {
    expect(() => copiesToReap(copies, { suffix, confirm: suffix })).toThrow(message);
  });

  test('a closed pull request whose preview was reaped already (--gone-ok): nothing to do; still refused without the prefix or a record', () => {
    expect(copiesToReap(copies, { suffix: 'eph-never', confirm: 'eph-never', goneOk: true })).toEqual([]);
    expect(() => copiesToReap(copies, { suffix: 'prod', confirm: 'prod', goneOk: true })).toThrow(/^refused: "prod" is not an on-demand copy/);
    expect(() => copiesToReap(copies, { suffix: 'eph-stray', confirm: 'eph-stray', goneOk: true })).toThrow(/^refused: eph-stray in s3:\/\/.* was not made from a template/);
  });

  test('copies lists them all, the expired ones marked, the one without a record with its problem', () => {
    const table = renderCopies(copies, NOW);
    expect(table).toContain('4 copies, 2 expired (the reaper destroys those on its next run).');
    expect(table).toContain('| eph-old | dev | 2026-12-04T11:00:00Z :hourglass: **expired** | octocat |  | none | analytics-tfstate-reaper-test |');
    expect(table).toContain('| eph-young | dev | 2026-12-04T13:00:00Z | octocat |  | none | analytics-tfstate-reaper-test |');
    expect(table).toMatch(/\| eph-stray \| :warning: no copy\.json: .* \| us-east-1 \| analytics-tfstate-reaper-test \|/);
    expect(isExpired(record('eph-due', '2026-12-04T12:00:00Z'), NOW)).toBe(true);
  });
});

describe('a run where some copies cannot be destroyed', () => {
  let copies: RecordedCopy[];
  beforeAll(async () => {
    // its template was removed from environments/ since
    await putCopyRecord(registry, record('eph-orphaned', '2026-12-01T00:00:00Z', { template: 'qa' }));
    await suite.s3.send(new PutObjectCommand({ Bucket: registry.bucket, Key: copyStateKey('eph-orphaned', 'us-east-1'), Body: '{}' }));
    // state in a region the template no longer has (the suite.fixture's dev keeps us-east-1 only)
    await putCopyRecord(registry, record('eph-shrunk', '2026-12-01T00:00:00Z'));
    await suite.s3.send(new PutObjectCommand({ Bucket: registry.bucket, Key: copyStateKey('eph-shrunk', 'eu-west-1'), Body: '{}' }));
    // deploy wrote the record, then failed before any state: nothing to destroy, the record goes
    await putCopyRecord(registry, record('eph-unborn', '2026-12-01T00:00:00Z', { pullRequest: 7 }));
    copies = copiesToReap(await listCopies(registry), { expiredAt: new Date('2026-12-02T00:00:00Z') });
  });

  test('each failure is its copy\'s outcome, its record and state kept for the next run; the others are destroyed', async () => {
    expect(copies.map((copy) => copy.suffix)).toEqual(['eph-orphaned', 'eph-shrunk', 'eph-unborn']);
    const outcomes = await reapCopies(copies, { environmentsDir: suite.fixture, target: suite.emulator.target });
    expect(outcomes.map(({ copy, ...outcome }) => [copy.suffix, outcome])).toEqual([
      ['eph-orphaned', { status: 'failed', reason: 'Invalid environment definition:\n  - copy eph-orphaned: template: no environment "qa"; templates (ephemeral environments): dev', left: ['us-east-1'] }],
      ['eph-shrunk', { status: 'failed', reason: 'eu-west-1: has state, but template dev has no such region any more; destroy it by hand (or add the region back)', left: ['eu-west-1'] }],
      ['eph-unborn', { status: 'destroyed' }],
    ]);
    expect(await listed('eph-orphaned')).toMatchObject({ regions: ['us-east-1'], record: { template: 'qa' } });
    expect(await listed('eph-shrunk')).toMatchObject({ regions: ['eu-west-1'], record: { template: 'dev' } });
    expect(await listed('eph-unborn')).toBeUndefined();

    const summary = renderReap(outcomes, 'copies expired at 2026-12-02T00:00:00Z', 'https://github.com/example-org/analytics-platform/actions/runs/7');
    expect(summary).toContain('| eph-orphaned | qa | 2026-12-01T00:00:00Z | octocat | :x: failed (state left in us-east-1) |');
    expect(summary).toContain('| eph-unborn | dev | 2026-12-01T00:00:00Z | octocat | :white_check_mark: destroyed |');
    expect(summary).toContain('Why:\n\n**eph-orphaned**\n\n```\nInvalid environment definition:\n  - copy eph-orphaned: template: no environment "qa"');
  }, 60_000);

  test('a copy extended after the run listed it (a re-dispatch, a preview push) is left alone, its issue untouched', async () => {
    await putCopyRecord(registry, record('eph-extended', '2026-12-01T00:00:00Z'));
    await suite.s3.send(new PutObjectCommand({ Bucket: registry.bucket, Key: copyStateKey('eph-extended', 'us-east-1'), Body: '{}' }));
    const due = copiesToReap(await listCopies(registry), { expiredAt: new Date('2026-12-02T00:00:00Z') }).filter((copy) => copy.suffix === 'eph-extended');
    await putCopyRecord(registry, record('eph-extended', '2026-12-05T00:00:00Z'));
    const outcomes = await reapCopies(due, { environmentsDir: suite.fixture, target: suite.emulator.target, expiredAt: new Date('2026-12-02T00:00:00Z') });
    expect(outcomes.map(({ copy, ...outcome }) => [copy.suffix, outcome])).toEqual([['eph-extended', { status: 'extended', expiresAt: '2026-12-05T00:00:00Z' }]]);
    expect(await listed('eph-extended')).toMatchObject({ regions: ['us-east-1'], record: { expiresAt: '2026-12-05T00:00:00Z' } });
    expect(renderReap(outcomes, 'copies expired at 2026-12-02T00:00:00Z', undefined)).toContain('| eph-extended | dev | 2026-12-01T00:00:00Z | octocat | :fast_forward: extended to 2026-12-05T00:00:00Z meanwhile: left |');
  });

  test('one issue per copy that could not be destroyed: opened, updated by the next failure, closed once destroyed', async () => {
    const repository = { owner: 'example-org', repo: 'analytics-platform' };
    const { octokit, issues, labels } = fakeIssuesApi(repository.owner, repository.repo, [
      // someone else's issue with the label stays as it is
      { number: 1, title: 'Ephemeral copies cost', body: 'a question', state: 'open', labels: ['ephemeral-copy'], comments: [] },
    ]);
    const [orphaned, shrunk] = copies;
    const failed = (copy: RecordedCopy, reason: string) => ({ copy, status: 'failed' as const, reason, left: copy.regions });
    const run = (n: number) => `https://github.com/example-org/analytics-platform/actions/runs/${n}`;

    expect(await syncCopyIssues(octokit, repository, [failed(orphaned!, 'first reason'), failed(shrunk!, 'other reason')], run(1))).toEqual([
      'opened https://github.com/example-org/analytics-platform/issues/2',
      'opened https://github.com/example-org/analytics-platform/issues/3',
    ]);
    expect(labels).toEqual(['ephemeral-copy']);
    expect(issues[1]).toMatchObject({ title: 'Ephemeral copy eph-orphaned could not be destroyed', labels: ['ephemeral-copy'], state: 'open' });
    expect(issues[1]!.body).toMatch(/^The reaper could not destroy the on-demand copy \*\*eph-orphaned\*\* \(template qa, created by @octocat, expired 2026-12-01T00:00:00Z\)\.\n\nLast attempt: .*runs\/1\n\n```\nfirst reason\n```/);
    expect(issues[1]!.body).toContain('s3://analytics-tfstate-reaper-test/analytics/ephemeral/eph-orphaned/copy.json');

    expect(await syncCopyIssues(octokit, repository, [failed(orphaned!, 'second reason'), { copy: shrunk!, status: 'destroyed' }], run(2))).toEqual([
      'updated https://github.com/example-org/analytics-platform/issues/2',
      'closed https://github.com/example-org/analytics-platform/issues/3',
    ]);
    expect(issues.map((issue) => [issue.number, issue.state, issue.comments])).toEqual([
      [1, 'open', []],
      [2, 'open', []],
      [3, 'closed', [`Destroyed by ${run(2)}.`]],
    ]);
    expect(issues[1]!.body).toContain('second reason');
    expect(issues[0]!.body).toBe('a question');
  });
});

describe('the commands', () => {
  test('reap fails the step with every copy it could not destroy, after trying all; the summary says why', async () => {
    const run = await runAsStep(['reap', '--now', '2026-12-02T00:00:00Z', '--target', 'moto', '--environments', suite.fixture]);
    expect(run.code).toBe(1);
    expect(run.summary).toContain('## Reaper: copies expired at 2026-12-02T00:00:00Z');
    expect(run.summary).toMatch(/could not destroy eph-orphaned, eph-shrunk \(of 2\); see the job summary/);
  }, 60_000);

  test('reap refuses a folder environment, and a flag mistake is exit 2', async () => {
    expect(await runAsStep(['reap', '--suffix', 'dev', '--confirm', 'dev', '--environments', suite.fixture])).toMatchObject({ code: 1, summary: expect.stringContaining('refused: "dev" is not an on-demand copy') });
    expect(await runAsStep(['reap', '--now', 'tomorrow'])).toMatchObject({ code: 2, summary: expect.stringContaining('--now tomorrow: not an ISO 8601 time such as 2026-12-04T18:00:00Z') });
    expect(await runAsStep(['reap', '--suffix', 'eph-x', '--confirm', 'eph-x', '--now', '2026-12-02T00:00:00Z'])).toMatchObject({ code: 2 });
    expect(await runAsStep(['reap', '--confirm', 'eph-x'])).toMatchObject({ code: 2, summary: expect.stringContaining('--confirm: repeats --suffix') });
  });

  test("--template and --account keep to the templates one job's role reaches; a filter that matches none is a flag mistake", async () => {
    const dev = await runAsStep(['copies', '--template', 'dev', '--account', '123456789012', '--environments', suite.fixture]);
    expect(dev.summary).toContain('| eph-young | dev |');
    // eph-orphaned's template qa is not dev; a suffix without a record stays in view
    expect(dev.summary).not.toContain('eph-orphaned');
    expect(dev.summary).toContain('| eph-stray | :warning:');
    expect(await runAsStep(['copies', '--account', '210987654321', '--environments', suite.fixture])).toMatchObject({
      code: 2,
      summary: expect.stringContaining('--account 210987654321: no template (ephemeral environment) in that account; templates: dev (account 123456789012)'),
    });
    expect(await runAsStep(['reap', '--template', 'prod', '--environments', suite.fixture])).toMatchObject({
      code: 2,
      summary: expect.stringContaining('--template prod: no such template; templates (ephemeral environments): dev (account 123456789012)'),
    });
  });

  test('copies puts the table in the job summary', async () => {
    const run = await runAsStep(['copies', '--now', '2026-12-04T12:00:00Z', '--environments', suite.fixture]);
    expect(run.code).toBe(0);
    expect(run.summary).toMatch(/^## On-demand copies at 2026-12-04T12:00:00Z\n\n\d+ copies, \d+ expired/);
    expect(run.summary).toContain('| eph-young | dev | 2026-12-04T13:00:00Z | octocat |');
  });
});
