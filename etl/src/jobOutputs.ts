import type { Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { OutputKeys } from './outputKeys';
import { openS3Sink, type S3Sink } from './s3Upload';

/** The Parquet upload of a job, and its rejected-rows upload once the first row is rejected. */
export class JobOutputs {
  readonly #parquet: S3Sink;
  #rejected: S3Sink | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly keys: OutputKeys,
  ) {
    this.#parquet = openS3Sink(s3, { bucket, key: keys.parquet, contentType: 'application/vnd.apache.parquet' });
  }

  get parquet(): Writable {
    return this.#parquet.stream;
  }

  /** Lazily, so a clean file writes no rejected object. */
  readonly openRejected = (): Writable => {
    this.#rejected ??= openS3Sink(this.s3, { bucket: this.bucket, key: this.keys.rejected, contentType: 'application/gzip' });
    return this.#rejected.stream;
  };

  get rejectedKey(): string | undefined {
    return this.#rejected?.key;
  }

  /** Rejected rows first: a reader takes the Parquet file as the sign of a finished job, so it lands last. */
  async commit(): Promise<void> {
    await this.#rejected?.commit();
    await this.#parquet.commit();
  }

  /** No-op for uploads already committed. */
  async abort(): Promise<void> {
    await Promise.all([this.#parquet.abort(), this.#rejected?.abort()]);
  }
}
