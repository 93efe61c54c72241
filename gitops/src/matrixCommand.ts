import { loadEnvironments, selectEnvironments } from '../../infra/src/config/loadEnvironments';
import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { matrixJson, stackEntries } from './stackMatrix';

const USAGE = 'npm run gitops -- matrix [--env <name> ...] [--deployable] [--environments environments]';

/**
 * Outputs `matrix` (one job per environment × region, validated by the same schema as synth) and `count` (a matrix
 * with no entries fails the workflow, so jobs test `count != '0'`). `--deployable`: only what merge to main deploys.
 */
export const matrixCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      env: { type: 'string', multiple: true, default: [] },
      deployable: { type: 'boolean', default: false },
      environments: { type: 'string', default: 'environments' },
    });
    const selected = selectEnvironments(loadEnvironments(flags.environments), flags.env);
    const entries = stackEntries(flags.deployable ? selected.filter((env) => !env.ephemeral) : selected);
    setOutput('matrix', matrixJson(entries));
    setOutput('count', String(entries.length));
  },
};
