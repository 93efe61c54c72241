import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEtlArtifact, manifestFileName, releasedElsewhereMessage, releaseTag } from '../../infra/src/config/etlArtifact';
import { GitopsError } from './errors';
import { publishedEtl, type Release, type Repository } from './etlPublishedRelease';
import type { Octokit } from './githubApi';

export interface PublishResult {
  readonly tag: string;
  readonly created: boolean;
  readonly url: string;
}

/**
 * Publishes the built ETL `version` from `distDir` as release etl-v<version>, once, in the order immutable releases
 * need: a draft, then the zip and manifest uploaded to it, then published (draft: false). So nobody ever sees the
 * release without its manifest, and nothing is uploaded after publishing. A published release with the same zip (the
 * build is deterministic) is left alone; one with a different zip means the version was reused: refused.
 */
export async function publishEtlRelease(octokit: Octokit, repository: Repository, distDir: string, version: string, commit: string): Promise<PublishResult> {
  const artifact = loadEtlArtifact(distDir, version);
  const tag = releaseTag(version);
  const published = await publishedEtl(octokit, repository, version);
  if (published) {
    if (published.manifest.sha256 !== artifact.sha256) throw new GitopsError(releasedElsewhereMessage(version, published.manifest.sha256, artifact.sha256));
    return { tag, created: false, url: published.release.html_url };
  }
  const release = {
    tag_name: tag,
    target_commitish: commit,
    name: `ETL ${version}`,
    body: `Lambda zip of the ETL ${version} (sha256 \`${artifact.sha256}\`, ${artifact.bytes} bytes). Pin it in an environment with \`"etl": { "version": "${version}" }\`.`,
  };
  const draft = (await draftOf(octokit, repository, tag)) ?? (await octokit.rest.repos.createRelease({ ...repository, ...release, draft: true })).data;
  // a run that failed while uploading leaves some assets, maybe of another commit's build of this version: start over
  for (const asset of draft.assets) await octokit.rest.repos.deleteReleaseAsset({ ...repository, asset_id: asset.id });
  for (const file of [path.basename(artifact.zipPath), manifestFileName(version)]) {
    const bytes = readFileSync(path.join(distDir, file));
    await octokit.rest.repos.uploadReleaseAsset({
      ...repository,
      release_id: draft.id,
      name: file,
      // octokit sends the body as is; its type says string
      data: bytes as unknown as string,
      headers: { 'content-type': file.endsWith('.zip') ? 'application/zip' : 'application/json', 'content-length': bytes.byteLength },
    });
  }
  const { data: done } = await octokit.rest.repos.updateRelease({ ...repository, release_id: draft.id, ...release, draft: false });
  return { tag, created: true, url: done.html_url };
}

/** The draft of `tag` a failed run left; drafts have no tag yet, so only the release list shows them. */
async function draftOf(octokit: Octokit, repository: Repository, tag: string): Promise<Release | undefined> {
  for await (const { data } of octokit.paginate.iterator(octokit.rest.repos.listReleases, { ...repository, per_page: 100 })) {
    const draft = data.find((release) => release.draft && release.tag_name === tag);
    if (draft) return draft;
  }
  return undefined;
}
