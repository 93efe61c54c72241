import { manifestFileName, parseManifest, releaseTag, type EtlManifest } from '../../infra/src/config/etlArtifact';
import { GitopsError } from './errors';
import { httpStatus, type Octokit } from './githubApi';

export interface Repository {
  readonly owner: string;
  readonly repo: string;
}

export type Release = Awaited<ReturnType<Octokit['rest']['repos']['getReleaseByTag']>>['data'];

/** A published release of one ETL version, with its manifest read from the release itself. */
export interface PublishedEtl {
  readonly release: Release;
  readonly manifest: EtlManifest;
}

export async function downloadAsset(octokit: Octokit, repository: Repository, release: Release, name: string): Promise<Buffer> {
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) throw new GitopsError(`release ${release.tag_name} has no asset ${name} (assets: ${release.assets.map((a) => a.name).join(', ') || 'none'})`);
  const { data } = await octokit.rest.repos.getReleaseAsset({ ...repository, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
  return Buffer.from(data as unknown as ArrayBuffer);
}

/**
 * Release etl-v<version> and its manifest when it is published; undefined when it is not. By tag, so a draft (a
 * release still being uploaded) is never seen: GitHub answers 404 for a draft's tag.
 */
export async function publishedEtl(octokit: Octokit, repository: Repository, version: string): Promise<PublishedEtl | undefined> {
  const tag = releaseTag(version);
  let release: Release;
  try {
    release = (await octokit.rest.repos.getReleaseByTag({ ...repository, tag })).data;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
  const manifestName = manifestFileName(version);
  if (!release.assets.some((asset) => asset.name === manifestName)) {
    // only a release published before its uploads finished (what etl-release did before drafts) lacks it
    throw new GitopsError(
      `${tag} is published without its ${manifestName} (assets: ${release.assets.map((a) => a.name).join(', ') || 'none'}), so nothing can check its zip: ` +
        `delete release ${tag} on GitHub and re-run etl-release (or, where releases are immutable and the tag cannot be reused, bump etl/package.json)`,
    );
  }
  const manifest = parseManifest((await downloadAsset(octokit, repository, release, manifestName)).toString('utf8'), `${tag}/${manifestName}`);
  if (manifest.version !== version) throw new GitopsError(`${tag}/${manifestName} says version ${manifest.version}, expected ${version}`);
  return { release, manifest };
}
