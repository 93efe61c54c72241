import type { z } from 'zod';
import { GitopsError } from './errors';

/**
 * A JSON value one job hands the next through a flag (a matrix, `toJSON(needs)`), checked with `schema`. The messages
 * name the flag and `source`, what should have been passed.
 */
export function parseJsonFlag<S extends z.ZodType>(json: string, flag: string, schema: S, source: string): z.infer<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new GitopsError(`${flag}: not JSON (${(error as Error).message}); pass ${source}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new GitopsError(`${flag}: not ${source} (${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message})`);
  return result.data;
}
