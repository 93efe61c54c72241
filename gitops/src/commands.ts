import type { Command } from './command';
import { guardCommand } from './guardCommand';
import { matrixCommand } from './matrixCommand';

/** Every `npm run gitops -- <name>` command the workflows call. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  matrix: matrixCommand,
  guard: guardCommand,
};
