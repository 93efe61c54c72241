import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { openS3Sink } from '../src/s3Upload';
import { listKeys, pendingUploads, startTestAws, type TestAws } from './support/aws';
import { failCall, interceptCommand } from './support/faults';

const BUCKET = 'upload-test-bucket';
const MIB = 1024 * 1024;

/** `count` MiB in 1 MiB chunks, chunk i filled with byte i: more than 5 MiB makes a multipart upload. */
const mebibytes = (count: number): Readable => Readable.from(Array.from({ length: count }, (_, index) => Buffer.alloc(MIB, index)));

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('openS3Sink', () => {
  let aws: TestAws;

  beforeAll(async () => {
    aws = await startTestAws();
    await aws.createRawBucket(BUCKET);
  });

  afterAll(async () => {
    await aws.moto.stop();
  });

  const read = async (key: string): Promise<string> =>
    (await aws.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString() ?? '';

  it('creates the object on commit only, not when the producer ends its output', async () => {
    const sink = openS3Sink(aws.clients.s3, { bucket: BUCKET, key: 'processed/small.txt', contentType: 'text/plain' });
    await pipeline(Readable.from(['hello ', 'world']), sink.stream);

    expect(await listKeys(aws.clients.s3, BUCKET, 'processed/small')).toEqual([]);
    await sink.commit();
    expect(await read('processed/small.txt')).toBe('hello world');
  });

  it('refuses to commit output the producer has not ended', async () => {
    const sink = openS3Sink(aws.clients.s3, { bucket: BUCKET, key: 'processed/unended.txt', contentType: 'text/plain' });
    sink.stream.write('partial');

    await expect(sink.commit()).rejects.toThrow('committed before the producer ended its output');
    await sink.abort();
    expect(await listKeys(aws.clients.s3, BUCKET, 'processed/unended')).toEqual([]);
  });

  it('completes a multipart upload larger than one part', async () => {
    const sink = openS3Sink(aws.clients.s3, { bucket: BUCKET, key: 'processed/large.bin', contentType: 'application/octet-stream' });
    await pipeline(mebibytes(12), sink.stream);
    await sink.commit();

    const object = await aws.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'processed/large.bin' }));
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    expect(bytes.byteLength).toBe(12 * MIB);
    expect(bytes[11 * MIB]).toBe(11);
    expect(object.ETag).toMatch(/-3"$/);
  });

  it('aborts a multipart upload whose parts were sent: no object, no pending upload', async () => {
    const sink = openS3Sink(aws.clients.s3, { bucket: BUCKET, key: 'processed/abandoned.bin', contentType: 'application/octet-stream' });
    await pipeline(mebibytes(12), sink.stream);
    await waitFor(async () => (await pendingUploads(aws.clients.s3, BUCKET)).includes('processed/abandoned.bin'));

    await sink.abort();

    expect(await pendingUploads(aws.clients.s3, BUCKET)).toEqual([]);
    expect(await listKeys(aws.clients.s3, BUCKET, 'processed/abandoned')).toEqual([]);
  });

  it('fails the commit when a part failed, and leaves nothing behind', async () => {
    const removeFault = interceptCommand(aws.clients.s3, 'UploadPartCommand', failCall(2));
    try {
      const sink = openS3Sink(aws.clients.s3, { bucket: BUCKET, key: 'processed/broken.bin', contentType: 'application/octet-stream' });
      await pipeline(mebibytes(12), sink.stream);

      await expect(sink.commit()).rejects.toThrow('injected fault (call 2)');
    } finally {
      removeFault();
    }
    expect(await pendingUploads(aws.clients.s3, BUCKET)).toEqual([]);
    expect(await listKeys(aws.clients.s3, BUCKET, 'processed/broken')).toEqual([]);
  });

  it('fails a producer that would otherwise wait forever on an upload whose every part uploader failed', async () => {
    const removeFault = interceptCommand(aws.clients.s3, 'UploadPartCommand', failCall(1, true));
    try {
      const sink = openS3Sink(aws.clients.s3, { bucket: BUCKET, key: 'processed/dead.bin', contentType: 'application/octet-stream' });

      // 4 uploaders take a 5 MiB part each and fail; then nobody reads
      await expect(pipeline(mebibytes(40), sink.stream)).rejects.toThrow('injected fault');
      await sink.abort();
    } finally {
      removeFault();
    }
    expect(await pendingUploads(aws.clients.s3, BUCKET)).toEqual([]);
  });
});
