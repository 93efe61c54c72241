import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { readDrift, renderDrift, syncDriftIssue } from './driftReport';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment, workflowRunUrl } from './githubApi';
import { stackEntries } from './stackMatrix';

const USAGE = 'npm run gitops -- drift-report --plans drift [--environments environments]   (needs GITHUB_TOKEN with issues: write)';

/** After the drift plans: summary + the drift issue; fails the job when anything drifted or could not be planned. */
export const driftReportCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { plans: { type: 'string' }, environments: { type: 'string', default: 'environments' } }, ['plans']);
    const stacks = stackEntries(loadEnvironments(flags.environments).filter((env) => !env.ephemeral)).map((e) => e.stack);
    const results = readDrift(flags.plans!, stacks);
    const body = renderDrift(results, workflowRunUrl());
    writeSummary(body);
    const { octokit, owner, repo } = await githubFromEnvironment();
    process.stdout.write(`${await syncDriftIssue(octokit, { owner, repo }, results, body)}\n`);
    const bad = results.filter((r) => r.status !== 'in-sync');
    if (bad.length > 0) throw new GitopsError(`${bad.map((r) => `${r.stack}: ${r.status}`).join(', ')}; see the job summary`);
  },
};
