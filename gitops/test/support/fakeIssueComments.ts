import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';

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

/**
 * GitHub's issue-comments REST API on a loopback port, for the real octokit of @actions/github (`getOctokit(token,
 * { baseUrl })`), so `paginate` follows real Link headers. Answers with the shape api.github.com returns
 * (https://docs.github.com/rest/issues/comments), as recorded from a pull request's comment list.
 */
export async function fakeIssueComments(owner: string, repo: string, issueNumber: number) {
  const comments: StoredComment[] = [];
  const requests: Request[] = [];
  /** Answers writes as GitHub does for a token without pull-requests: write. */
  const state = { readOnly: false };
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

  async function readBody(req: IncomingMessage): Promise<{ body?: string } | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string }) : undefined;
  }

  async function handle(req: IncomingMessage): Promise<{ status: number; json: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', baseUrl);
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', path: url.pathname + url.search, ...(body ? { body } : {}) });
    if (req.headers.authorization !== 'token ghs_fakeWorkflowToken') return { status: 401, json: { message: 'Bad credentials' } };
    if (state.readOnly && req.method !== 'GET') {
      return { status: 403, json: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '403' } };
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
