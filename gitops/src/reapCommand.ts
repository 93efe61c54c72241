import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { parseDeployTarget } from '../../infra/src/stacks/deployTarget';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { isoSeconds } from '../../infra/src/config/ephemeralCopy';
import { listTemplateCopies, parseNow } from './copyListing';
import { GitopsError, UsageError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment, workflowRunUrl } from './githubApi';
import { copiesToReap, reapCopies, type ReapSelection } from './reaper';
import { renderReap, syncCopyIssues } from './reapReport';

const USAGE =
  'npm run gitops -- reap [--now <ISO time>] | --suffix eph-<name> --confirm eph-<name> [--gone-ok]  [--template <name>] [--account <id>] [--target aws|localstack|moto] [--environments environments]   (GITHUB_TOKEN set: an issue per copy that could not be destroyed)';

/**
 * Destroys every expired on-demand copy (the scheduled reaper), or the one `--suffix` names (the destroy workflow),
 * then reports each in the job summary; with GITHUB_TOKEN each copy that could not be destroyed has one open issue.
 * Fails when any copy could not be destroyed, after trying every one. `--account` / `--template` keep a job to the
 * state buckets its role can read (the schedule runs one job per account, the destroy workflow in the template's).
 */
export const reapCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      now: { type: 'string' },
      suffix: { type: 'string' },
      confirm: { type: 'string' },
      'gone-ok': { type: 'boolean', default: false },
      target: { type: 'string' },
      template: { type: 'string' },
      account: { type: 'string' },
      environments: { type: 'string', default: 'environments' },
    });
    if (flags.suffix === undefined && flags.confirm !== undefined) throw new UsageError(`--confirm: repeats --suffix; give --suffix eph-<name> too\nusage: ${USAGE}`);
    if (flags.suffix === undefined && flags['gone-ok']) throw new UsageError(`--gone-ok: with --suffix only (a copy reaped already is nothing to destroy)\nusage: ${USAGE}`);
    if (flags.suffix !== undefined && flags.now !== undefined) throw new UsageError(`--now: destroys expired copies; --suffix names one to destroy now: give one of them\nusage: ${USAGE}`);
    const target = parseDeployTarget(flags.target, process.env);
    const now = parseNow(flags.now, USAGE);
    const selection: ReapSelection = flags.suffix === undefined ? { expiredAt: now } : { suffix: flags.suffix.trim(), confirm: flags.confirm?.trim(), goneOk: flags['gone-ok'] };
    const environments = loadEnvironments(flags.environments);
    const copies = copiesToReap(await listTemplateCopies(environments, flags), selection);
    const outcomes = await reapCopies(copies, { environmentsDir: flags.environments, target, ...('expiredAt' in selection ? { expiredAt: selection.expiredAt } : {}) });
    const runUrl = workflowRunUrl();
    writeSummary(renderReap(outcomes, 'suffix' in selection ? `destroy ${selection.suffix}` : `copies expired at ${isoSeconds(now)}`, runUrl));
    if (process.env.GITHUB_TOKEN) {
      const { octokit, owner, repo } = await githubFromEnvironment();
      for (const line of await syncCopyIssues(octokit, { owner, repo }, outcomes, runUrl)) process.stdout.write(`${line}\n`);
    }
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0) throw new GitopsError(`could not destroy ${failed.map((o) => o.copy.suffix).join(', ')} (of ${outcomes.length}); see the job summary`);
  },
};
