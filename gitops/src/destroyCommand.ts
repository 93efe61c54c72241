import { destroy, init } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { deleteRecordIfNoState, deleteRegionState } from './copyRegistry';
import { parseFlags } from './flags';
import { readStackBackend } from './stackBackend';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- destroy ${STACK_FLAGS_USAGE}`;
/** The destroy job has no concurrency group (a later dispatch would cancel it while pending): it queues on the state lock. */
export const DESTROY_LOCK_TIMEOUT = '30m';

/**
 * init + destroy of one stack; only ever reached behind the guard step (ephemeral environments only). An on-demand
 * copy's stack then leaves the registry: its region's state goes, and the copy's record with the last region's.
 */
export const destroyCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { stack, dir } = stackDirectory(parseFlags(USAGE, argv, STACK_FLAGS, ['stack']));
    const { copy, region } = readStackBackend({ stack, dir });
    await init(dir);
    process.stdout.write((await destroy(dir, { lockTimeout: DESTROY_LOCK_TIMEOUT })).stdout);
    if (!copy) return writeSummary(`### ${stack} destroyed\n`);
    await deleteRegionState(copy.bucket, copy.record.suffix, region);
    const left = await deleteRecordIfNoState(copy.bucket, copy.record.suffix);
    writeSummary(`### ${stack} destroyed\n\n${left.length > 0 ? `${copy.record.suffix} still has state in ${left.join(', ')}` : `${copy.record.suffix} is gone: no region left, record deleted`}\n`);
  },
};
