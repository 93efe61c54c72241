import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The repository, pull request and token the events below and the fake GitHub (fakePullRequest.ts) agree on. */
export const OWNER = 'acme';
export const REPO = 'analytics-platform';
export const PR = 42;
export const TOKEN = 'ghs_fakeWorkflowToken';
/** The pull request's last commit, as its pull_request events carry it. */
export const HEAD_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
/** The commit the merge made on main, which the deploy run's push event carries. */
export const MERGE_SHA = 'e5bd3914e2e596debea16f433f57875b5b90bcd6';

export const SAME_REPO = { full_name: `${OWNER}/${REPO}`, fork: false };
const repository = { id: 812345678, name: REPO, full_name: `${OWNER}/${REPO}`, fork: false, owner: { login: OWNER, type: 'Organization' } };

/** A pull_request event as GitHub writes it to GITHUB_EVENT_PATH (trimmed to the fields around the ones read). */
export function pullRequestEvent(headRepo: { full_name: string; fork: boolean } | null = SAME_REPO) {
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${PR}`,
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${PR}`,
      number: PR,
      state: 'open',
      title: 'Raise the dev queue depth alarm',
      user: { login: 'octocat', type: 'User' },
      head: { label: 'octocat:alarm', ref: 'alarm', sha: HEAD_SHA, repo: headRepo },
      base: { label: `${OWNER}:main`, ref: 'main', sha: '9049f1265b7d61be4a8904a9a27120d2064dab3b', repo: repository },
    },
    repository,
    sender: { login: 'octocat', type: 'User' },
  };
}

/** The push a merge makes on main, as GitHub writes it to GITHUB_EVENT_PATH (trimmed likewise). */
export function pushEvent() {
  return {
    ref: 'refs/heads/main',
    before: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
    after: MERGE_SHA,
    repository,
    pusher: { name: 'octocat', email: 'octocat@github.com' },
    sender: { login: 'octocat', type: 'User' },
    head_commit: { id: MERGE_SHA, message: 'Raise the dev queue depth alarm (#42)', author: { name: 'The Octocat', username: 'octocat' } },
  };
}

/** The variables Actions gives a step of a run on `event`, the event written to a file under `dir`. */
export function stepEnv(dir: string, event: object, eventName = 'pull_request', token: string | undefined = TOKEN) {
  const file = path.join(mkdtempSync(path.join(dir, 'event-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: file,
    // on a pull request the test merge of its head; on a push the pushed commit
    GITHUB_SHA: eventName === 'push' ? MERGE_SHA : 'f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '11223344',
    GITHUB_TOKEN: token,
  };
}
