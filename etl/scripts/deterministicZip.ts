import { zipSync } from 'fflate';

/**
 * fflate writes DOS timestamps from the Date's local-time fields, so the date is built from
 * local fields too: the same bytes come out in every time zone (a UTC instant would not).
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Regular file, rw-r--r--: Lambda needs world-readable code and the DOS default carries no Unix mode. */
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;
const UNIX_OS = 3;

/** Same entries in, same bytes out: fixed timestamps, modes and compression level, entries sorted by name. */
export function deterministicZip(entries: Readonly<Record<string, Uint8Array>>): Uint8Array {
  // Code-unit order, not localeCompare, which depends on the machine's locale.
  const sorted = Object.keys(entries).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: Record<string, Uint8Array> = {};
  for (const name of sorted) {
    const data = entries[name];
    if (data) files[name] = data;
  }
  return zipSync(files, { level: 9, mtime: FIXED_MTIME, os: UNIX_OS, attrs: UNIX_FILE_0644 });
}
