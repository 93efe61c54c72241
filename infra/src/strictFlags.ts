import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FlagError } from './config/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--name value` flags, strictly: no positionals, no unknown flags, a value for every string flag. A mistake throws a
 * FlagError of one line naming the flag; node's own messages run to three lines and suggest `--` for positionals,
 * which none of our commands take.
 */
export function strictFlags<const T extends Options>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new FlagError(flagProblem(argv, options) ?? (error as Error).message.split('\n')[0]);
  }
}

/** The first token the strict parse refuses, said in our words. */
function flagProblem(argv: readonly string[], options: Options): string | undefined {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') return `${token.value}: unexpected argument; every value follows its flag (--name value)`;
    if (token.kind !== 'option') continue;
    const type = Object.hasOwn(options, token.name) ? options[token.name]!.type : undefined;
    if (type === undefined) return `${token.rawName}: unknown flag`;
    if (type === 'boolean' && token.value !== undefined) return `${token.rawName}: takes no value`;
    // the non-strict parse takes the next flag as the value; the strict one calls that ambiguous
    const missing = token.value === undefined || (!token.inlineValue && token.value.startsWith('-'));
    if (type === 'string' && missing) return `${token.rawName}: needs a value (${token.rawName} <value>)`;
  }
  return undefined;
}
