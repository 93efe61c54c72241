import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildEtl } from '../../etl/scripts/build';
import { fetchEtlReleases, publishEtlRelease, releaseTag } from '../src/etlRelease';
import { fakeReleasesApi } from './support/fakeReleases';

const repository = { owner: 'example-org', repo: 'analytics-platform' };
let built: { version: string; distDir: string };

/** A copy of the real build output, so tests can tamper with it without touching etl/dist. */
function distCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'etl-dist-'));
  cpSync(built.distDir, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'etl-built-'));
  built = { version: (await buildEtl({ outDir: distDir })).version, distDir };
}, 120_000);

test('publishes the zip and manifest once, tagged at the commit', async () => {
  const { octokit, releases } = fakeReleasesApi(repository.owner, repository.repo);
  const first = await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  expect(first).toEqual({ tag: `etl-v${built.version}`, created: true, url: `https://github.com/example-org/analytics-platform/releases/tag/etl-v${built.version}` });
  expect(releases).toHaveLength(1);
  expect(releases[0]).toMatchObject({ tag_name: releaseTag(built.version), target_commitish: 'abc123' });
  expect(releases[0]!.assets.map((a) => a.name).sort()).toEqual([`analytics-etl-${built.version}.manifest.json`, `analytics-etl-${built.version}.zip`]);

  const again = await publishEtlRelease(octokit, repository, distCopy(), built.version, 'def456');
  expect(again.created).toBe(false);
  expect(releases).toHaveLength(1);
});

test('a different zip under a published version is refused: versions are immutable', async () => {
  const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
  await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  const changed = distCopy();
  const manifestFile = path.join(changed, `analytics-etl-${built.version}.manifest.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const zipFile = path.join(changed, manifest.file);
  writeFileSync(zipFile, Buffer.concat([readFileSync(zipFile), Buffer.from('changed')]));
  manifest.sha256 = createHash('sha256').update(readFileSync(zipFile)).digest('hex');
  writeFileSync(manifestFile, JSON.stringify(manifest));
  await expect(publishEtlRelease(octokit, repository, changed, built.version, 'def456')).rejects.toThrow(/already published with zip sha256 \w+, but this build is \w+: .*bump etl\/package\.json/);
});

test('a pinned version is fetched into dist and verified; present ones are not fetched again', async () => {
  const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
  await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  // a fresh checkout has no etl/dist at all
  const empty = path.join(mkdtempSync(path.join(os.tmpdir(), 'checkout-')), 'etl', 'dist');
  expect(await fetchEtlReleases(octokit, repository, empty, [built.version, built.version])).toEqual([built.version]);
  expect(readdirSync(empty).sort()).toEqual(readdirSync(built.distDir).filter((f) => f.includes(built.version)).sort());
  expect(readFileSync(path.join(empty, `analytics-etl-${built.version}.zip`))).toEqual(readFileSync(path.join(built.distDir, `analytics-etl-${built.version}.zip`)));
  expect(await fetchEtlReleases(octokit, repository, empty, [built.version])).toEqual([]);
});

test('a pin without a release says what to do', async () => {
  const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
  await expect(fetchEtlReleases(octokit, repository, mkdtempSync(path.join(os.tmpdir(), 'etl-dist-')), ['9.9.9'])).rejects.toThrow(
    /ETL 9\.9\.9 is pinned but release etl-v9\.9\.9 does not exist; publish it \(ETL release workflow\) or change the pin/,
  );
});

test('a release left without its assets by a failed run is completed, not refused', async () => {
  const { octokit, releases } = fakeReleasesApi(repository.owner, repository.repo);
  await octokit.rest.repos.createRelease({ ...repository, tag_name: releaseTag(built.version), target_commitish: 'abc123', name: 'x', body: '' });
  const result = await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  expect(result.created).toBe(true);
  expect(releases[0]!.assets.map((a) => a.name).sort()).toEqual([`analytics-etl-${built.version}.manifest.json`, `analytics-etl-${built.version}.zip`]);
  expect((await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123')).created).toBe(false);
});
