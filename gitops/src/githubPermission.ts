import { GitopsError } from './errors';
import { httpStatus } from './githubApi';

/** A `permissions:` entry of a job, as the workflow YAML spells it. */
export type TokenPermission = 'actions: read' | 'deployments: read';

/**
 * Runs `read` with the job's GITHUB_TOKEN. GitHub answers 403 ("Resource not accessible by integration") when the
 * token lacks the permission; that becomes a message naming the `permissions:` entry to add, to the job and, for a
 * reusable workflow, to the job that calls it too (the caller's permissions cap the called workflow's token).
 */
export async function withTokenPermission<T>(permission: TokenPermission, what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (httpStatus(error) !== 403) throw error;
    throw new GitopsError(
      `GitHub refused to ${what} (403: ${(error as Error).message}). The job's GITHUB_TOKEN needs \`permissions: ${permission}\` ` +
        '(add it to the job, and to the calling job when this runs in a reusable workflow)',
    );
  }
}
