import { isCopySuffix } from '../../infra/src/config/ephemeralCopy';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { copyRoleOutputs } from './copyRequest';
import { UsageError } from './errors';
import { copyTemplateToDestroy, type DispatchRequest, ephemeralEnvironment, integrationNote } from './ephemeralGuard';
import { parseFlags } from './flags';
import { matrixJson, stackEntries } from './stackMatrix';

const USAGE =
  'npm run gitops -- guard --action deploy|destroy --suffix <suffix> [--confirm <suffix>] [--template <ephemeral environment>] [--skip-integration true|false] [--environments environments]';

/**
 * The guard step of the dispatch workflows: outputs `environment` and the region `matrix`, or fails with the reason.
 * Destroying an on-demand copy (an `eph-` suffix) outputs `copy=true`, its `suffix`, and what the job that reaps it
 * needs: `environment` (its template's), `copy-role`, `copy-region`; `--template` names the template when several.
 */
export const guardCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      action: { type: 'string' },
      suffix: { type: 'string' },
      confirm: { type: 'string' },
      template: { type: 'string' },
      'skip-integration': { type: 'string', default: 'false' },
      environments: { type: 'string', default: 'environments' },
    }, ['action', 'suffix']);
    if (flags.action !== 'deploy' && flags.action !== 'destroy') throw new UsageError(`--action ${flags.action}: use deploy or destroy\nusage: ${USAGE}`);
    const skip = flags['skip-integration'];
    if (skip !== 'true' && skip !== 'false') throw new UsageError(`--skip-integration ${skip}: use true or false\nusage: ${USAGE}`);
    const environments = loadEnvironments(flags.environments);
    const request: DispatchRequest = { action: flags.action, suffix: flags.suffix!, confirm: flags.confirm };
    // a refusal throws: runCommand puts its message in the job summary
    if (flags.action === 'destroy' && isCopySuffix(request.suffix.trim())) {
      const template = copyTemplateToDestroy(environments, request, flags.template);
      const suffix = request.suffix.trim();
      setOutput('copy', 'true');
      setOutput('suffix', suffix);
      for (const [name, value] of Object.entries(copyRoleOutputs(template))) setOutput(name, value);
      writeSummary(`### destroy copy ${suffix} (template \`${template.name}\`)\n\nEvery region whose state the copy's record lists, then the record.\n`);
      return;
    }
    const environment = ephemeralEnvironment(environments, request);
    const entries = stackEntries([environment]);
    setOutput('copy', 'false');
    setOutput('environment', environment.name);
    setOutput('matrix', matrixJson(entries));
    writeSummary(`### ${flags.action} ${environment.name} (suffix \`${environment.suffix}\`)\n\nRegions: ${entries.map((e) => e.region).join(', ')}\n${integrationNote(skip === 'true')}`);
  },
};
