import { PassThrough, Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export interface S3Target {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
}

/**
 * A streaming upload that only becomes an object on `commit()`. Ending `stream` does not complete it, so a
 * producer that ends its output and fails afterwards still leaves nothing a reader could take for complete.
 */
export interface S3Sink {
  readonly key: string;
  /** Where the producer writes; fails (is destroyed) if the upload fails, so the producer never waits forever. */
  readonly stream: Writable;
  /** Completes the upload; the producer must have ended `stream`. */
  commit(): Promise<void>;
  /** Abandons the upload; resolves once S3 has been told to drop the parts already sent. */
  abort(): Promise<void>;
}

/**
 * lib-storage's `Upload`: a multipart upload (parts of 5 MiB) that is invisible until completed, or a single PUT
 * sent at commit for output under 5 MiB. Uses PutObject (covers the multipart calls) and AbortMultipartUpload only.
 */
export function openS3Sink(s3: S3Client, target: S3Target): S3Sink {
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    params: { Bucket: target.bucket, Key: target.key, ContentType: target.contentType, Body: body },
  });
  const uploaded = upload.done();
  let producerEnded = false;

  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (body.write(chunk)) callback();
      else body.once('drain', () => callback());
    },
    // Deliberately not ending `body`: that would let lib-storage complete the upload.
    final(callback) {
      producerEnded = true;
      callback();
    },
  });
  // lib-storage settles only once its part uploaders stop: at the end of the body, or when every one of them has
  // failed, and then nobody reads `body` any more and the producer would wait for 'drain' forever.
  uploaded.catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
  // The failure reaches the producer through its write or pipeline and the caller through commit(); without a
  // listener, an 'error' nobody awaits at that moment would crash the process.
  stream.on('error', () => undefined);

  return {
    key: target.key,
    stream,
    async commit() {
      if (!producerEnded) throw new Error(`s3://${target.bucket}/${target.key}: committed before the producer ended its output`);
      body.end();
      await uploaded;
    },
    async abort() {
      // Not upload.abort(): that settles done() at once and sends AbortMultipartUpload later, in the background (or,
      // in a frozen Lambda, never). A failed body makes lib-storage abort the multipart upload before done() settles.
      body.destroy(new Error('upload abandoned'));
      await uploaded.catch(() => undefined);
    },
  };
}
