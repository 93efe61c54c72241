import { writeFileSync } from 'node:fs';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { DEFAULT_TTL_HOURS, MAX_TTL_HOURS } from '../../infra/src/config/ephemeralCopy';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { copyDescription, copyOutputs, DISPATCH_INSTRUCTIONS, requestCopy } from './copyRequest';
import { UsageError } from './errors';
import { integrationNote } from './ephemeralGuard';
import { parseFlags } from './flags';

const USAGE =
  'npm run gitops -- copy --suffix eph-<name> --actor <login> [--template <ephemeral environment>] [--ttl-hours 24] [--pull-request <number>] [--out copy.json] [--skip-integration true|false] [--environments environments]';

/**
 * The guard of an on-demand copy (deploy-ephemeral with an `eph-` suffix): refuses a protected or unprefixed suffix, a
 * template that is not ephemeral and a lifetime past a week; writes the copy's record (`--out`, for `npm run synth --
 * --copy`) and outputs `environment` (the template's GitHub environment), `suffix`, `matrix`, `expires-at` and
 * `record`. `--skip-integration true` is recorded in the summary, as the folder environments' guard does.
 */
export const copyCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      template: { type: 'string' },
      suffix: { type: 'string' },
      'ttl-hours': { type: 'string', default: String(DEFAULT_TTL_HOURS) },
      actor: { type: 'string' },
      'pull-request': { type: 'string' },
      out: { type: 'string', default: 'copy.json' },
      'skip-integration': { type: 'string', default: 'false' },
      environments: { type: 'string', default: 'environments' },
    }, ['suffix', 'actor']);
    const skip = flags['skip-integration'];
    if (skip !== 'true' && skip !== 'false') throw new UsageError(`--skip-integration ${skip}: use true or false\nusage: ${USAGE}`);
    const pr = flags['pull-request'];
    if (pr !== undefined && !/^[1-9]\d*$/.test(pr)) throw new UsageError(`--pull-request ${pr}: a pull request number such as 42\nusage: ${USAGE}`);
    const ttl = flags['ttl-hours'];
    if (!/^\d+$/.test(ttl) || Number(ttl) < 1 || Number(ttl) > MAX_TTL_HOURS) {
      throw new UsageError(`--ttl-hours ${ttl}: a whole number of hours from 1 to ${MAX_TTL_HOURS} (a week); a copy needed for longer deserves an environment folder\nusage: ${USAGE}`);
    }
    const copy = requestCopy(loadEnvironments(flags.environments), {
      template: flags.template,
      suffix: flags.suffix!,
      ttlHours: Number(ttl),
      actor: flags.actor!,
      ...(pr === undefined ? {} : { pullRequest: Number(pr) }),
      now: new Date(),
    });
    writeFileSync(flags.out, `${JSON.stringify(copy.record, null, 2)}\n`);
    for (const [name, value] of Object.entries(copyOutputs(copy))) setOutput(name, value);
    writeSummary(`### deploy copy ${copy.record.suffix}\n\n${copyDescription(copy.record, copy.environment.regions.map((r) => r.name), DISPATCH_INSTRUCTIONS)}${integrationNote(skip === 'true')}`);
  },
};
