import { S3Client } from '@aws-sdk/client-s3';

/**
 * One S3 client for one piece of work, destroyed after it. Credentials and the endpoint (AWS_ENDPOINT_URL, e.g. an
 * emulator) come from the SDK's usual sources.
 */
export async function withS3<T>(region: string, work: (s3: S3Client) => Promise<T>): Promise<T> {
  // an emulator serves buckets by path: bucket names as host names do not resolve on its loopback address
  const s3 = new S3Client({ region, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });
  try {
    return await work(s3);
  } finally {
    s3.destroy();
  }
}
