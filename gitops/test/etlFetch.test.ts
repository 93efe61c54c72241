import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildEtl } from '../../etl/scripts/build';
import { releaseTag } from '../../infra/src/config/etlArtifact';
import { fetchEtlReleases } from '../src/etlFetch';
import { publishEtlRelease } from '../src/etlRelease';
import { fakeReleasesApi } from './support/fakeReleases';

const repository = { owner: 'example-org', repo: 'analytics-platform' };
let built: { version: string; distDir: string; zip: Buffer };

beforeAll(async () => {
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'etl-built-'));
  const manifest = await buildEtl({ outDir: distDir });
  built = { version: manifest.version, distDir, zip: readFileSync(path.join(distDir, manifest.file)) };
}, 120_000);

/** GitHub with etl-v<built.version> published from the real build. */
async function released() {
  const api = fakeReleasesApi(repository.owner, repository.repo);
  const dist = mkdtempSync(path.join(os.tmpdir(), 'etl-dist-'));
  cpSync(built.distDir, dist, { recursive: true });
  await publishEtlRelease(api.octokit, repository, dist, built.version, 'abc123');
  return api;
}

/** A fresh checkout's etl/dist: not there at all. */
const freshDist = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'checkout-')), 'etl', 'dist');

test('a pinned version is fetched into dist/releases/<version>/ and verified, apart from the local build', async () => {
  const { octokit } = await released();
  const dist = freshDist();
  expect(await fetchEtlReleases(octokit, repository, dist, [built.version, built.version], '9.9.9')).toEqual({ pinned: [built.version], currentReleased: false });
  const dir = path.join(dist, 'releases', built.version);
  expect(readdirSync(dir).sort()).toEqual([`analytics-etl-${built.version}.manifest.json`, `analytics-etl-${built.version}.zip`]);
  expect(readFileSync(path.join(dir, `analytics-etl-${built.version}.zip`)).equals(built.zip)).toBe(true);
  expect(readdirSync(dist)).toEqual(['releases']);
});

test('a local build of the pinned version does not stop the download, and does not become the release', async () => {
  const { octokit } = await released();
  const dist = freshDist();
  mkdirSync(dist, { recursive: true });
  // what `npm run synth` used to leave in etl/dist: a local build under the release's file names, other bytes
  writeFileSync(path.join(dist, `analytics-etl-${built.version}.zip`), 'a local build');
  writeFileSync(path.join(dist, `analytics-etl-${built.version}.manifest.json`), '{}');
  // and an earlier, tampered copy of the release
  mkdirSync(path.join(dist, 'releases', built.version), { recursive: true });
  writeFileSync(path.join(dist, 'releases', built.version, `analytics-etl-${built.version}.zip`), 'tampered');
  await fetchEtlReleases(octokit, repository, dist, [built.version], built.version);
  expect(readFileSync(path.join(dist, 'releases', built.version, `analytics-etl-${built.version}.zip`)).equals(built.zip)).toBe(true);
  expect(readFileSync(path.join(dist, `analytics-etl-${built.version}.zip`), 'utf8')).toBe('a local build');
});

test('the current version is fetched when it is released, so synth can compare the local build with it', async () => {
  const { octokit } = await released();
  const dist = freshDist();
  expect(await fetchEtlReleases(octokit, repository, dist, [], built.version)).toEqual({ pinned: [], currentReleased: true });
  expect(readFileSync(path.join(dist, 'releases', built.version, `analytics-etl-${built.version}.zip`)).equals(built.zip)).toBe(true);
});

test('a pin without a published release says what to do; a draft does not count', async () => {
  const { octokit } = fakeReleasesApi(repository.owner, repository.repo);
  await octokit.rest.repos.createRelease({ ...repository, tag_name: releaseTag('9.9.9'), name: '', body: '', draft: true });
  await expect(fetchEtlReleases(octokit, repository, freshDist(), ['9.9.9'], '1.0.0')).rejects.toThrow(
    /ETL 9\.9\.9 is pinned but release etl-v9\.9\.9 is not published; publish it \(etl-release\) or change the pin/,
  );
});

test('a released zip that does not match its release manifest is refused', async () => {
  const { octokit, releases } = await released();
  const zip = releases[0]!.assets.find((a) => a.name.endsWith('.zip'))!;
  Object.assign(zip, { bytes: Buffer.from('swapped') });
  await expect(fetchEtlReleases(octokit, repository, freshDist(), [built.version], built.version)).rejects.toThrow(
    new RegExp(`etl-v${built.version}: analytics-etl-${built.version}\\.zip has sha256 [0-9a-f]{64} but the release's manifest says [0-9a-f]{64}`),
  );
});
