import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkEtlVersion } from '../src/etlVersionCheck';
import { changedFiles, fileAt } from '../src/git';

describe('checkEtlVersion', () => {
  test.each<[string, string[], string | undefined, string, RegExp]>([
    ['no ETL change', ['README.md', 'infra/src/app.ts'], '1.0.0', '1.0.0', /no ETL source changes/],
    ['only tests and benchmarks', ['etl/test/handler.test.ts', 'etl/bench/etlBenchmark.ts', 'etl/test/fixtures/a.csv'], '1.0.0', '1.0.0', /no ETL source changes/],
    ['a source change with a bump', ['etl/src/handler.ts', 'etl/package.json'], '1.0.0', '1.1.0', /etl 1\.0\.0 -> 1\.1\.0/],
    ['a bump alone', ['etl/package.json'], '1.0.0', '1.0.1', /etl 1\.0\.0 -> 1\.0\.1/],
    ['a new package', ['etl/src/handler.ts'], undefined, '0.1.0', /first version/],
  ])('%s is fine', (_what, changedFiles, baseVersion, headVersion, message) => {
    expect(checkEtlVersion({ changedFiles, baseVersion, headVersion })).toEqual(expect.objectContaining({ ok: true, message: expect.stringMatching(message) }));
  });

  test.each<[string, string[], string, string, RegExp]>([
    ['a source change without a bump', ['etl/src/transform/readCsvRows.ts'], '1.0.0', '1.0.0', /ETL sources changed \(etl\/src\/transform\/readCsvRows\.ts\) but etl\/package\.json is still 1\.0\.0.*npm version patch -w etl/],
    ['a build script change without a bump', ['etl/scripts/bundle.ts'], '1.0.0', '1.0.0', /etl\/scripts\/bundle\.ts/],
    ['a dependency change without a bump', ['etl/package.json'], '1.0.0', '1.0.0', /ETL sources changed \(etl\/package\.json\)/],
    ['a downgrade', ['etl/src/handler.ts'], '1.2.0', '1.1.9', /version 1\.1\.9 is lower than 1\.2\.0/],
    ['a version that is not semver', ['etl/src/handler.ts'], '1.2.0', 'next', /"next" is not a semantic version/],
  ])('%s is refused', (_what, changedFiles, baseVersion, headVersion, message) => {
    const verdict = checkEtlVersion({ changedFiles, baseVersion, headVersion });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(message);
  });

  test('a long list of changed sources is abbreviated', () => {
    const files = Array.from({ length: 14 }, (_, i) => `etl/src/f${i}.ts`);
    expect(checkEtlVersion({ changedFiles: files, baseVersion: '1.0.0', headVersion: '1.0.0' }).message).toMatch(/f9\.ts, … \(14 files\)/);
  });
});

describe('git helpers on a real repository', () => {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'git-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const commit = (files: Record<string, string>, message: string) => {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), content);
    }
    git('add', '-A');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', message);
    return git('rev-parse', 'HEAD');
  };
  let base: string;

  beforeAll(() => {
    git('init', '-q', '-b', 'main');
    commit({ 'README.md': 'x' }, 'root');
    base = commit({ 'etl/package.json': '{"version":"1.0.0"}', 'etl/src/a.ts': 'a' }, 'etl 1.0.0');
    commit({ 'etl/src/a.ts': 'b', 'etl/test/a.test.ts': 't' }, 'change');
  });

  test('changedFiles lists what changed since the base; fileAt reads the base version', async () => {
    expect((await changedFiles(base, repo)).sort()).toEqual(['etl/src/a.ts', 'etl/test/a.test.ts']);
    expect(await fileAt(base, 'etl/package.json', repo)).toBe('{"version":"1.0.0"}');
    expect(await fileAt(`${base}~1`, 'etl/package.json', repo)).toBeUndefined();
  });

  test('a base commit the checkout does not have says how to fix the checkout', async () => {
    await expect(fileAt('0123456789abcdef0123456789abcdef01234567', 'etl/package.json', repo)).rejects.toThrow(/fetch-depth: 0/);
  });
});
