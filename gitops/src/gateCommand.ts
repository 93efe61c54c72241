import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { parseNeeds } from './jobResults';

const USAGE = "npm run gitops -- gate --needs '<${{ toJSON(needs) }}>' --stops '<what does not run>'";

/**
 * After the gate jobs (build, integration suite, ETL release) of a deploy: when any did not succeed, says in the run
 * summary which, with its result, and what therefore did not run, and fails — a stopped deploy never looks like one
 * that had nothing to do.
 */
export const gateCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { needs: { type: 'string' }, stops: { type: 'string' } }, ['needs', 'stops']);
    const results = Object.entries(parseNeeds(flags.needs!, '--needs'));
    const stopped = results.filter(([, result]) => result !== 'success');
    const rows = results.map(([job, result]) => `| \`${job}\` | ${result === 'success' ? ':white_check_mark:' : ':x:'} ${result} |`);
    if (stopped.length === 0) {
      writeSummary(['### Gate passed', '', '| job | result |', '| :-- | :-- |', ...rows].join('\n'));
      return;
    }
    writeSummary([`### :no_entry: ${flags.stops} did not run`, '', `The gate stopped it: ${stopped.map(([job, result]) => `\`${job}\` ${result}`).join(', ')} (their logs say why).`, '', '| job | result |', '| :-- | :-- |', ...rows].join('\n'));
    throw new GitopsError(`${flags.stops} did not run: ${stopped.map(([job, result]) => `${job} ${result}`).join(', ')}`);
  },
};
