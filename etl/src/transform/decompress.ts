import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors';
import { remaining } from './remaining';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export interface OpenedBody {
  readonly compressed: boolean;
  /** The content, decompressed when it is gzip. */
  readonly chunks: AsyncIterable<Buffer>;
}

/** Counts the stored bytes as they are read (for gzip, the compressed size). */
export interface ByteCounter {
  bytes: number;
}

/**
 * Opens the object body: gzip when the key says so or the first bytes are the gzip magic. A key ending in .gz whose
 * content is not gzip, or a gzip stream that is corrupt or truncated, is a DataError BAD_GZIP.
 */
export async function openBody(body: Readable, gzipByName: boolean, counter: ByteCounter): Promise<OpenedBody> {
  const { head, chunks } = await peek(countBytes(body, counter), GZIP_MAGIC.length);
  const gzipMagic = head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (gzipByName && !gzipMagic && head.length > 0) {
    throw new DataError(
      'BAD_GZIP',
      'The key ends in .gz but the content is not gzip (it does not start with the bytes 1f 8b). ' +
        'Compress the file with gzip, or drop the .gz from the key.',
    );
  }
  return gzipMagic ? { compressed: true, chunks: gunzip(chunks) } : { compressed: false, chunks };
}

async function* countBytes(body: Readable, counter: ByteCounter): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    // S3 bodies yield Uint8Array, file streams Buffer; a string only if someone called setEncoding
    const buffer = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    counter.bytes += buffer.length;
    yield buffer;
  }
}

/** Reads at least `size` bytes (fewer only at the end) without losing them: `chunks` replays them first. */
async function peek(source: AsyncIterable<Buffer>, size: number): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const read: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) break;
    read.push(next.value);
    length += next.value.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* read;
    yield* remaining(iterator);
  }
  return { head: Buffer.concat(read), chunks: replay() };
}

async function* gunzip(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // The callback only keeps pipeline from throwing unhandled; the same error surfaces through the iteration below.
  const inflated = pipeline(Readable.from(compressed), createGunzip(), () => undefined);
  try {
    for await (const chunk of inflated as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    // zlib failures carry Z_* codes; anything else (a failing source stream) is not the file's fault
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new DataError(
        'BAD_GZIP',
        `The gzip content is corrupt or truncated (${(error as Error).message}). Re-upload the complete file.`,
      );
    }
    throw error;
  }
}
