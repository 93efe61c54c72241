import { isUtf8 } from 'node:buffer';
import { DataError } from '../errors';

const REPLACEMENT = 0xfffd;

/** Bytes shown on each side of the first invalid byte in a NOT_UTF8 message. */
const CONTEXT_BYTES = 24;

/**
 * Checks a byte stream chunk by chunk with node's own UTF-8 validator (`buffer.isUtf8`, simdutf: a few ms per 40 MB).
 * A character split across chunks is checked whole; one still unfinished at the end is invalid.
 */
export class Utf8Validator {
  /** Bytes of a character the last chunk ended in the middle of. */
  private pending: Buffer = Buffer.alloc(0);
  /** Offset in the text of `pending`'s first byte (or of the next chunk when there is none). */
  private offset = 0;
  /** The last valid bytes before `offset`, to show where in the file an invalid byte is. */
  private recent: Buffer = Buffer.alloc(0);

  check(chunk: Buffer): void {
    let rest = chunk;
    if (this.pending.length > 0) {
      // the split character on its own, rather than copying the whole chunk behind it
      const taken = Math.min(chunk.length, sequenceLength(this.pending[0]!) - this.pending.length);
      const head = Buffer.concat([this.pending, chunk.subarray(0, taken)]);
      if (head.length < sequenceLength(head[0]!)) {
        this.pending = head; // chunks smaller than the character
        return;
      }
      this.accept(head);
      rest = chunk.subarray(taken);
    }
    const complete = completeLength(rest);
    this.accept(rest.subarray(0, complete));
    this.pending = Buffer.from(rest.subarray(complete));
  }

  end(): void {
    if (this.pending.length > 0) throw notUtf8(this.pending, this.offset, this.recent);
  }

  private accept(bytes: Buffer): void {
    if (!isUtf8(bytes)) throw notUtf8(bytes, this.offset, this.recent);
    this.offset += bytes.length;
    this.recent = lastBytes([this.recent, bytes.subarray(-CONTEXT_BYTES)]);
  }
}

/** Bytes of the character a byte starts: 1 for ASCII (and for a stray continuation byte, which isUtf8 refuses). */
function sequenceLength(byte: number): number {
  return byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
}

/** Length of `bytes` without a trailing character that is not complete yet (at most 3 bytes of a 2–4 byte sequence). */
function completeLength(bytes: Buffer): number {
  for (let at = bytes.length - 1; at >= Math.max(0, bytes.length - 4); at--) {
    if ((bytes[at]! & 0xc0) === 0x80) continue; // a continuation byte: the character starts further back
    return at + sequenceLength(bytes[at]!) > bytes.length ? at : bytes.length;
  }
  return bytes.length;
}

function notUtf8(bytes: Buffer, offset: number, before: Buffer): DataError {
  const at = firstInvalidByte(bytes);
  const context = printable(Buffer.concat([lastBytes([before, bytes.subarray(0, at)]), bytes.subarray(at, at + CONTEXT_BYTES)]));
  return new DataError(
    'NOT_UTF8',
    `The file is not UTF-8 text: byte 0x${hex(bytes[at]!)} at offset ${offset + at} of the text (in ` +
      `"${context}") is not valid UTF-8. It was probably saved as Latin-1 / Windows-1252 (Excel's ` +
      'plain "CSV"): save it as UTF-8 ("CSV UTF-8" in Excel, or iconv -f WINDOWS-1252 -t UTF-8) and upload it again.',
  );
}

/** The last CONTEXT_BYTES of the parts, as a copy (not a view that would keep a whole chunk alive). */
function lastBytes(parts: readonly Buffer[]): Buffer {
  return Buffer.from(Buffer.concat(parts).subarray(-CONTEXT_BYTES));
}

/**
 * `bytes` starts at a character boundary. A lossy decode puts U+FFFD where the first invalid sequence starts; one that
 * the bytes spell out (EF BF BD) is a real U+FFFD of the file.
 */
function firstInvalidByte(bytes: Buffer): number {
  let at = 0;
  for (const character of bytes.toString('utf8')) {
    const code = character.codePointAt(0)!;
    if (code === REPLACEMENT && !(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
    at += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return Math.min(at, bytes.length - 1);
}

/** Bytes as readable text: printable ASCII as is, anything else as \xNN. */
function printable(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) {
    text += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${hex(byte)}`;
  }
  return text;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
