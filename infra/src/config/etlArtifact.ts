import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The ETL zip a stack deploys, as described by its manifest. */
export interface EtlArtifact {
  readonly version: string;
  /** Absolute path of the zip. */
  readonly zipPath: string;
  readonly sha256: string;
  /** What Lambda reports as CodeSha256, so terraform sees code changes. */
  readonly base64Sha256: string;
  readonly bytes: number;
}

const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.int().nonnegative(),
});

/** What `npm run build -w etl` writes next to the zip, and what a release carries as an asset. */
export type EtlManifest = z.infer<typeof manifestSchema>;

export class EtlArtifactError extends Error {
  override readonly name = 'EtlArtifactError';
}

export const BUILD_COMMAND = 'npm run build -w etl';
export const FETCH_COMMAND = 'npm run gitops -- etl-fetch';
export const BUMP_COMMAND = 'npm version patch -w etl --no-git-tag-version';

/** The GitHub release that holds one ETL version's zip and manifest; environments pin versions by it. */
export const releaseTag = (version: string): string => `etl-v${version}`;

/** The manifest `npm run build -w etl` writes next to the zip (and a release carries). */
export function manifestFileName(version: string): string {
  return `analytics-etl-${version}.manifest.json`;
}

/**
 * Where `etl-fetch` puts release etl-v<version>: apart from the local build in etl/dist, which therefore can never
 * stand in for a release, even of the same version.
 */
export function releaseDir(distDir: string, version: string): string {
  return path.join(distDir, 'releases', version);
}

/** The version in etl/package.json: what an environment without a pin deploys. */
export function currentEtlVersion(etlDir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(etlDir, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new EtlArtifactError(`${path.join(etlDir, 'package.json')}: no "version"`);
  return pkg.version;
}

/** Parses a manifest read from `source` (a file, or a release asset). */
export function parseManifest(text: string, source: string): EtlManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EtlArtifactError(`${source}: not JSON (${(error as Error).message})`);
  }
  const manifest = manifestSchema.safeParse(json);
  if (!manifest.success) throw new EtlArtifactError(`${source}: not an ETL manifest (${manifest.error.issues[0]?.message})`);
  return manifest.data;
}

/** How to put a missing or broken artifact right, by where it comes from. */
const REMEDY = {
  build: `run \`${BUILD_COMMAND}\` (npm run synth does it for you)`,
  release: `run \`${FETCH_COMMAND}\` (needs GITHUB_TOKEN), which downloads the release again`,
} as const;

/**
 * Finds `<dir>/analytics-etl-<version>.manifest.json` and its zip, and checks the zip is the one the manifest describes.
 * `from` says whether `dir` holds the local build or a fetched release, for the message when something is wrong.
 */
export function loadEtlArtifact(dir: string, version: string, from: keyof typeof REMEDY = 'build'): EtlArtifact {
  const manifestPath = path.join(dir, manifestFileName(version));
  if (!existsSync(manifestPath)) {
    throw new EtlArtifactError(`ETL ${version} is not ${from === 'build' ? 'built' : `fetched from release ${releaseTag(version)}`} (${manifestPath} not found); ${REMEDY[from]}`);
  }
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  if (manifest.version !== version) throw new EtlArtifactError(`${manifestPath}: says version ${manifest.version}, expected ${version}`);

  const zipPath = path.resolve(dir, manifest.file);
  if (!existsSync(zipPath)) throw new EtlArtifactError(`${zipPath}: missing (named by ${manifestPath}); ${REMEDY[from]}`);
  const digest = createHash('sha256').update(readFileSync(zipPath)).digest();
  if (digest.toString('hex') !== manifest.sha256) {
    throw new EtlArtifactError(`${zipPath}: sha256 ${digest.toString('hex')} differs from ${manifestPath}; ${REMEDY[from]}`);
  }
  return { version, zipPath, sha256: manifest.sha256, base64Sha256: digest.toString('base64'), bytes: manifest.bytes };
}

/** The message when a released version and this checkout's build of it differ; the version check says the same. */
export function releasedElsewhereMessage(version: string, released: string, built: string): string {
  return (
    `etl ${version} is released (${releaseTag(version)}) with sha256 ${released} but this checkout builds ${built}: released zips ` +
    `are immutable, so bump etl/package.json (e.g. \`${BUMP_COMMAND}\`)`
  );
}

/** An environment's `etl.version` and the file that sets it. */
export interface EtlPin {
  readonly version: string;
  readonly file: string;
}

/**
 * The zip an environment deploys. A pinned version is only ever its fetched release (etl/dist/releases/<version>/).
 * Without a pin it is this checkout's build of the current version; when that version is released and fetched too, the
 * build must be the release byte for byte, so one version never names two zips.
 */
export function resolveEtlArtifact(etlDir: string, pin: EtlPin | undefined): EtlArtifact {
  const distDir = path.join(etlDir, 'dist');
  if (pin) {
    try {
      return loadEtlArtifact(releaseDir(distDir, pin.version), pin.version, 'release');
    } catch (error) {
      if (error instanceof EtlArtifactError) throw new EtlArtifactError(`${pin.file}: etl.version: ${error.message}; or remove the pin to deploy the current version`);
      throw error;
    }
  }
  const version = currentEtlVersion(etlDir);
  const built = loadEtlArtifact(distDir, version, 'build');
  const released = releaseDir(distDir, version);
  if (existsSync(path.join(released, manifestFileName(version)))) {
    const release = loadEtlArtifact(released, version, 'release');
    if (release.sha256 !== built.sha256) throw new EtlArtifactError(releasedElsewhereMessage(version, release.sha256, built.sha256));
  }
  return built;
}
