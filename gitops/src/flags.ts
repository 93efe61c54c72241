import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict `--flag value` parsing for one command: unknown flags, positionals and missing required flags are usage
 * errors that name the flag and show the command's usage line.
 */
export function parseFlags<const T extends Options>(usage: string, argv: readonly string[], options: T, required: readonly (keyof T & string)[] = []) {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usage}`);
  }
  const given = values as Record<string, unknown>;
  const missing = required.filter((name) => given[name] === undefined || given[name] === '');
  if (missing.length > 0) throw new UsageError(`${missing.map((name) => `--${name}`).join(', ')} is required\nusage: ${usage}`);
  return values;
}
