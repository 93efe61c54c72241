import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { writeFileAtomically } from './atomicWrite';
import { DEFLATE_LEVEL, type DeflatedEntry, deflateEntry } from './deterministicZip';

/** Entries at least this big are cached: in practice libduckdb.so (70.5 MB); everything else deflates in milliseconds. */
export const CACHED_FROM_BYTES = 1024 * 1024;

/** fflate's version is part of the key: another release may deflate the same content to other bytes. */
const FFLATE_VERSION = (require('fflate/package.json') as { version: string }).version;

/**
 * deflateEntry with a disk cache: deflating libduckdb.so takes 4–8 s here and npm test builds the zip about eight
 * times, so its deflated bytes are kept in `cacheDir`, keyed by everything that decides them (the content's sha256,
 * the level, fflate's version), written atomically; a missing entry is computed again.
 */
export async function cachedDeflate(data: Uint8Array, cacheDir: string): Promise<DeflatedEntry> {
  if (data.byteLength < CACHED_FROM_BYTES) return deflateEntry(data);
  const key = `${createHash('sha256').update(data).digest('hex')}-level${DEFLATE_LEVEL}-fflate${FFLATE_VERSION}.deflate`;
  const file = path.join(cacheDir, key);
  const cached = await readFile(file).catch(() => undefined);
  if (cached) return { deflated: new Uint8Array(cached), crc: crc32(data), size: data.byteLength };
  const entry = deflateEntry(data);
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomically(file, entry.deflated);
  return entry;
}

/** `<...>/node_modules/@duckdb/x/y.so` → `<...>/node_modules/.cache/analytics-etl-zip`: beside the packages, ignored by git. */
export function cacheDirFor(installedFile: string): string {
  const parts = installedFile.split(path.sep);
  return path.join(parts.slice(0, parts.lastIndexOf('node_modules') + 1).join(path.sep), '.cache', 'analytics-etl-zip');
}
