import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { Construct } from 'constructs';
import { hardenBucket, type BucketHardeningProps } from './bucketHardening';

export interface RawBucketProps extends BucketHardeningProps {
  readonly bucketName: string;
  /** Ephemeral environments empty the bucket on destroy; others refuse to destroy a non-empty bucket. */
  readonly forceDestroy: boolean;
  /** @default 90 */
  readonly glacierAfterDays?: number;
  /** Days a replaced or deleted object version is kept (the raw object stays recoverable this long). @default 30 */
  readonly noncurrentVersionDays?: number;
  /** @default 7 */
  readonly abortMultipartAfterDays?: number;
}

/**
 * The regional landing bucket: files arrive under `input/`, the ETL writes `processed/` and `rejected/`.
 * Versioned so a raw object is never lost; private, owner-enforced, TLS-only, SSE-S3; EventBridge notifications on.
 */
export class RawBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: RawBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy });
    this.bucket = bucket;

    hardenBucket(this, bucket, props);
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'archive-and-expire-old-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          transition: [{ days: props.glacierAfterDays ?? 90, storageClass: 'GLACIER' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortMultipartAfterDays ?? 7 }],
        },
      ],
    });
    new S3BucketNotification(this, 'notification', { bucket: bucket.id, eventbridge: true });
  }
}
