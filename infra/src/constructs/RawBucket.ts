import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { policyDocument } from './policyDocument';

export interface RawBucketProps {
  readonly bucketName: string;
  /** Ephemeral environments empty the bucket on destroy; others refuse to destroy a non-empty bucket. */
  readonly forceDestroy: boolean;
  /** @default 90 */
  readonly glacierAfterDays?: number;
  /** Days a replaced or deleted object version is kept (the raw object stays recoverable this long). @default 30 */
  readonly noncurrentVersionDays?: number;
  /** @default 7 */
  readonly abortMultipartAfterDays?: number;
  /**
   * The bucket policy that denies requests without TLS. Off only for moto, which applies a Deny statement without
   * its Condition and would refuse every object request. @default true
   */
  readonly tlsOnlyPolicy?: boolean;
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

    new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
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
    if (props.tlsOnlyPolicy ?? true) this.denyInsecureTransport(bucket, publicAccessBlock);
    new S3BucketNotification(this, 'notification', { bucket: bucket.id, eventbridge: true });
  }

  private denyInsecureTransport(bucket: S3Bucket, publicAccessBlock: S3BucketPublicAccessBlock): void {
    new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      // S3 refuses concurrent policy and public-access-block changes on one bucket
      dependsOn: [publicAccessBlock],
      policy: policyDocument({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucket.arn, `${bucket.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      }),
    });
  }
}
