import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The built ETL zip a stack deploys, as described by its manifest (written by `npm run build -w etl`). */
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

export class EtlArtifactError extends Error {
  override readonly name = 'EtlArtifactError';
}

export const BUILD_COMMAND = 'npm run build -w etl';

/** The manifest `npm run build -w etl` writes next to the zip (and a release carries). */
export function manifestFileName(version: string): string {
  return `analytics-etl-${version}.manifest.json`;
}

/** The version in etl/package.json: what an environment without a pin deploys. */
export function currentEtlVersion(etlDir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(etlDir, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new EtlArtifactError(`${path.join(etlDir, 'package.json')}: no "version"`);
  return pkg.version;
}

/**
 * Finds `<distDir>/analytics-etl-<version>.manifest.json` and its zip, and checks the zip is the one the manifest describes.
 * `pinnedBy` names the environment file that pinned the version, for the message when it is missing.
 */
export function loadEtlArtifact(distDir: string, version: string, pinnedBy?: string): EtlArtifact {
  const manifestPath = path.join(distDir, manifestFileName(version));
  if (!existsSync(manifestPath)) {
    throw new EtlArtifactError(
      pinnedBy
        ? `${pinnedBy}: etl.version: ETL ${version} is not available (${manifestPath} not found); put that release's zip and manifest in ${distDir}/ or remove the pin to deploy the current version`
        : `ETL ${version} is not built (${manifestPath} not found); run \`${BUILD_COMMAND}\` first (npm run synth does it for you)`,
    );
  }
  const manifest = manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  if (!manifest.success) throw new EtlArtifactError(`${manifestPath}: not an ETL manifest (${manifest.error.issues[0]?.message}); rebuild with \`${BUILD_COMMAND}\``);
  if (manifest.data.version !== version) throw new EtlArtifactError(`${manifestPath}: says version ${manifest.data.version}, expected ${version}`);

  const zipPath = path.resolve(distDir, manifest.data.file);
  if (!existsSync(zipPath)) throw new EtlArtifactError(`${zipPath}: missing (named by ${manifestPath}); run \`${BUILD_COMMAND}\``);
  const digest = createHash('sha256').update(readFileSync(zipPath)).digest();
  if (digest.toString('hex') !== manifest.data.sha256) {
    throw new EtlArtifactError(`${zipPath}: sha256 ${digest.toString('hex')} differs from ${manifestPath}; rebuild with \`${BUILD_COMMAND}\``);
  }
  return { version, zipPath, sha256: manifest.data.sha256, base64Sha256: digest.toString('base64'), bytes: manifest.data.bytes };
}
