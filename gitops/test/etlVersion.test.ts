import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildEtl } from '../../etl/scripts/build';
import { publishEtlRelease } from '../src/etlRelease';
import { checkEtlVersion, etlVersionInput, type EtlVersionInput } from '../src/etlVersionCheck';
import { changedFiles, fileAt } from '../src/git';
import { fakeReleasesApi } from './support/fakeReleases';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

describe('checkEtlVersion', () => {
  const input = (changes: Partial<EtlVersionInput>): EtlVersionInput => ({ changedInputs: [], baseVersion: '1.0.0', headVersion: '1.0.0', built: SHA_A, released: undefined, ...changes });

  test.each<[string, Partial<EtlVersionInput>, RegExp]>([
    ['nothing the zip is built from changed', {}, /nothing the zip is built from changed/],
    ['a change with a bump', { changedInputs: ['etl/src/handler.ts'], headVersion: '1.1.0' }, /etl 1\.0\.0 -> 1\.1\.0/],
    ['a bump alone', { headVersion: '1.0.1' }, /etl 1\.0\.0 -> 1\.0\.1/],
    ['a new package', { changedInputs: ['etl/src/handler.ts'], baseVersion: undefined, headVersion: '0.1.0' }, /first version/],
    ['a change that leaves the released zip as it is', { changedInputs: ['tsconfig.json'], released: SHA_A }, /builds the published etl-v1\.0\.0 byte for byte/],
  ])('%s is fine', (_what, changes, message) => {
    expect(checkEtlVersion(input(changes))).toEqual({ ok: true, message: expect.stringMatching(message) });
  });

  test.each<[string, Partial<EtlVersionInput>, RegExp]>([
    ['a change without a bump', { changedInputs: ['etl/src/transform/readCsvRows.ts'] }, /\(etl\/src\/transform\/readCsvRows\.ts\) but etl\/package\.json is still 1\.0\.0.*npm version patch -w etl/],
    ['a bump to a version already released with another zip (a stale base)', { headVersion: '1.1.0', released: SHA_B }, /etl 1\.1\.0 is released \(etl-v1\.1\.0\) with sha256 b{64} but this checkout builds a{64}: .*bump etl\/package\.json/],
    ['a downgrade', { changedInputs: ['etl/src/handler.ts'], baseVersion: '1.2.0', headVersion: '1.1.9' }, /version 1\.1\.9 is lower than 1\.2\.0/],
    ['a version that is not semver', { headVersion: 'next' }, /"next" is not a semantic version/],
  ])('%s is refused', (_what, changes, message) => {
    const verdict = checkEtlVersion(input(changes));
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(message);
  });

  test('a long list of changed inputs is abbreviated', () => {
    const changedInputs = Array.from({ length: 14 }, (_, i) => `etl/src/f${i}.ts`);
    expect(checkEtlVersion(input({ changedInputs })).message).toMatch(/f9\.ts, … \(14 inputs\)/);
  });
});

/**
 * A real git repository shaped like this one: the real build scripts in etl/scripts, a small ETL whose code bundles a
 * package from node_modules, a root package-lock.json and tsconfig.json. node_modules is not committed, as here.
 */
