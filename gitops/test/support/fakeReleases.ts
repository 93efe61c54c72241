import type { Octokit } from '../../src/githubApi';

interface StoredAsset {
  readonly id: number;
  readonly name: string;
  readonly bytes: Buffer;
}

interface StoredRelease {
  readonly id: number;
  tag_name: string;
  name: string;
  target_commitish: string;
  body: string;
  draft: boolean;
  /** The placeholder a draft's html_url names until it is published (`untagged-` + 20 hex digits on GitHub). */
  readonly untagged: string;
  readonly assets: StoredAsset[];
}

interface ReleaseFields {
  readonly tag_name?: string;
  readonly target_commitish?: string;
  readonly name?: string;
  readonly body?: string;
  readonly draft?: boolean;
}

/** The errors octokit throws (RequestError: status, message), with GitHub's messages. */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'HttpError', status });
}
const notFound = () => httpError(404, 'Not Found - https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name');

export interface FakeReleasesOptions {
  /** The repository setting "immutable releases": a published release's assets can no longer change. */
  readonly immutable?: boolean;
}

/**
 * GitHub's releases API in memory, answering the calls the release scripts make with the fields of the real responses
 * they read (recorded from api.github.com: release id, tag_name, draft, html_url, assets[].id/name/size/state), and
 * GitHub's rules around drafts:
 * - get-a-release-by-tag answers 404 for a draft (a draft's tag does not exist yet); only list-releases shows drafts;
 * - a draft's html_url is `…/releases/tag/untagged-<hex>` until it is published (update with draft: false);
 * - a tag of a published release cannot be used again (422 already_exists), a draft's can (drafts multiply);
 * - an asset name can be uploaded once per release (422 already_exists: delete the asset first);
 * - with immutable releases, a published release refuses uploads and deletes (422).
 */
