import path from 'node:path';
import { currentEtlVersion, releaseTag } from '../../infra/src/config/etlArtifact';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import type { Command } from './command';
import { fetchEtlReleases } from './etlFetch';
import { parseFlags } from './flags';
import { githubFromEnvironment } from './githubApi';

const USAGE = 'npm run gitops -- etl-fetch [--etl-dir etl] [--environments environments]   (needs GITHUB_TOKEN with contents: read)';

/** Before synth: puts every pinned ETL release, and the release of the current version if there is one, in etl/dist/releases/. */
export const etlFetchCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { 'etl-dir': { type: 'string', default: 'etl' }, environments: { type: 'string', default: 'environments' } });
    const pinned = loadEnvironments(flags.environments).flatMap((env) => (env.etl.version ? [env.etl.version] : []));
    const current = currentEtlVersion(flags['etl-dir']);
    const { octokit, owner, repo } = await githubFromEnvironment();
    const fetched = await fetchEtlReleases(octokit, { owner, repo }, path.join(flags['etl-dir'], 'dist'), pinned, current);
    process.stdout.write(
      `pinned ETL versions: ${fetched.pinned.join(', ') || 'none'}, all fetched\n` +
        (fetched.currentReleased
          ? `current ETL ${current}: ${releaseTag(current)} fetched; synth refuses a build of ${current} that differs from it\n`
          : `current ETL ${current}: not released yet; environments without a pin deploy this checkout's build\n`),
    );
  },
};
