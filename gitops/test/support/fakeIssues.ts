import type { Octokit } from '../../src/githubApi';

export interface StoredIssue {
  readonly number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  readonly labels: string[];
  readonly comments: string[];
  /** Pull requests are issues too in this API; the drift sync must skip them. */
  readonly pull_request?: object;
}

/**
 * The issue calls the drift report makes, in memory, answering with the fields of api.github.com's responses that
 * it reads (number, html_url, labels[].name, pull_request), filtering by label and state as GitHub does.
 */
export function fakeIssuesApi(owner: string, repo: string, issues: StoredIssue[] = [], labels: string[] = []) {
  const htmlUrl = (n: number) => `https://github.com/${owner}/${repo}/issues/${n}`;
  const view = (issue: StoredIssue) => ({ ...issue, html_url: htmlUrl(issue.number), labels: issue.labels.map((name) => ({ name })), user: { login: 'github-actions[bot]', type: 'Bot' } });
  const find = (n: number) => {
    const issue = issues.find((i) => i.number === n);
    if (!issue) throw Object.assign(new Error('Not Found'), { status: 404 });
    return issue;
  };
  const api = {
    async listForRepo(params: { labels: string; state: 'open' | 'closed' }) {
      return { status: 200, data: issues.filter((i) => i.state === params.state && i.labels.includes(params.labels)).map(view) };
    },
    async createLabel(params: { name: string }) {
      if (labels.includes(params.name)) throw Object.assign(new Error('Validation Failed: already_exists'), { status: 422 });
      labels.push(params.name);
      return { status: 201, data: { name: params.name } };
    },
    async create(params: { title: string; body: string; labels: string[] }) {
      // as GitHub does for a token that may not create labels: unknown ones are silently dropped
      const known = params.labels.filter((label) => labels.includes(label));
      const issue: StoredIssue = { number: issues.length + 1, title: params.title, body: params.body, state: 'open', labels: known, comments: [] };
      issues.push(issue);
      return { status: 201, data: view(issue) };
    },
    async update(params: { issue_number: number; body?: string; state?: 'open' | 'closed' }) {
      const issue = find(params.issue_number);
      if (params.body !== undefined) issue.body = params.body;
      if (params.state !== undefined) issue.state = params.state;
      return { status: 200, data: view(issue) };
    },
    async createComment(params: { issue_number: number; body: string }) {
      find(params.issue_number).comments.push(params.body);
      return { status: 201, data: { id: 1, body: params.body } };
    },
  };
  return { octokit: { rest: { issues: api } } as unknown as Octokit, issues, labels };
}
