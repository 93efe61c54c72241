import type { ParseArgsConfig } from 'node:util';
import { strictFlags } from '../../infra/src/strictFlags';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict `--flag value` parsing for one command: unknown flags, positionals and missing required flags are usage
 * errors of one line that names the flag, followed by the command's usage line.
 */
export function parseFlags<const T extends Options>(usage: string, argv: readonly string[], options: T, required: readonly (keyof T & string)[] = []) {
  let values;
  try {
    values = strictFlags(argv, options);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usage}`);
  }
  const given = values as Record<string, unknown>;
  const missing = required.filter((name) => given[name] === undefined || given[name] === '');
  if (missing.length > 0) throw new UsageError(`${missing.map((name) => `--${name}`).join(', ')} is required\nusage: ${usage}`);
  return values;
}
