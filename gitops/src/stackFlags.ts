import { existsSync } from 'node:fs';
import path from 'node:path';
import { GitopsError } from './errors';

/** `--stack <name> [--stacks-dir cdktf.out/stacks]`, the flags of every command that works on one synthesized stack. */
export const STACK_FLAGS_USAGE = '--stack <name> [--stacks-dir cdktf.out/stacks]';
export const STACK_FLAGS = { stack: { type: 'string' }, 'stacks-dir': { type: 'string', default: 'cdktf.out/stacks' } } as const;

/** The stack's terraform working directory, checked to hold a synthesized stack. */
export function stackDirectory(flags: { readonly stack?: string; readonly 'stacks-dir': string }): { stack: string; dir: string } {
  const stack = flags.stack!;
  const dir = path.join(flags['stacks-dir'], stack);
  if (!existsSync(path.join(dir, 'cdk.tf.json'))) throw new GitopsError(`no stack ${stack} in ${flags['stacks-dir']}: run npm run synth first`);
  return { stack, dir };
}
