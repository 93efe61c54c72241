import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { outputs } from '../../infra/src/terraform/terraformCli';
import type { Command } from './command';
import { parseFlags } from './flags';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- stack-outputs ${STACK_FLAGS_USAGE} [--out outputs]`;

/**
 * Writes a deployed stack's `terraform output -json` values to `<out>/<stack>.json`, after `gitops deploy` in the
 * same job (the stack is initialized), for a later job of the run: the preview comment uploads them as an artifact.
 * They are the values the deploy's job summary shows already (resource names and ARNs), nothing more.
 */
export const stackOutputsCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { ...STACK_FLAGS, out: { type: 'string', default: 'outputs' } }, ['stack']);
    const { stack, dir } = stackDirectory(flags);
    mkdirSync(flags.out, { recursive: true });
    writeFileSync(path.join(flags.out, `${stack}.json`), `${JSON.stringify(await outputs(dir), null, 2)}\n`);
  },
};
