import type { Octokit } from '../../src/githubApi';

interface StoredAsset {
  readonly id: number;
  readonly name: string;
  readonly bytes: Buffer;
}

interface StoredRelease {
  readonly id: number;
  readonly tag_name: string;
  readonly name: string;
  readonly target_commitish: string;
  readonly body: string;
  readonly assets: StoredAsset[];
}

/** The error octokit throws for a 404 (RequestError: status, message, response). */
function notFound(): Error {
  return Object.assign(new Error('Not Found - https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name'), { name: 'HttpError', status: 404 });
}

/**
 * GitHub's releases API in memory, answering the four calls the release scripts make with the fields of the real
 * responses they read (recorded from api.github.com: release id, tag_name, html_url, assets[].id/name/size/state).
 */
export function fakeReleasesApi(owner: string, repo: string) {
  const releases: StoredRelease[] = [];
  let nextId = 1000;
  const htmlUrl = (tag: string) => `https://github.com/${owner}/${repo}/releases/tag/${tag}`;
  const view = (release: StoredRelease) => ({
    url: `https://api.github.com/repos/${owner}/${repo}/releases/${release.id}`,
    html_url: htmlUrl(release.tag_name),
    id: release.id,
    tag_name: release.tag_name,
    target_commitish: release.target_commitish,
    name: release.name,
    draft: false,
    prerelease: false,
    body: release.body,
    assets: release.assets.map((asset) => ({
      url: `https://api.github.com/repos/${owner}/${repo}/releases/assets/${asset.id}`,
      id: asset.id,
      name: asset.name,
      label: '',
      state: 'uploaded',
      size: asset.bytes.byteLength,
      browser_download_url: `https://github.com/${owner}/${repo}/releases/download/${release.tag_name}/${asset.name}`,
    })),
  });
  const checkRepo = (params: { owner: string; repo: string }) => {
    if (params.owner !== owner || params.repo !== repo) throw notFound();
  };
  const repos = {
    async getReleaseByTag(params: { owner: string; repo: string; tag: string }) {
      checkRepo(params);
      const release = releases.find((r) => r.tag_name === params.tag);
      if (!release) throw notFound();
      return { status: 200, data: view(release) };
    },
    async createRelease(params: { owner: string; repo: string; tag_name: string; target_commitish: string; name: string; body: string }) {
      checkRepo(params);
      if (releases.some((r) => r.tag_name === params.tag_name)) throw Object.assign(new Error('Validation Failed: already_exists'), { status: 422 });
      const release = { id: nextId++, tag_name: params.tag_name, name: params.name, target_commitish: params.target_commitish, body: params.body, assets: [] };
      releases.push(release);
      return { status: 201, data: view(release) };
    },
    async uploadReleaseAsset(params: { owner: string; repo: string; release_id: number; name: string; data: unknown }) {
      checkRepo(params);
      const release = releases.find((r) => r.id === params.release_id);
      if (!release) throw notFound();
      release.assets.push({ id: nextId++, name: params.name, bytes: Buffer.from(params.data as Uint8Array) });
      return { status: 201, data: {} };
    },
    async getReleaseAsset(params: { owner: string; repo: string; asset_id: number; headers: { accept: string } }) {
      checkRepo(params);
      const asset = releases.flatMap((r) => r.assets).find((a) => a.id === params.asset_id);
      if (!asset) throw notFound();
      // with accept: application/octet-stream octokit resolves with the bytes as an ArrayBuffer
      if (params.headers.accept !== 'application/octet-stream') throw new Error('the scripts must ask for the asset bytes');
      return { status: 200, data: asset.bytes.buffer.slice(asset.bytes.byteOffset, asset.bytes.byteOffset + asset.bytes.byteLength) };
    },
  };
  return { octokit: { rest: { repos } } as unknown as Octokit, releases };
}
