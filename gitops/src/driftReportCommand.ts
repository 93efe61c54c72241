import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { driftingEnvironments, readDrift, renderDrift, syncDriftIssue, withPendingDeploys } from './driftReport';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment, workflowRunUrl } from './githubApi';
import { pendingDeploys } from './pendingDeploy';
import { stackEntries } from './stackMatrix';

const USAGE = 'npm run gitops -- drift-report --plans drift [--environments environments]   (needs GITHUB_SHA, GITHUB_TOKEN with issues: write, deployments: read)';

/**
 * After the drift plans: summary + the drift issue; fails the job when anything drifted or could not be planned.
 * Changes in an environment that a deploy is still on its way to (waiting for approval, running) are that deploy,
 * reported as pending: they neither open the issue nor fail the job.
 */
export const driftReportCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { plans: { type: 'string' }, environments: { type: 'string', default: 'environments' } }, ['plans']);
    // the commit the drift jobs checked out and planned
    const checkedOut = process.env.GITHUB_SHA;
    if (!checkedOut) throw new GitopsError('GITHUB_SHA is not set (the commit the drift plans were made from); it is set in every Actions job');
    const planned = readDrift(flags.plans!, stackEntries(loadEnvironments(flags.environments).filter((env) => !env.ephemeral)));
    const { octokit, owner, repo } = await githubFromEnvironment();
    const pending = await pendingDeploys(octokit, { owner, repo }, driftingEnvironments(planned), checkedOut, new Date());
    const results = withPendingDeploys(planned, pending);
    const body = renderDrift(results, workflowRunUrl());
    writeSummary(body);
    process.stdout.write(`${await syncDriftIssue(octokit, { owner, repo }, results, body)}\n`);
    const bad = results.filter((r) => r.status === 'drift' || r.status === 'no-plan');
    if (bad.length > 0) throw new GitopsError(`${bad.map((r) => `${r.stack}: ${r.status}`).join(', ')}; see the job summary`);
  },
};
