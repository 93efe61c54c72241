import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadEtlArtifact, manifestFileName } from '../../infra/src/config/etlArtifact';
import { GitopsError } from './errors';
import { httpStatus, type Octokit } from './githubApi';

export interface Repository {
  readonly owner: string;
  readonly repo: string;
}

/** The release that holds one ETL version's zip and manifest; environments pin versions by it. */
export const releaseTag = (version: string): string => `etl-v${version}`;

type Release = Awaited<ReturnType<Octokit['rest']['repos']['getReleaseByTag']>>['data'];

async function releaseByTag(octokit: Octokit, repository: Repository, tag: string): Promise<Release | undefined> {
  try {
    return (await octokit.rest.repos.getReleaseByTag({ ...repository, tag })).data;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

async function downloadAsset(octokit: Octokit, repository: Repository, release: Release, name: string): Promise<Buffer> {
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) throw new GitopsError(`release ${release.tag_name} has no asset ${name} (assets: ${release.assets.map((a) => a.name).join(', ') || 'none'})`);
  const { data } = await octokit.rest.repos.getReleaseAsset({ ...repository, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
  return Buffer.from(data as unknown as ArrayBuffer);
}

export interface PublishResult {
  readonly tag: string;
  readonly created: boolean;
  readonly url: string;
}

/**
 * Publishes the built ETL `version` from `distDir` as release `etl-v<version>`, once: an existing release with the same
 * zip (the build is deterministic) is left alone; one with a different zip means the version was reused — refused.
 */
export async function publishEtlRelease(octokit: Octokit, repository: Repository, distDir: string, version: string, commit: string): Promise<PublishResult> {
  const artifact = loadEtlArtifact(distDir, version);
  const tag = releaseTag(version);
  const files = [path.basename(artifact.zipPath), manifestFileName(version)];
  const existing = await releaseByTag(octokit, repository, tag);
  if (existing) {
    // an earlier run that failed between creating the release and uploading leaves assets missing: finish its job
    const missing = files.filter((file) => !existing.assets.some((asset) => asset.name === file));
    await uploadAssets(octokit, repository, existing.id, distDir, missing);
    if (missing.length > 0) return { tag, created: true, url: existing.html_url };
    const published = JSON.parse((await downloadAsset(octokit, repository, existing, manifestFileName(version))).toString('utf8')) as { sha256?: string };
    if (published.sha256 !== artifact.sha256) {
      throw new GitopsError(
        `${tag} is already published with zip sha256 ${published.sha256}, but this build is ${artifact.sha256}: released versions are immutable; bump etl/package.json`,
      );
    }
    return { tag, created: false, url: existing.html_url };
  }
  const { data: release } = await octokit.rest.repos.createRelease({
    ...repository,
    tag_name: tag,
    target_commitish: commit,
    name: `ETL ${version}`,
    body: `Lambda zip of the ETL ${version} (sha256 \`${artifact.sha256}\`, ${artifact.bytes} bytes). Pin it in an environment with \`"etl": { "version": "${version}" }\`.`,
  });
  await uploadAssets(octokit, repository, release.id, distDir, files);
  return { tag, created: true, url: release.html_url };
}

async function uploadAssets(octokit: Octokit, repository: Repository, releaseId: number, distDir: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const bytes = readFileSync(path.join(distDir, file));
    await octokit.rest.repos.uploadReleaseAsset({
      ...repository,
      release_id: releaseId,
      name: file,
      // octokit sends the body as is; its type says string
      data: bytes as unknown as string,
      headers: { 'content-type': file.endsWith('.zip') ? 'application/zip' : 'application/json', 'content-length': bytes.byteLength },
    });
  }
}

/**
 * Downloads the zip and manifest of each pinned `version` missing from `distDir`, then checks the zip against its
 * manifest (loadEtlArtifact), so synth deploys exactly what was released.
 */
export async function fetchEtlReleases(octokit: Octokit, repository: Repository, distDir: string, versions: readonly string[]): Promise<string[]> {
  const fetched: string[] = [];
  for (const version of new Set(versions)) {
    if (isAvailable(distDir, version)) continue;
    const release = await releaseByTag(octokit, repository, releaseTag(version));
    if (!release) throw new GitopsError(`ETL ${version} is pinned but release ${releaseTag(version)} does not exist; publish it (ETL release workflow) or change the pin`);
    const manifest = await downloadAsset(octokit, repository, release, manifestFileName(version));
    const { file } = JSON.parse(manifest.toString('utf8')) as { file: string };
    // a fresh checkout has no etl/dist (it is built, and ignored by git)
    mkdirSync(distDir, { recursive: true });
    writeFileSync(path.join(distDir, path.basename(file)), await downloadAsset(octokit, repository, release, path.basename(file)));
    writeFileSync(path.join(distDir, manifestFileName(version)), manifest);
    loadEtlArtifact(distDir, version);
    fetched.push(version);
  }
  return fetched;
}

function isAvailable(distDir: string, version: string): boolean {
  try {
    loadEtlArtifact(distDir, version);
    return true;
  } catch {
    return false;
  }
}
