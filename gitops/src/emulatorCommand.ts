import * as core from '@actions/core';
import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { localstackImage, waitForLocalstack } from './localstack';

const USAGE = 'npm run gitops -- emulator [--localstack http://localhost:4566] [--wait-seconds 90]';

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
    const probe = await waitForLocalstack(flags.localstack, Number(flags['wait-seconds']) * 1000);
    if (probe.healthy) {
      core.info(`LocalStack is healthy at ${flags.localstack}`);
      setOutput('endpoint', flags.localstack);
      setOutput('emulator', 'localstack');
    } else {
      core.warning(`LocalStack (${localstackImage(process.env.LOCALSTACK_AUTH_TOKEN)}) is not usable: ${probe.reason}; the integration suite runs on moto instead`);
      setOutput('endpoint', '');
      setOutput('emulator', 'moto');
    }
  },
};
