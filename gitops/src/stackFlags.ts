import { existsSync } from 'node:fs';
import path from 'node:path';
import { GitopsError } from './errors';
import { parseFlags } from './flags';

/** `--stack <name> [--stacks-dir cdktf.out/stacks]`, the flags of every command that works on one synthesized stack. */
export const STACK_FLAGS_USAGE = '--stack <name> [--stacks-dir cdktf.out/stacks]';

/** The stack's terraform working directory, checked to hold a synthesized stack. */
export function stackDirectory(usage: string, argv: readonly string[]): { stack: string; dir: string } {
  const flags = parseFlags(usage, argv, { stack: { type: 'string' }, 'stacks-dir': { type: 'string', default: 'cdktf.out/stacks' } }, ['stack']);
  const dir = path.join(flags['stacks-dir'], flags.stack!);
  if (!existsSync(path.join(dir, 'cdk.tf.json'))) throw new GitopsError(`no stack ${flags.stack} in ${flags['stacks-dir']}: run npm run synth first`);
  return { stack: flags.stack!, dir };
}
