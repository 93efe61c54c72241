import type { getOctokit } from '@actions/github';
import { GitopsError } from './errors';

/** The client @actions/github hands out; scripts take it as a parameter so tests can pass a recorded-shape fake. */
export type Octokit = ReturnType<typeof getOctokit>;

/** True for the 404 octokit throws when a release, comment or issue does not exist. */
export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404;
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
