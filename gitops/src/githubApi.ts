import type { getOctokit } from '@actions/github';
import { GitopsError } from './errors';

/** The client @actions/github hands out; scripts take it as a parameter so tests can pass a recorded-shape fake. */
export type Octokit = ReturnType<typeof getOctokit>;

/** The HTTP status of an error octokit threw (404 missing, 403 not allowed, 422 invalid / exists already). */
export function httpStatus(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : undefined;
}

/** This workflow run's page, from the variables every Actions job has; undefined outside Actions. */
export function workflowRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  return GITHUB_RUN_ID ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}` : undefined;
}

/** The workflow's token and repository, from the step's environment. */
export async function githubFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<{ octokit: Octokit; owner: string; repo: string }> {
  const token = env.GITHUB_TOKEN;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token) throw new GitopsError('GITHUB_TOKEN is not set; give the step `env: GITHUB_TOKEN: ${{ github.token }}`');
  if (!owner || !repo) throw new GitopsError('GITHUB_REPOSITORY is not set (owner/repo); it is set in every Actions job');
  // loaded here so the commands that never talk to GitHub do not pay for octokit
  const { getOctokit } = await import('@actions/github');
  return { octokit: getOctokit(token), owner, repo };
}
