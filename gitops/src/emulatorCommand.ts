import * as core from '@actions/core';
import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { UsageError } from './errors';
import { waitForLocalstack } from './localstack';

const USAGE = 'npm run gitops -- emulator [--localstack http://localhost:4566] [--wait-seconds 90]   (LOCALSTACK_IMAGE: named in the warning)';

/**
 * Picks the integration suite's emulator: outputs `endpoint` (LocalStack's, when its service container is healthy)
 * or an empty one plus a warning, and the suite then starts moto itself. The gate never silently disappears: the
 * suite runs either way, and the warning says which emulator it ran on and why.
 */
export const emulatorCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      localstack: { type: 'string', default: 'http://localhost:4566' },
      'wait-seconds': { type: 'string', default: '90' },
    });
    const waitSeconds = Number(flags['wait-seconds']);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError(`--wait-seconds ${flags['wait-seconds']}: give a number of seconds\nusage: ${USAGE}`);
    const probe = await waitForLocalstack(flags.localstack, waitSeconds * 1000);
    if (probe.healthy) {
      core.info(`LocalStack is healthy at ${flags.localstack}`);
      setOutput('endpoint', flags.localstack);
      setOutput('emulator', 'localstack');
    } else {
      core.warning(`LocalStack (${process.env.LOCALSTACK_IMAGE ?? 'image unknown'}) is not usable: ${probe.reason}; the integration suite runs on moto instead`);
      setOutput('endpoint', '');
      setOutput('emulator', 'moto');
    }
  },
};
