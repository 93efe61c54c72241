import path from 'node:path';
import semver from 'semver';
import { buildEtlArtifact, PACKAGE_JSON } from '../../etl/scripts/build';
import { buildInputs } from '../../etl/scripts/buildInputs';
import { BUMP_COMMAND, releasedElsewhereMessage, releaseTag } from '../../infra/src/config/etlArtifact';
import { changedEtlInputs } from './etlInputChanges';
import { publishedEtl, type Repository } from './etlPublishedRelease';
import { fileAt } from './git';
import type { Octokit } from './githubApi';

export interface EtlVersionInput {
  /** The zip's inputs that differ between the base and HEAD (see changedEtlInputs). */
  readonly changedInputs: readonly string[];
  /** etl/package.json's version at the base commit; undefined when the package did not exist yet. */
  readonly baseVersion: string | undefined;
  readonly headVersion: string;
  /** sha256 of the zip HEAD builds. */
  readonly built: string;
  /** sha256 of the zip of the published release of headVersion; undefined while it is not published. */
  readonly released: string | undefined;
}

export type EtlVersionVerdict = { readonly ok: boolean; readonly message: string };

/**
 * One version, one zip. The published release decides first: a base commit goes stale (another pull request may have
 * released the same version since), a release does not. Then, as before, changing what the zip is built from requires
 * a higher version than the base's; a bump without changes is allowed (e.g. to republish after a failed release).
 */
export function checkEtlVersion({ changedInputs, baseVersion, headVersion, built, released }: EtlVersionInput): EtlVersionVerdict {
  if (!semver.valid(headVersion)) return { ok: false, message: `etl/package.json: version "${headVersion}" is not a semantic version such as 1.4.0` };
  if (baseVersion !== undefined && semver.lt(headVersion, baseVersion)) {
    return { ok: false, message: `etl/package.json: version ${headVersion} is lower than ${baseVersion} on the base; versions only go up` };
  }
  if (released !== undefined) {
    return released === built
      ? { ok: true, message: `etl ${headVersion}: this checkout builds the published ${releaseTag(headVersion)} byte for byte` }
      : { ok: false, message: releasedElsewhereMessage(headVersion, released, built) };
  }
  if (baseVersion === undefined) return { ok: true, message: `etl ${headVersion}: first version` };
  if (semver.gt(headVersion, baseVersion)) return { ok: true, message: `etl ${baseVersion} -> ${headVersion}` };
  if (changedInputs.length === 0) return { ok: true, message: `etl ${headVersion}: nothing the zip is built from changed` };
  const listed = changedInputs.slice(0, 10).join(', ') + (changedInputs.length > 10 ? `, … (${changedInputs.length} inputs)` : '');
  return {
    ok: false,
    message:
      `what the ETL zip is built from changed (${listed}) but etl/package.json is still ${headVersion}: released zips are immutable, so ` +
      `bump it, e.g. \`${BUMP_COMMAND}\` (minor for new behaviour, major for breaking changes)`,
  };
}

export interface EtlVersionCheckout {
  /** The git work tree, checked out at HEAD. */
  readonly repoDir: string;
  /** The commit HEAD is compared with (a pull request's base). */
  readonly base: string;
  /** The etl/ package in it. */
  readonly etlDir: string;
}

/** Gathers the facts for checkEtlVersion: builds HEAD's zip in memory, diffs its inputs with the base, asks GitHub for the release. */
export async function etlVersionInput(octokit: Octokit, repository: Repository, { repoDir, base, etlDir }: EtlVersionCheckout): Promise<EtlVersionInput> {
  const { manifest, packed } = await buildEtlArtifact({ etlRoot: etlDir });
  const basePackage = await fileAt(base, path.relative(repoDir, path.join(etlDir, PACKAGE_JSON)), repoDir);
  const published = await publishedEtl(octokit, repository, manifest.version);
  return {
    changedInputs: await changedEtlInputs(repoDir, base, await buildInputs(packed, etlDir)),
    baseVersion: basePackage === undefined ? undefined : (JSON.parse(basePackage) as { version: string }).version,
    headVersion: manifest.version,
    built: manifest.sha256,
    released: published?.manifest.sha256,
  };
}
