import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { localstackImage } from './localstack';

const USAGE = 'npm run gitops -- localstack-image   (reads HAS_LOCALSTACK_AUTH_TOKEN=true|false)';

/** Outputs `image` for the service container, from whether a token exists (the step never sees the token itself). */
export const localstackImageCommand: Command = {
  usage: USAGE,
  async run(argv) {
    parseFlags(USAGE, argv, {});
    setOutput('image', localstackImage(process.env.HAS_LOCALSTACK_AUTH_TOKEN === 'true'));
  },
};
