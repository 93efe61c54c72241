import { destroy, init } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- destroy ${STACK_FLAGS_USAGE}`;

/** init + destroy of one stack; only ever reached behind the guard step (ephemeral environments only). */
export const destroyCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { stack, dir } = stackDirectory(parseFlags(USAGE, argv, STACK_FLAGS, ['stack']));
    await init(dir);
    process.stdout.write((await destroy(dir)).stdout);
    writeSummary(`### ${stack} destroyed\n`);
  },
};
