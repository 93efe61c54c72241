import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { localstackImage } from './localstack';

const USAGE = 'npm run gitops -- localstack-image   (reads LOCALSTACK_AUTH_TOKEN)';

/** Outputs `image` for the service container: a job's `services:` cannot read secrets, a step can. */
export const localstackImageCommand: Command = {
  usage: USAGE,
  async run(argv) {
    parseFlags(USAGE, argv, {});
    setOutput('image', localstackImage(process.env.LOCALSTACK_AUTH_TOKEN));
  },
};
