import type { Writable } from 'node:stream';
import { ByteWriter } from 'hyparquet-writer';
import { endStream, writeChunk } from './backpressure';

const INITIAL_BUFFER_BYTES = 1024 * 1024;

/**
 * hyparquet-writer Writer that forwards the bytes encoded since the last flush to a Writable. ParquetWriter calls
 * flush() after each row group and waits for the returned promise, so a slow consumer (an S3 upload) paces the
 * encoding and at most one encoded row group is buffered here.
 */
export class StreamWriter extends ByteWriter {
  bytesWritten = 0;

  constructor(private readonly stream: Writable) {
    super(INITIAL_BUFFER_BYTES);
  }

  flush(): Promise<void> | undefined {
    if (this.index === 0) return undefined;
    // a copy: the buffer is reused for the next row group while the stream may still hold this chunk
    const chunk = Buffer.from(this.buffer.slice(0, this.index));
    this.index = 0;
    this.bytesWritten += chunk.length;
    return writeChunk(this.stream, chunk);
  }

  override async finish(): Promise<void> {
    await this.flush();
    await endStream(this.stream);
  }
}
