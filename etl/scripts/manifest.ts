import { createHash } from 'node:crypto';

/** Describes a built artifact; infra reads it to name, upload and pin the Lambda zip. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

export function createManifest(name: string, version: string, file: string, zip: Uint8Array): Manifest {
  const sha256 = createHash('sha256').update(zip).digest('hex');
  return { name, version, file, sha256, bytes: zip.byteLength };
}