describe('the version check on a real repository', () => {
  const repository = { owner: 'example-org', repo: 'analytics-platform' };
  const repo = mkdtempSync(path.join(os.tmpdir(), 'etl-version-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const write = (files: Record<string, string>) => {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), content);
    }
  };
  const commit = (files: Record<string, string>, message: string) => {
    write(files);
    git('add', '-A');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', message);
    return git('rev-parse', 'HEAD');
  };
  /** A branch from `from` with one commit of `files`, checked out (the build reads the work tree). */
  const branch = (name: string, from: string, files: Record<string, string>) => {
    git('checkout', '-q', '-B', name, from);
    return commit(files, name);
  };
  const lockfile = (packages: Record<string, { version: string; integrity?: string }>) =>
    `${JSON.stringify({ name: 'r', lockfileVersion: 3, requires: true, packages: { '': { name: 'r', workspaces: ['etl'] }, ...packages } }, null, 2)}\n`;
  const LOCKED = {
    'node_modules/esbuild': { version: '0.28.2', integrity: 'sha512-esbuild' },
    'node_modules/fflate': { version: '0.8.3', integrity: 'sha512-fflate' },
    'node_modules/shout': { version: '1.0.0', integrity: 'sha512-shout' },
    'node_modules/jest': { version: '30.5.2', integrity: 'sha512-jest' },
  };
  const etlPackage = (version: string) => `${JSON.stringify({ name: '@analytics/etl', version, dependencies: { shout: '1.0.0' } })}\n`;
  const check = async (base: string, octokit = fakeReleasesApi(repository.owner, repository.repo).octokit) =>
    checkEtlVersion(await etlVersionInput(octokit, repository, { repoDir: repo, base, etlDir: path.join(repo, 'etl') }));
  let base: string;

  beforeAll(() => {
    git('init', '-q', '-b', 'main');
    const scripts = path.join(__dirname, '../../etl/scripts');
    cpSync(scripts, path.join(repo, 'etl/scripts'), { recursive: true });
    // installed, not committed; the build scripts' packages are looked up as node finds them
    write({
      'node_modules/shout/package.json': '{"name":"shout","version":"1.0.0","main":"index.js"}',
      'node_modules/shout/index.js': 'exports.shout = (s) => s.toUpperCase();',
      'node_modules/esbuild/package.json': '{"name":"esbuild","version":"0.28.2"}',
      'node_modules/fflate/package.json': '{"name":"fflate","version":"0.8.3"}',
    });
    base = commit(
      {
        '.gitignore': 'node_modules/\n',
        'package.json': '{"name":"r","workspaces":["etl"],"devDependencies":{"esbuild":"0.28.2","jest":"30.5.2"}}\n',
        'package-lock.json': lockfile(LOCKED),
        'tsconfig.json': '{"compilerOptions":{"strict":true}}\n',
        'etl/package.json': etlPackage('0.2.0'),
        'etl/src/index.ts': "import { shout } from 'shout';\nexport const handler = () => shout('etl');\n",
        'etl/test/index.test.ts': 'test.todo("handler");\n',
      },
      'etl 0.2.0',
    );
  }, 60_000);

  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  test('a source change without a bump is refused; with one it is fine', async () => {
    branch('source', base, { 'etl/src/index.ts': "import { shout } from 'shout';\nexport const handler = () => shout('etl!');\n" });
    expect(await check(base)).toEqual({ ok: false, message: expect.stringMatching(/\(etl\/src\/index\.ts\) but etl\/package\.json is still 0\.2\.0/) });
    commit({ 'etl/package.json': etlPackage('0.3.0') }, 'bump');
    expect(await check(base)).toEqual({ ok: true, message: 'etl 0.2.0 -> 0.3.0' });
  });

  test('tests are not an input', async () => {
    branch('tests', base, { 'etl/test/index.test.ts': 'test.todo("more");\n' });
    expect(await check(base)).toMatchObject({ ok: true });
  });

  test('a root package-lock.json change to a bundled package requires a bump; one to another package does not', async () => {
    branch('lock', base, { 'package-lock.json': lockfile({ ...LOCKED, 'node_modules/shout': { version: '1.0.1', integrity: 'sha512-shout2' } }) });
    expect(await check(base)).toEqual({ ok: false, message: expect.stringMatching(/\(package-lock\.json: node_modules\/shout 1\.0\.0 -> 1\.0\.1\)/) });
    branch('lock-other', base, { 'package-lock.json': lockfile({ ...LOCKED, 'node_modules/jest': { version: '30.6.0', integrity: 'sha512-jest2' } }) });
    expect(await check(base)).toMatchObject({ ok: true });
  });

  test('the esbuild pin in the root package.json (and its lockfile entry) requires a bump', async () => {
    branch('esbuild', base, {
      'package.json': '{"name":"r","workspaces":["etl"],"devDependencies":{"esbuild":"0.29.0","jest":"30.5.2"}}\n',
      'package-lock.json': lockfile({ ...LOCKED, 'node_modules/esbuild': { version: '0.29.0', integrity: 'sha512-esbuild2' } }),
    });
    expect(await check(base)).toEqual({ ok: false, message: expect.stringMatching(/\(package-lock\.json: node_modules\/esbuild 0\.28\.2 -> 0\.29\.0\)/) });
  });

  test('the root tsconfig.json and the build scripts are inputs', async () => {
    branch('tsconfig', base, { 'tsconfig.json': '{"compilerOptions":{"strict":true,"useDefineForClassFields":false}}\n' });
    expect(await check(base)).toEqual({ ok: false, message: expect.stringMatching(/\(tsconfig\.json\)/) });
    branch('scripts', base, { 'etl/scripts/manifest.ts': `${readFileSync(path.join(repo, 'etl/scripts/manifest.ts'), 'utf8')}// changed\n` });
    expect(await check(base)).toEqual({ ok: false, message: expect.stringMatching(/\(etl\/scripts\/manifest\.ts\)/) });
  });

  test('a stale base: two branches bump 0.2.0 -> 0.3.0; once one is released, the other is refused though its base still says 0.2.0', async () => {
    const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
    branch('first', base, { 'etl/package.json': etlPackage('0.3.0'), 'etl/src/index.ts': "import { shout } from 'shout';\nexport const handler = () => shout('first');\n" });
    const firstDist = mkdtempSync(path.join(os.tmpdir(), 'first-dist-'));
    await buildEtl({ etlRoot: path.join(repo, 'etl'), outDir: firstDist });

    branch('second', base, { 'etl/package.json': etlPackage('0.3.0'), 'etl/src/index.ts': "import { shout } from 'shout';\nexport const handler = () => shout('second');\n" });
    // what the base alone can tell: fine
    expect(await check(base, octokit)).toEqual({ ok: true, message: 'etl 0.2.0 -> 0.3.0' });
    await publishEtlRelease(octokit, repository, firstDist, '0.3.0', 'first');
    expect(await check(base, octokit)).toEqual({ ok: false, message: expect.stringMatching(/etl 0\.3\.0 is released \(etl-v0\.3\.0\) with sha256 \w+ but this checkout builds \w+: .*bump etl\/package\.json/) });

    // the first branch itself, checked again after its release: the same zip, fine
    git('checkout', '-q', 'first');
    expect(await check(base, octokit)).toEqual({ ok: true, message: 'etl 0.3.0: this checkout builds the published etl-v0.3.0 byte for byte' });
  });

  test('git helpers: changedFiles lists what changed since the base; fileAt reads the base version', async () => {
    branch('helpers', base, { 'etl/src/index.ts': 'export {};\n' });
    expect(await changedFiles(base, repo)).toEqual(['etl/src/index.ts']);
    expect(await fileAt(base, 'etl/package.json', repo)).toBe(etlPackage('0.2.0'));
    expect(await fileAt(base, 'etl/missing.json', repo)).toBeUndefined();
  });

  test('a base commit the checkout does not have says how to fix the checkout', async () => {
    await expect(fileAt('0123456789abcdef0123456789abcdef01234567', 'etl/package.json', repo)).rejects.toThrow(/fetch-depth: 0/);
  });
});
