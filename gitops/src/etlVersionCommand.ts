import { currentEtlVersion } from '../../infra/src/config/etlArtifact';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { GitopsError } from './errors';
import { checkEtlVersion } from './etlVersionCheck';
import { parseFlags } from './flags';
import { changedFiles, fileAt } from './git';

const USAGE = 'npm run gitops -- etl-version --base <commit>';
const PACKAGE = 'etl/package.json';

/** Fails when ETL sources changed since `--base` without a version bump; outputs `version`. */
export const etlVersionCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { base } = parseFlags(USAGE, argv, { base: { type: 'string' } }, ['base']);
    const baseJson = await fileAt(base!, PACKAGE);
    const headVersion = currentEtlVersion('etl');
    const verdict = checkEtlVersion({
      changedFiles: await changedFiles(base!),
      baseVersion: baseJson === undefined ? undefined : (JSON.parse(baseJson) as { version: string }).version,
      headVersion,
    });
    if (!verdict.ok) throw new GitopsError(verdict.message);
    setOutput('version', headVersion);
    writeSummary(`### ETL version\n\n${verdict.message}\n`);
  },
};
