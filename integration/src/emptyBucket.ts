import { DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Deletes every version and delete marker in a bucket, so `terraform destroy` finds it empty. The provider's own
 * force_destroy lists with `encoding-type=url`, which moto answers with keys that do not round-trip when they contain
 * spaces or `+`: the provider then deletes nothing and retries forever. Listing without the encoding avoids that.
 */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
    if (objects.length === 0) return deleted;
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    if (result.Errors?.length) throw new Error(`could not empty ${bucket}: ${result.Errors[0]?.Key}: ${result.Errors[0]?.Message}`);
    deleted += objects.length;
  }
}
