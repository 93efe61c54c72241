import { currentEtlVersion } from '../../infra/src/config/etlArtifact';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { GitopsError } from './errors';
import { publishEtlRelease } from './etlRelease';
import { parseFlags } from './flags';
import { githubFromEnvironment } from './githubApi';

const USAGE = 'npm run gitops -- etl-release [--etl-dir etl]   (after npm run build:etl; needs GITHUB_TOKEN with contents: write)';

/** Publishes the built ETL version as a release once (see publishEtlRelease). */
export const etlReleaseCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { 'etl-dir': etlDir } = parseFlags(USAGE, argv, { 'etl-dir': { type: 'string', default: 'etl' } });
    const commit = process.env.GITHUB_SHA;
    if (!commit) throw new GitopsError('GITHUB_SHA is not set; the release is tagged at the commit being built');
    const { octokit, owner, repo } = await githubFromEnvironment();
    const version = currentEtlVersion(etlDir);
    const result = await publishEtlRelease(octokit, { owner, repo }, `${etlDir}/dist`, version, commit);
    writeSummary(`### ETL ${version}\n\n${result.created ? 'Published' : 'Already published (same zip)'}: [${result.tag}](${result.url})\n`);
  },
};
