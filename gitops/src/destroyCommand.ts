import { destroy, init } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';

const USAGE = 'npm run gitops -- destroy --stack-dir cdktf.out/stacks/<stack>';

/** init + destroy of one stack; only ever reached behind the guard step (ephemeral environments only). */
export const destroyCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const dir = parseFlags(USAGE, argv, { 'stack-dir': { type: 'string' } }, ['stack-dir'])['stack-dir']!;
    await init(dir);
    process.stdout.write((await destroy(dir)).stdout);
    writeSummary(`### ${dir.split('/').pop()} destroyed\n`);
  },
};
