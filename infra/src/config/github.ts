import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from './errors';
import { validatedJsonFile } from './validatedJsonFile';

/** Next to the environment folders; loadEnvironments reads only folders, so this file is not taken for one. */
export const GITHUB_FILE = 'github.json';

/** GitHub's rules: owner 1-39 letters, digits, single hyphens inside; repository 1-100 letters, digits, `.`, `_`, `-`. */
const REPOSITORY = /^([A-Za-z0-9](?:-?[A-Za-z0-9]){0,38})\/([A-Za-z0-9._-]{1,100})$/;
const githubId = z.int().min(1, { error: 'must be a positive whole number (GitHub shows it as "id" in the REST API)' });

export const githubSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    /** `owner/repository` whose workflows may assume the roles. */
    repository: z
      .string()
      .regex(REPOSITORY, { error: 'must be "<owner>/<repository>" exactly as GitHub spells it, e.g. "example-org/analytics-platform" (no wildcards)' })
      .refine((value) => !/\/\.{1,2}$/.test(value), { error: 'the repository part cannot be "." or ".."' }),
    /**
     * Numeric owner and repository ids, for repositories whose OIDC tokens carry immutable subjects
     * (`repo:ORG@ID/REPO@ID:...`, repositories created or renamed after 2026-07-15). Without them the trust
     * policies name the plain `repo:ORG/REPO:...` form.
     */
    immutableIds: z.object({ owner: githubId, repository: githubId }).strict().optional(),
  })
  .strict();

export type GithubConfig = z.infer<typeof githubSchema>;

/** Reads and validates `<environmentsDir>/github.json`; throws an EnvironmentError naming the file and the field. */
export function loadGithubConfig(environmentsDir: string): GithubConfig {
  const file = path.join(path.relative(process.cwd(), environmentsDir) || '.', GITHUB_FILE);
  if (!existsSync(file)) {
    throw new EnvironmentError([`${file}: not found; it names the repository whose workflows assume the roles, e.g. { "repository": "example-org/analytics-platform" }`]);
  }
  const result = validatedJsonFile(file, githubSchema);
  if (!result.ok) throw new EnvironmentError(result.problems);
  return result.data;
}

/**
 * The `sub` claim prefix of the repository's OIDC tokens: `repo:ORG/REPO`, or `repo:ORG@ID/REPO@ID` with
 * immutable ids. A trust policy appends `:pull_request` or `:environment:<name>`.
 */
export function subjectPrefix(config: GithubConfig): string {
  const [owner, repository] = config.repository.split('/') as [string, string];
  const ids = config.immutableIds;
  return ids ? `repo:${owner}@${ids.owner}/${repository}@${ids.repository}` : `repo:${owner}/${repository}`;
}
