import { crc32 } from 'node:zlib';
import { deflateSync, Zip, type ZipInputFile } from 'fflate';

/**
 * fflate writes DOS timestamps from the Date's local-time fields, so the date is built from
 * local fields too: the same bytes come out in every time zone (a UTC instant would not).
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Regular file, rw-r--r--: Lambda needs world-readable code and the DOS default carries no Unix mode (dlopen needs no x bit). */
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;
const UNIX_OS = 3;
const DEFLATE = 8;

/**
 * Level 6, not 9: on libduckdb.so (70.5 MB) level 9 saves 0.1% (23.77 vs 23.80 MB) for twice the time (8.6 vs 4.3 s).
 * Part of the bytes: changing it changes every zip.
 */
export const DEFLATE_LEVEL = 6;

/** An entry already compressed (see deflateEntry), e.g. taken from the build's cache instead of deflated again. */
export interface DeflatedEntry {
  readonly deflated: Uint8Array<ArrayBuffer>;
  /** CRC-32 and length of the uncompressed content. */
  readonly crc: number;
  readonly size: number;
}

/** Raw DEFLATE at DEFLATE_LEVEL by fflate: pure JS, so the same bytes on every machine (Node's zlib varies with CPU features). */
export function deflateEntry(data: Uint8Array): DeflatedEntry {
  return { deflated: deflateSync(data, { level: DEFLATE_LEVEL }), crc: crc32(data), size: data.byteLength };
}

/**
 * Same entries in, same bytes out: fixed timestamps, modes and compression level, entries sorted by name. An entry
 * given raw is deflated here; one given deflated goes in as is, so a 70 MB native library is compressed once per
 * machine, not once per build. fflate's streaming Zip takes such entries; it writes each size in a data descriptor
 * after the data (flag bit 3, as Java's jar tool does), which every unzip, Lambda's included, reads.
 */
export function deterministicZip(entries: Readonly<Record<string, Uint8Array | DeflatedEntry>>): Uint8Array {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  // Code-unit order, not localeCompare, which depends on the machine's locale.
  for (const name of Object.keys(entries).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const given = entries[name]!;
    const entry = given instanceof Uint8Array ? deflateEntry(given) : given;
    const file: ZipInputFile = {
      filename: name,
      size: entry.size,
      crc: entry.crc,
      compression: DEFLATE,
      mtime: FIXED_MTIME,
      os: UNIX_OS,
      attrs: UNIX_FILE_0644,
    };
    zip.add(file);
    file.ondata!(null, entry.deflated, true);
  }
  zip.end();
  if (failure) throw failure;
  const zipped = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    zipped.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return zipped;
}
