import { destroy, init } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- destroy ${STACK_FLAGS_USAGE}`;

/** init + destroy of one stack; only ever reached behind the guard step (ephemeral environments only). */
export const destroyCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { stack, dir } = stackDirectory(USAGE, argv);
    await init(dir);
    process.stdout.write((await destroy(dir)).stdout);
    writeSummary(`### ${stack} destroyed\n`);
  },
};
