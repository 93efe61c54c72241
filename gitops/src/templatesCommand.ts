import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { templateAccounts } from './copyRequest';
import { checkEnvironmentProtection } from './environmentProtection';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment } from './githubApi';

const USAGE = 'npm run gitops -- templates [--environments environments]   (needs GITHUB_TOKEN with actions: read)';

/**
 * The reaper's matrix: one entry per account that has templates (ephemeral environments), with the copies' role there,
 * the state bucket's region and the GitHub environment through which that role is assumed. Each such environment is
 * checked to exist first, as environment-check does: a job naming a missing environment would create it.
 */
export const templatesCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { environments: { type: 'string', default: 'environments' } });
    const environments = loadEnvironments(flags.environments);
    const accounts = templateAccounts(environments);
    const { octokit, owner, repo } = await githubFromEnvironment();
    const settingsUrl = `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${owner}/${repo}/settings/environments`;
    for (const account of accounts) {
      const environment = environments.find((env) => env.name === account.environment)!;
      const verdict = await checkEnvironmentProtection(octokit, { owner, repo }, environment, settingsUrl);
      if (!verdict.ok) throw new GitopsError(verdict.message);
    }
    setOutput('matrix', JSON.stringify({ include: accounts }));
    setOutput('count', String(accounts.length));
    const rows = accounts.map((a) => `| ${a.account} | ${a.templates} | ${a.environment} | ${a.region} |`);
    writeSummary(['### Accounts with templates', '', '| account | templates | GitHub environment | state region |', '| --- | --- | --- | --- |', ...rows, ''].join('\n'));
  },
};
