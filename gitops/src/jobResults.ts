import { z } from 'zod';
import { GitopsError } from './errors';

/** What a job ended as, as the `needs` context reports it. */
export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

const needsSchema = z.record(z.string(), z.object({ result: z.enum(['success', 'failure', 'cancelled', 'skipped']) }));

/** The results of the jobs a job needs, from `${{ toJSON(needs) }}` passed in an env variable. */
export function parseNeeds(json: string, flag: string): Record<string, JobResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new GitopsError(`${flag}: not JSON (${(error as Error).message}); pass \${{ toJSON(needs) }} through an env variable`);
  }
  const needs = needsSchema.safeParse(parsed);
  if (!needs.success) throw new GitopsError(`${flag}: not the needs context (${needs.error.issues[0]?.path.join('.')}: ${needs.error.issues[0]?.message}); pass \${{ toJSON(needs) }}`);
  return Object.fromEntries(Object.entries(needs.data).map(([job, { result }]) => [job, result]));
}
