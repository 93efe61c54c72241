import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { UsageError } from './errors';
import { ephemeralEnvironment } from './ephemeralGuard';
import { parseFlags } from './flags';
import { matrixJson, stackEntries } from './stackMatrix';

const USAGE = 'npm run gitops -- guard --action deploy|destroy --suffix <suffix> [--confirm <suffix>] [--skip-integration true|false] [--environments environments]';

/** The guard step of the dispatch workflows: outputs `environment` and the region `matrix`, or fails with the reason. */
export const guardCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      action: { type: 'string' },
      suffix: { type: 'string' },
      confirm: { type: 'string' },
      'skip-integration': { type: 'string', default: 'false' },
      environments: { type: 'string', default: 'environments' },
    }, ['action', 'suffix']);
    if (flags.action !== 'deploy' && flags.action !== 'destroy') throw new UsageError(`--action ${flags.action}: use deploy or destroy\nusage: ${USAGE}`);
    const skip = flags['skip-integration'];
    if (skip !== 'true' && skip !== 'false') throw new UsageError(`--skip-integration ${skip}: use true or false\nusage: ${USAGE}`);
    // a refusal throws: runCommand puts its message in the job summary
    const environment = ephemeralEnvironment(loadEnvironments(flags.environments), { action: flags.action, suffix: flags.suffix!, confirm: flags.confirm });
    const entries = stackEntries([environment]);
    setOutput('environment', environment.name);
    setOutput('matrix', matrixJson(entries));
    // the one way past the integration gate is on the record of the run
    const gate = skip === 'true' ? '\n> [!WARNING]\n> The integration suite was **skipped** on request (input `skip-integration`): this commit deploys untested end to end.\n' : '';
    writeSummary(`### ${flags.action} ${environment.name} (suffix \`${environment.suffix}\`)\n\nRegions: ${entries.map((e) => e.region).join(', ')}\n${gate}`);
  },
};
