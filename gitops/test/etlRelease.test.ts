import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildEtl } from '../../etl/scripts/build';
import { releaseTag } from '../../infra/src/config/etlArtifact';
import { fetchEtlRelease } from '../src/etlFetch';
import { publishEtlRelease } from '../src/etlRelease';
import { fakeReleasesApi } from './support/fakeReleases';

const repository = { owner: 'example-org', repo: 'analytics-platform' };
let built: { version: string; distDir: string };
const assetNames = () => [`analytics-etl-${built.version}.manifest.json`, `analytics-etl-${built.version}.zip`];

/** A copy of the real build output, so tests can tamper with it without touching etl/dist. */
function distCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'etl-dist-'));
  cpSync(built.distDir, dir, { recursive: true });
  return dir;
}

/** A build of the same version with other bytes (a reused version number), its manifest matching. */
function otherBuild(): string {
  const dir = distCopy();
  const manifestFile = path.join(dir, `analytics-etl-${built.version}.manifest.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const zipFile = path.join(dir, manifest.file);
  writeFileSync(zipFile, Buffer.concat([readFileSync(zipFile), Buffer.from('changed')]));
  manifest.sha256 = createHash('sha256').update(readFileSync(zipFile)).digest('hex');
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}

beforeAll(async () => {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'etl-built-'));
  built = { version: (await buildEtl({ outDir: distDir })).version, distDir };
}, 120_000);

test('publishes the zip and manifest once, tagged at the commit, under the published URL', async () => {
  const { octokit, releases } = fakeReleasesApi(repository.owner, repository.repo);
  const first = await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  expect(first).toEqual({ tag: `etl-v${built.version}`, created: true, url: `https://github.com/example-org/analytics-platform/releases/tag/etl-v${built.version}` });
  expect(releases).toHaveLength(1);
  expect(releases[0]).toMatchObject({ tag_name: releaseTag(built.version), target_commitish: 'abc123', draft: false });
  expect(releases[0]!.assets.map((a) => a.name).sort()).toEqual(assetNames());

  const again = await publishEtlRelease(octokit, repository, distCopy(), built.version, 'def456');
  expect(again.created).toBe(false);
  expect(releases).toHaveLength(1);
});

test('the release stays a draft, invisible to etl-fetch, until both assets are uploaded', async () => {
  const { octokit, releases } = fakeReleasesApi(repository.owner, repository.repo);
  const seenWhileUploading: boolean[] = [];
  const upload = octokit.rest.repos.uploadReleaseAsset;
  octokit.rest.repos.uploadReleaseAsset = (async (params: Parameters<typeof upload>[0]) => {
    seenWhileUploading.push(await fetchEtlRelease(octokit, repository, mkdtempSync(path.join(os.tmpdir(), 'fetch-')), built.version));
    expect(releases[0]!.draft).toBe(true);
    return upload(params);
  }) as typeof upload;
  await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  expect(seenWhileUploading).toEqual([false, false]);
  expect(releases[0]!.draft).toBe(false);
});

test('a repository with immutable releases gets a complete release (nothing is uploaded after publishing)', async () => {
  const { octokit, releases } = fakeReleasesApi(repository.owner, repository.repo, { immutable: true });
  await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  expect(releases[0]!.assets.map((a) => a.name).sort()).toEqual(assetNames());
  expect(await fetchEtlRelease(octokit, repository, mkdtempSync(path.join(os.tmpdir(), 'fetch-')), built.version)).toBe(true);
});

test('a re-run finds the draft a failed run left (by listing, not by tag), replaces its partial upload and publishes it', async () => {
  const { octokit, releases } = fakeReleasesApi(repository.owner, repository.repo);
  // other releases in front of it: the draft is on the second page of 100
  const draft = (await octokit.rest.repos.createRelease({ ...repository, tag_name: releaseTag(built.version), target_commitish: 'abc123', name: 'x', body: '', draft: true })).data;
  for (let i = 0; i < 100; i++) await octokit.rest.repos.createRelease({ ...repository, tag_name: `other-${i}`, name: '', body: '' });
  await octokit.rest.repos.uploadReleaseAsset({ ...repository, release_id: draft.id, name: `analytics-etl-${built.version}.zip`, data: 'half a zip' });

  const result = await publishEtlRelease(octokit, repository, distCopy(), built.version, 'def456');
  expect(result).toMatchObject({ created: true, url: expect.stringMatching(new RegExp(`/releases/tag/etl-v${built.version}$`)) });
  expect(releases.filter((r) => r.tag_name === releaseTag(built.version))).toHaveLength(1);
  expect(releases[0]).toMatchObject({ id: draft.id, draft: false, target_commitish: 'def456' });
  const zip = releases[0]!.assets.find((a) => a.name.endsWith('.zip'))!;
  expect(readFileSync(path.join(built.distDir, `analytics-etl-${built.version}.zip`)).equals(zip.bytes)).toBe(true);
  expect(await fetchEtlRelease(octokit, repository, mkdtempSync(path.join(os.tmpdir(), 'fetch-')), built.version)).toBe(true);
});

test('a different zip under a published version is refused: versions are immutable', async () => {
  const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
  await publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123');
  await expect(publishEtlRelease(octokit, repository, otherBuild(), built.version, 'def456')).rejects.toThrow(
    new RegExp(`etl ${built.version} is released \\(etl-v${built.version}\\) with sha256 [0-9a-f]{64} but this checkout builds [0-9a-f]{64}: .*bump etl/package\\.json`),
  );
});

test('a release published without its manifest (the old publish-then-upload order) is refused with what to do', async () => {
  const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
  await octokit.rest.repos.createRelease({ ...repository, tag_name: releaseTag(built.version), target_commitish: 'abc123', name: 'x', body: '' });
  await expect(publishEtlRelease(octokit, repository, distCopy(), built.version, 'abc123')).rejects.toThrow(
    new RegExp(`etl-v${built.version} is published without its analytics-etl-${built.version}\\.manifest\\.json \\(assets: none\\).*delete release`),
  );
});
