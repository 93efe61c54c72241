import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { deflateEntry, deterministicZip } from '../scripts/deterministicZip';

const run = promisify(execFile);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Zips in a child process: setting TZ on jest's sandboxed process.env does not reach Node's clock. */
async function zipHexUnderTimeZone(timeZone: string): Promise<string> {
  const modulePath = path.join(__dirname, '..', 'scripts', 'deterministicZip');
  const script = `
    const { deterministicZip } = require(${JSON.stringify(modulePath)});
    const zip = deterministicZip({ 'index.js': new TextEncoder().encode('x') });
    process.stdout.write(Buffer.from(zip).toString('hex'));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, TZ: timeZone },
  });
  return stdout;
}

describe('deterministicZip', () => {
  it('does not depend on the order entries are given in', () => {
    const forward = deterministicZip({ 'a.js': bytes('a'), 'b.js': bytes('b') });
    const backward = deterministicZip({ 'b.js': bytes('b'), 'a.js': bytes('a') });

    expect(Buffer.from(backward).equals(Buffer.from(forward))).toBe(true);
    expect(Object.keys(unzipSync(forward))).toEqual(['a.js', 'b.js']);
  });

  it('takes an entry deflated beforehand as is: the same bytes as from its content', () => {
    const content = bytes('x'.repeat(10_000));
    const raw = deterministicZip({ 'node_modules/a/lib.so': content, 'index.js': bytes('a') });
    const deflated = deterministicZip({ 'node_modules/a/lib.so': deflateEntry(content), 'index.js': bytes('a') });

    expect(Buffer.from(deflated).equals(Buffer.from(raw))).toBe(true);
    expect(unzipSync(raw)['node_modules/a/lib.so']).toEqual(content);
  });

  it('marks every entry a Unix regular file rw-r--r-- in the central directory', () => {
    const zip = Buffer.from(deterministicZip({ 'a.js': bytes('a'), 'lib/b.so': bytes('b') }));
    const centralHeader = Buffer.from('PK\x01\x02', 'latin1');
    const modes: number[] = [];
    // each central directory header: external attributes at offset 38, the Unix mode in their high 16 bits
    for (let at = zip.indexOf(centralHeader); at >= 0; at = zip.indexOf(centralHeader, at + 1)) modes.push(zip.readUInt32LE(at + 38) >>> 16);
    expect(modes).toEqual([0o100644, 0o100644]);
  });

  it('stamps entries 1980-01-01 00:00 in the DOS time fields', () => {
    const header = Buffer.from(deterministicZip({ 'index.js': bytes('x') }));
    // Local file header: time at offset 10, date at 12 (day 1 | month 1 << 5 | (1980 - 1980) << 9).
    expect(header.readUInt16LE(10)).toBe(0);
    expect(header.readUInt16LE(12)).toBe(0x21);
  });

  it('produces the same bytes in time zones on both sides of UTC', async () => {
    const expected = Buffer.from(deterministicZip({ 'index.js': bytes('x') })).toString('hex');
    const [west, east] = await Promise.all([zipHexUnderTimeZone('Pacific/Pago_Pago'), zipHexUnderTimeZone('Pacific/Kiritimati')]);

    expect(west).toBe(expected);
    expect(east).toBe(expected);
  });
});
