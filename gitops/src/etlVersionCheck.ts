import semver from 'semver';

/** What the released zip is built from; tests, benchmarks and fixtures do not change it. */
const RELEASED_FROM = [/^etl\/src\//, /^etl\/scripts\//, /^etl\/package\.json$/, /^etl\/tsconfig[^/]*\.json$/];

export interface EtlVersionInput {
  /** Paths changed between the base and the head commit, relative to the repository root. */
  readonly changedFiles: readonly string[];
  /** etl/package.json's version at the base commit; undefined when the package did not exist yet. */
  readonly baseVersion: string | undefined;
  readonly headVersion: string;
}

export type EtlVersionVerdict =
  | { readonly ok: true; readonly release: boolean; readonly message: string }
  | { readonly ok: false; readonly message: string };

/**
 * A released version must always name the same zip, so changing what the zip is built from requires a higher version
 * in etl/package.json; a bump without source changes is allowed (e.g. to republish after a failed release).
 */
export function checkEtlVersion({ changedFiles, baseVersion, headVersion }: EtlVersionInput): EtlVersionVerdict {
  if (!semver.valid(headVersion)) return { ok: false, message: `etl/package.json: version "${headVersion}" is not a semantic version such as 1.4.0` };
  const sources = changedFiles.filter((file) => RELEASED_FROM.some((pattern) => pattern.test(file)));
  if (baseVersion === undefined) return { ok: true, release: true, message: `etl ${headVersion}: first version` };
  if (semver.lt(headVersion, baseVersion)) {
    return { ok: false, message: `etl/package.json: version ${headVersion} is lower than ${baseVersion} on the base; versions only go up` };
  }
  if (semver.eq(headVersion, baseVersion)) {
    if (sources.length === 0) return { ok: true, release: false, message: `etl ${headVersion}: no ETL source changes` };
    const listed = sources.slice(0, 10).join(', ') + (sources.length > 10 ? `, … (${sources.length} files)` : '');
    return {
      ok: false,
      message:
        `ETL sources changed (${listed}) but etl/package.json is still ${headVersion}: released zips are immutable, so ` +
        `bump it, e.g. \`npm version patch -w etl --no-git-tag-version\` (minor for new behaviour, major for breaking changes)`,
    };
  }
  return { ok: true, release: true, message: `etl ${baseVersion} -> ${headVersion}` };
}
