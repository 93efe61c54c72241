import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { TOKEN } from './actionsEvents';

export interface FakeUser {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const OCTOCAT: FakeUser = { login: 'octocat', id: 583231, type: 'User' };
export const DEPENDABOT: FakeUser = { login: 'dependabot[bot]', id: 49699333, type: 'Bot' };

export interface StoredComment {
  readonly id: number;
  readonly user: FakeUser;
  body: string;
}

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: { body?: string };
}

/** How the pull request was merged: its last head commit, the commit it made on main, the main commits it brought. */
export interface Merge {
  readonly headSha: string;
  readonly mergeCommitSha: string;
  /** What `GET /commits/{sha}/pulls` lists the pull request for; the merge commit alone unless given (a rebase brings several). */
  readonly commits?: readonly string[];
}

/**
 * One pull request on GitHub's REST API on a loopback port, for the real octokit of @actions/github (`getOctokit(token,
 * { baseUrl })`), so `paginate` follows real Link headers: its issue comments
 * (https://docs.github.com/rest/issues/comments) and, once merged, the commits it is associated with
 * (https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit). Answers with the shapes
 * api.github.com returns, as recorded from a pull request's comment list and a merged pull request's commit.
 */
export async function fakePullRequest(owner: string, repo: string, issueNumber: number) {
  const comments: StoredComment[] = [];
  const requests: Request[] = [];
  /** `readOnly`: answers writes as GitHub does for a token without pull-requests: write. */
  const state: { readOnly: boolean; merged?: Merge } = { readOnly: false };
  let nextId = 2_398_000_000;
  const server: Server = createServer((req, res) => {
    void handle(req).then(({ status, json, headers }) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(json));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;

  const view = (c: StoredComment) => ({
    url: `https://api.github.com/repos/${owner}/${repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${issueNumber}#issuecomment-${c.id}`,
    issue_url: `https://api.github.com/repos/${owner}/${repo}/issues/${issueNumber}`,
    id: c.id,
    node_id: `IC_kwDOLk${c.id.toString(36)}`,
    user: {
      login: c.user.login,
      id: c.user.id,
      node_id: c.user.type === 'Bot' ? 'MDM6Qm90NDE4OTgyODI=' : 'MDQ6VXNlcjU4MzIzMQ==',
      avatar_url: `https://avatars.githubusercontent.com/u/${c.user.id}?v=4`,
      html_url: `https://github.com/${c.user.type === 'Bot' ? 'apps/' : ''}${c.user.login.replace('[bot]', '')}`,
      type: c.user.type,
      site_admin: false,
    },
    created_at: '2026-11-20T09:12:44Z',
    updated_at: '2026-11-20T09:12:44Z',
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    body: c.body,
    reactions: { url: `https://api.github.com/repos/${owner}/${repo}/issues/comments/${c.id}/reactions`, total_count: 0, '+1': 0, '-1': 0 },
    performed_via_github_app: c.user.type === 'Bot' ? { id: 15368, slug: 'github-actions', name: 'GitHub Actions' } : null,
  });

  const repository = {
    id: 812345678,
    node_id: 'R_kgDOMG3gTg',
    name: repo,
    full_name: `${owner}/${repo}`,
    private: true,
    owner: { login: owner, id: 95012345, type: 'Organization', site_admin: false },
    html_url: `https://github.com/${owner}/${repo}`,
    fork: false,
    url: `https://api.github.com/repos/${owner}/${repo}`,
    default_branch: 'main',
  };
  const pullView = (merged: Merge) => {
    const api = `https://api.github.com/repos/${owner}/${repo}`;
    return {
      url: `${api}/pulls/${issueNumber}`,
      id: 1_987_654_321,
      node_id: 'PR_kwDOMG3gTs52ZLHx',
      html_url: `https://github.com/${owner}/${repo}/pull/${issueNumber}`,
      diff_url: `https://github.com/${owner}/${repo}/pull/${issueNumber}.diff`,
      patch_url: `https://github.com/${owner}/${repo}/pull/${issueNumber}.patch`,
      issue_url: `${api}/issues/${issueNumber}`,
      commits_url: `${api}/pulls/${issueNumber}/commits`,
      review_comments_url: `${api}/pulls/${issueNumber}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${issueNumber}/comments`,
      statuses_url: `${api}/statuses/${merged.headSha}`,
      number: issueNumber,
      state: 'closed',
      locked: false,
      title: 'Raise the dev queue depth alarm',
      user: { login: OCTOCAT.login, id: OCTOCAT.id, type: OCTOCAT.type, site_admin: false },
      body: 'Raises the alarm threshold; the plan comment below shows what changes.',
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: '2026-11-20T09:02:11Z',
      updated_at: '2026-11-20T10:41:57Z',
      closed_at: '2026-11-20T10:41:56Z',
      merged_at: '2026-11-20T10:41:56Z',
      merge_commit_sha: merged.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: 'octocat:alarm', ref: 'alarm', sha: merged.headSha, user: { login: OCTOCAT.login, id: OCTOCAT.id, type: OCTOCAT.type }, repo: repository },
      base: { label: `${owner}:main`, ref: 'main', sha: '9049f1265b7d61be4a8904a9a27120d2064dab3b', user: { login: owner, id: 95012345, type: 'Organization' }, repo: repository },
      _links: {
        self: { href: `${api}/pulls/${issueNumber}` },
        html: { href: `https://github.com/${owner}/${repo}/pull/${issueNumber}` },
        issue: { href: `${api}/issues/${issueNumber}` },
        comments: { href: `${api}/issues/${issueNumber}/comments` },
        review_comments: { href: `${api}/pulls/${issueNumber}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${issueNumber}/commits` },
        statuses: { href: `${api}/statuses/${merged.headSha}` },
      },
      author_association: 'MEMBER',
      auto_merge: null,
      draft: false,
    };
  };

  async function readBody(req: IncomingMessage): Promise<{ body?: string } | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string }) : undefined;
  }

  async function handle(req: IncomingMessage): Promise<{ status: number; json: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', baseUrl);
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', path: url.pathname + url.search, ...(body ? { body } : {}) });
    if (req.headers.authorization !== `token ${TOKEN}`) return { status: 401, json: { message: 'Bad credentials' } };
    if (state.readOnly && req.method !== 'GET') {
      return { status: 403, json: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '403' } };
    }
    const pullsOf = new RegExp(`^/repos/${owner}/${repo}/commits/([0-9a-f]{40})/pulls$`).exec(url.pathname);
    if (pullsOf && req.method === 'GET') {
      const merged = state.merged;
      const associated = merged && (merged.commits ?? [merged.mergeCommitSha]).includes(pullsOf[1]!);
      return { status: 200, json: associated ? [pullView(merged)] : [] };
    }
    const list = `/repos/${owner}/${repo}/issues/${issueNumber}/comments`;
    const one = new RegExp(`^/repos/${owner}/${repo}/issues/comments/(\\d+)$`).exec(url.pathname);
    if (url.pathname === list && req.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(comments.length / perPage));
      const link = (p: number, rel: string) => `<${baseUrl}${list}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
      return { status: 200, json: comments.slice((page - 1) * perPage, page * perPage).map(view), headers: links.length ? { link: links.join(', ') } : {} };
    }
    if (url.pathname === list && req.method === 'POST') {
      const comment = { id: nextId++, user: ACTIONS_BOT, body: body?.body ?? '' };
      comments.push(comment);
      return { status: 201, json: view(comment) };
    }
    const found = one && comments.find((c) => c.id === Number(one[1]));
    if (found && req.method === 'PATCH') {
      found.body = body?.body ?? '';
      return { status: 200, json: view(found) };
    }
    return { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  }

  return {
    baseUrl,
    comments,
    requests,
    state,
    add(user: FakeUser, body: string): StoredComment {
      const comment = { id: nextId++, user, body };
      comments.push(comment);
      return comment;
    },
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}
