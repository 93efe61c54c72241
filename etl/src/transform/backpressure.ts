import type { Writable } from 'node:stream';

/**
 * Writes a chunk and, only when the stream asks to slow down, returns a promise that settles on 'drain' (or rejects
 * if the stream fails first). No promise on the fast path, so callers can skip the await.
 */
export function writeChunk(stream: Writable, chunk: Uint8Array | string): Promise<void> | undefined {
  if (stream.destroyed) throw stream.errored ?? new Error('output stream was destroyed');
  if (stream.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      stream.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(stream.errored ?? new Error('output stream closed before it drained'));
    stream.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}