export function fakeReleasesApi(owner: string, repo: string, options: FakeReleasesOptions = {}) {
  const releases: StoredRelease[] = [];
  let nextId = 1000;
  const api = `https://api.github.com/repos/${owner}/${repo}`;
  const htmlTag = (release: StoredRelease) => (release.draft ? release.untagged : release.tag_name);
  const view = (release: StoredRelease) => ({
    url: `${api}/releases/${release.id}`,
    assets_url: `${api}/releases/${release.id}/assets`,
    upload_url: `https://uploads.github.com/repos/${owner}/${repo}/releases/${release.id}/assets{?name,label}`,
    html_url: `https://github.com/${owner}/${repo}/releases/tag/${htmlTag(release)}`,
    id: release.id,
    tag_name: release.tag_name,
    target_commitish: release.target_commitish,
    name: release.name,
    draft: release.draft,
    immutable: Boolean(options.immutable) && !release.draft,
    prerelease: false,
    created_at: '2026-12-04T09:30:12Z',
    published_at: release.draft ? null : '2026-12-04T09:30:41Z',
    body: release.body,
    assets: release.assets.map((asset) => ({
      url: `${api}/releases/assets/${asset.id}`,
      id: asset.id,
      name: asset.name,
      label: '',
      content_type: asset.name.endsWith('.zip') ? 'application/zip' : 'application/json',
      state: 'uploaded',
      size: asset.bytes.byteLength,
      download_count: 0,
      browser_download_url: `https://github.com/${owner}/${repo}/releases/download/${htmlTag(release)}/${asset.name}`,
    })),
  });
  const checkRepo = (params: { owner: string; repo: string }) => {
    if (params.owner !== owner || params.repo !== repo) throw notFound();
  };
  const find = (id: number) => {
    const release = releases.find((r) => r.id === id);
    if (!release) throw notFound();
    return release;
  };
  const tagTaken = (tag: string, except?: StoredRelease) => releases.some((r) => r !== except && !r.draft && r.tag_name === tag);
  const alreadyExists = (resource: string, field: string) =>
    httpError(422, `Validation Failed: {"resource":"${resource}","code":"already_exists","field":"${field}"}`);
  const assertMutable = (release: StoredRelease) => {
    if (options.immutable && !release.draft) throw httpError(422, 'Cannot upload assets to an immutable release.');
  };
  const repos = {
    async getReleaseByTag(params: { owner: string; repo: string; tag: string }) {
      checkRepo(params);
      const release = releases.find((r) => !r.draft && r.tag_name === params.tag);
      if (!release) throw notFound();
      return { status: 200, data: view(release) };
    },
    /** Newest first, drafts included (for a token with push access), with GitHub's Link header between pages. */
    async listReleases(params: { owner: string; repo: string; per_page?: number; page?: number }) {
      checkRepo(params);
      const perPage = params.per_page ?? 30;
      const page = params.page ?? 1;
      const newestFirst = [...releases].reverse();
      const last = Math.max(1, Math.ceil(newestFirst.length / perPage));
      const link = page < last ? `<${api}/releases?per_page=${perPage}&page=${page + 1}>; rel="next", <${api}/releases?per_page=${perPage}&page=${last}>; rel="last"` : undefined;
      return { status: 200, headers: link ? { link } : {}, data: newestFirst.slice((page - 1) * perPage, page * perPage).map(view) };
    },
    async createRelease(params: { owner: string; repo: string } & ReleaseFields & { tag_name: string }) {
      checkRepo(params);
      if (tagTaken(params.tag_name)) throw alreadyExists('Release', 'tag_name');
      const id = nextId++;
      const release: StoredRelease = {
        id,
        tag_name: params.tag_name,
        name: params.name ?? '',
        target_commitish: params.target_commitish ?? 'main',
        body: params.body ?? '',
        draft: params.draft ?? false,
        untagged: `untagged-${id.toString(16).padStart(20, '0')}`,
        assets: [],
      };
      releases.push(release);
      return { status: 201, data: view(release) };
    },
    async updateRelease(params: { owner: string; repo: string; release_id: number } & ReleaseFields) {
      checkRepo(params);
      const release = find(params.release_id);
      const tag = params.tag_name ?? release.tag_name;
      if (params.draft === false && tagTaken(tag, release)) throw alreadyExists('Release', 'tag_name');
      Object.assign(release, {
        tag_name: tag,
        name: params.name ?? release.name,
        target_commitish: params.target_commitish ?? release.target_commitish,
        body: params.body ?? release.body,
        draft: params.draft ?? release.draft,
      });
      return { status: 200, data: view(release) };
    },
    async uploadReleaseAsset(params: { owner: string; repo: string; release_id: number; name: string; data: unknown }) {
      checkRepo(params);
      const release = find(params.release_id);
      assertMutable(release);
      if (release.assets.some((a) => a.name === params.name)) throw alreadyExists('ReleaseAsset', 'name');
      const asset = { id: nextId++, name: params.name, bytes: Buffer.from(params.data as Uint8Array) };
      release.assets.push(asset);
      return { status: 201, data: view(release).assets.find((a) => a.id === asset.id)! };
    },
    async deleteReleaseAsset(params: { owner: string; repo: string; asset_id: number }) {
      checkRepo(params);
      const release = releases.find((r) => r.assets.some((a) => a.id === params.asset_id));
      if (!release) throw notFound();
      assertMutable(release);
      release.assets.splice(release.assets.findIndex((a) => a.id === params.asset_id), 1);
      return { status: 204, data: undefined };
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
  /** octokit's paginate.iterator: the first page, then each page the Link header names as rel="next". */
  const paginate = {
    async *iterator<P extends { per_page?: number }>(method: (params: P & { page?: number }) => Promise<{ headers: { link?: string }; data: unknown[] }>, params: P) {
      for (let page: number | undefined = 1; page !== undefined; ) {
        const response: { headers: { link?: string }; data: unknown[] } = await method({ ...params, page });
        yield response;
        const next = /[?&]page=(\d+)>; rel="next"/.exec(response.headers.link ?? '');
        page = next ? Number(next[1]) : undefined;
      }
    },
  };
  return { octokit: { rest: { repos }, paginate } as unknown as Octokit, releases };
}
