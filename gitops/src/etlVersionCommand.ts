import path from 'node:path';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { GitopsError } from './errors';
import { checkEtlVersion, etlVersionInput } from './etlVersionCheck';
import { parseFlags } from './flags';
import { githubFromEnvironment } from './githubApi';

const USAGE = 'npm run gitops -- etl-version --base <commit> [--etl-dir etl]   (needs GITHUB_TOKEN with contents: read, and the base commit: fetch-depth: 0)';

/**
 * Fails when what the ETL zip is built from changed since `--base` without a version bump, or when the version is
 * already released with another zip; outputs `version`.
 */
export const etlVersionCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { base: { type: 'string' }, 'etl-dir': { type: 'string', default: 'etl' } }, ['base']);
    const { octokit, owner, repo } = await githubFromEnvironment();
    const input = await etlVersionInput(octokit, { owner, repo }, { repoDir: process.cwd(), base: flags.base!, etlDir: path.resolve(flags['etl-dir']) });
    const verdict = checkEtlVersion(input);
    if (!verdict.ok) throw new GitopsError(verdict.message);
    setOutput('version', input.headVersion);
    writeSummary(`### ETL version\n\n${verdict.message}\n`);
  },
};
