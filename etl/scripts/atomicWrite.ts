import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes `file` under a temporary name and renames it into place: a reader sees the old file or the whole new one,
 * never half of it, and a hard link to the old file (tests link the zip) keeps the old bytes.
 */
export async function writeFileAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const partial = `${file}.${randomUUID()}.partial`;
  try {
    await writeFile(partial, data);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}
