import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { listTemplateCopies, parseNow, renderCopies } from './copyListing';
import { parseFlags } from './flags';

const USAGE = 'npm run gitops -- copies [--now <ISO time>] [--template <name>] [--account <id>] [--environments environments]   (reads the state buckets of the templates)';

/** Lists every on-demand copy of every template: to stdout, and to the job summary in Actions. */
export const copiesCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { now: { type: 'string' }, template: { type: 'string' }, account: { type: 'string' }, environments: { type: 'string', default: 'environments' } });
    const now = parseNow(flags.now, USAGE);
    const table = renderCopies(await listTemplateCopies(loadEnvironments(flags.environments), flags), now);
    // outside Actions writeSummary prints it already
    if (process.env.GITHUB_STEP_SUMMARY) process.stdout.write(`${table}\n`);
    writeSummary(table);
  },
};
