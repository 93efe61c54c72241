import { destroy, init } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- destroy ${STACK_FLAGS_USAGE}`;
/** The destroy job has no concurrency group (a later dispatch would cancel it while pending): it queues on the state lock. */
export const DESTROY_LOCK_TIMEOUT = '30m';

/** init + destroy of one stack; only ever reached behind the guard step (ephemeral environments only). */
export const destroyCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { stack, dir } = stackDirectory(parseFlags(USAGE, argv, STACK_FLAGS, ['stack']));
    await init(dir);
    process.stdout.write((await destroy(dir, { lockTimeout: DESTROY_LOCK_TIMEOUT })).stdout);
    writeSummary(`### ${stack} destroyed\n`);
  },
};
