import * as core from '@actions/core';
import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { UsageError } from './errors';
import { startLocalstack } from './localstackContainer';

const USAGE = 'npm run gitops -- emulator [--localstack http://localhost:4566] [--wait-seconds 120]   (LOCALSTACK_AUTH_TOKEN, when set, picks the current image)';

/**
 * Starts LocalStack for the integration suite and outputs `endpoint` + `emulator=localstack` once it is healthy; when it
 * cannot run (no docker, an image that exits without a token, a service down) it outputs an empty endpoint,
 * `emulator=moto` and a warning with the reason, and the suite starts moto itself. The gate never silently disappears:
 * the suite runs either way, and the warning says which emulator it ran on and why.
 */
export const emulatorCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      localstack: { type: 'string', default: 'http://localhost:4566' },
      'wait-seconds': { type: 'string', default: '120' },
    });
    const waitSeconds = Number(flags['wait-seconds']);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError(`--wait-seconds ${flags['wait-seconds']}: give a number of seconds\nusage: ${USAGE}`);
    const started = await startLocalstack({ endpoint: flags.localstack, hasAuthToken: Boolean(process.env.LOCALSTACK_AUTH_TOKEN), timeoutMs: waitSeconds * 1000 });
    if (started.healthy) {
      core.info(`LocalStack (${started.image}) is healthy at ${flags.localstack}`);
      setOutput('endpoint', flags.localstack);
      setOutput('emulator', 'localstack');
    } else {
      core.warning(`LocalStack (${started.image}) is not usable: ${started.reason}\nThe integration suite runs on moto instead.`);
      setOutput('endpoint', '');
      setOutput('emulator', 'moto');
    }
  },
};
