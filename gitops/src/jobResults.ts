import { z } from 'zod';
import { parseJsonFlag } from './jsonFlag';

/** What a job ended as, as the `needs` context reports it. */
export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

const needsSchema = z.record(z.string(), z.object({ result: z.enum(['success', 'failure', 'cancelled', 'skipped']) }));

/** The results of the jobs a job needs, from `${{ toJSON(needs) }}` passed in an env variable. */
export function parseNeeds(json: string, flag: string): Record<string, JobResult> {
  const needs = parseJsonFlag(json, flag, needsSchema, 'the needs context');
  return Object.fromEntries(Object.entries(needs).map(([job, { result }]) => [job, result]));
}
