import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import type { Command } from './command';
import { fetchEtlReleases } from './etlRelease';
import { parseFlags } from './flags';
import { githubFromEnvironment } from './githubApi';

const USAGE = 'npm run gitops -- etl-fetch [--etl-dir etl] [--environments environments]   (needs GITHUB_TOKEN)';

/** Before synth: puts every pinned ETL release into etl/dist (nothing to do, and no token needed, when none is pinned). */
export const etlFetchCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { 'etl-dir': { type: 'string', default: 'etl' }, environments: { type: 'string', default: 'environments' } });
    const pinned = loadEnvironments(flags.environments).flatMap((env) => (env.etl.version ? [env.etl.version] : []));
    if (pinned.length === 0) {
      process.stdout.write('no environment pins an ETL version\n');
      return;
    }
    const { octokit, owner, repo } = await githubFromEnvironment();
    const fetched = await fetchEtlReleases(octokit, { owner, repo }, `${flags['etl-dir']}/dist`, pinned);
    process.stdout.write(`pinned ETL versions: ${[...new Set(pinned)].join(', ')}; downloaded: ${fetched.join(', ') || 'none (already present)'}\n`);
  },
};
