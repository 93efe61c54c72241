import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadEtlArtifact, manifestFileName, releaseDir, releaseTag } from '../../infra/src/config/etlArtifact';
import { GitopsError } from './errors';
import { downloadAsset, publishedEtl, type Repository } from './etlPublishedRelease';
import type { Octokit } from './githubApi';

/**
 * Downloads published release etl-v<version> into <distDir>/releases/<version>/, checked against the release's own
 * manifest. Always downloads: neither an earlier copy nor a local build of the same version stands in for the release.
 * Returns false when the version is not published (a draft does not count).
 */
export async function fetchEtlRelease(octokit: Octokit, repository: Repository, distDir: string, version: string): Promise<boolean> {
  const published = await publishedEtl(octokit, repository, version);
  if (!published) return false;
  const { release, manifest } = published;
  if (manifest.file !== path.basename(manifest.file)) throw new GitopsError(`${release.tag_name}: its manifest names ${manifest.file}, not a file name`);
  const zip = await downloadAsset(octokit, repository, release, manifest.file);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  if (sha256 !== manifest.sha256) throw new GitopsError(`${release.tag_name}: ${manifest.file} has sha256 ${sha256} but the release's manifest says ${manifest.sha256}`);

  const dir = releaseDir(distDir, version);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Zip first: a manifest on disk implies its zip is complete.
  writeFileSync(path.join(dir, manifest.file), zip);
  writeFileSync(path.join(dir, manifestFileName(version)), `${JSON.stringify(manifest, null, 2)}\n`);
  // the very check synth makes, so a fetch that succeeds is one synth accepts
  loadEtlArtifact(dir, version, 'release');
  return true;
}

export interface FetchedEtl {
  /** The pinned versions, each fetched. */
  readonly pinned: readonly string[];
  /** Whether etl-v<current> is published (and fetched, for synth to compare this checkout's build with it). */
  readonly currentReleased: boolean;
}

/** Before synth: every pinned version, each of which must be published, and the current version when it is. */
export async function fetchEtlReleases(octokit: Octokit, repository: Repository, distDir: string, pinned: readonly string[], current: string): Promise<FetchedEtl> {
  const versions = [...new Set(pinned)];
  for (const version of versions) {
    if (!(await fetchEtlRelease(octokit, repository, distDir, version))) {
      throw new GitopsError(`ETL ${version} is pinned but release ${releaseTag(version)} is not published; publish it (etl-release) or change the pin`);
    }
  }
  const currentReleased = versions.includes(current) || (await fetchEtlRelease(octokit, repository, distDir, current));
  return { pinned: versions, currentReleased };
}
