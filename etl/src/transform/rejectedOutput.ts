import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { writeChunk } from './backpressure';

/**
 * Rejected records as gzip-compressed JSON Lines `{ "line", "reason", "raw" }`. The destination is opened on the
 * first rejection only, so a clean file writes no rejected object.
 */
export class RejectedOutput {
  count = 0;
  bytesWritten = 0;
  /** "line N: reason" of the first rejection, to make a TOO_MANY_REJECTED_ROWS message actionable on its own. */
  firstRejection: string | undefined;
  private gzip: Gzip | undefined;
  private sink: Writable | undefined;

  constructor(private readonly open: () => Writable) {}

  add(line: number, reason: string, raw: string): Promise<void> | undefined {
    this.count++;
    this.firstRejection ??= `line ${line}: ${reason}`;
    return writeChunk(this.gzip ?? this.start(), `${JSON.stringify({ line, reason, raw })}\n`);
  }

  /** Ends the gzip stream, which ends the destination, and waits until the destination has taken everything. */
  async finish(): Promise<void> {
    if (!this.gzip || !this.sink) return;
    this.gzip.end();
    await finished(this.sink, { readable: false });
  }

  /** Stops compressing after a failure; the destination itself is the caller's to abort. */
  abort(): void {
    this.gzip?.unpipe();
    this.gzip?.destroy();
  }

  private start(): Gzip {
    const sink = this.open();
    const gzip = createGzip();
    gzip.on('data', (chunk: Buffer) => {
      this.bytesWritten += chunk.length;
    });
    // pipe() does not forward a destination error: fail the next write instead of waiting for a drain forever
    sink.on('error', (error) => gzip.destroy(error));
    gzip.pipe(sink);
    this.gzip = gzip;
    this.sink = sink;
    return gzip;
  }
}
