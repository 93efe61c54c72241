import { loadEnvironments, selectEnvironments } from '../../infra/src/config/loadEnvironments';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { checkEnvironmentProtection } from './environmentProtection';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment } from './githubApi';

const USAGE = 'npm run gitops -- environment-check --env <name> [--environments environments]   (needs GITHUB_TOKEN with actions: read)';

/**
 * Fails unless the GitHub environment `--env` exists and, when not ephemeral, lets only main deploy. Runs in a job
 * that names no environment, before the deploy jobs: once a job names a missing environment, GitHub has created it.
 */
export const environmentCheckCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { env: { type: 'string' }, environments: { type: 'string', default: 'environments' } }, ['env']);
    const [environment] = selectEnvironments(loadEnvironments(flags.environments), [flags.env!]);
    const { octokit, owner, repo } = await githubFromEnvironment();
    const settingsUrl = `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${owner}/${repo}/settings/environments`;
    const verdict = await checkEnvironmentProtection(octokit, { owner, repo }, environment!, settingsUrl);
    if (!verdict.ok) throw new GitopsError(verdict.message);
    writeSummary(`:lock: ${verdict.message}\n`);
  },
};
