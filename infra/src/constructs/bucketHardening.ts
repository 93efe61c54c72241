import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { Construct } from 'constructs';
import { policyDocument } from './policyDocument';

export interface BucketHardeningProps {
  /**
   * The bucket policy that denies requests without TLS. Off only for moto, which applies a Deny statement without
   * its Condition and would refuse every object request. @default true
   */
  readonly tlsOnlyPolicy?: boolean;
}

/**
 * What every bucket of the platform gets (FSBP S3.1/S3.5/S3.8/S3.12): versioning, SSE-S3 with a bucket key, all
 * public access blocked, ACLs disabled (bucket owner enforced), and a TLS-only policy. Created in `scope` with fixed
 * ids (`versioning`, `encryption`, `public-access-block`, `ownership`, `policy`), so a bucket construct calls it once.
 */
export function hardenBucket(scope: Construct, bucket: S3Bucket, props: BucketHardeningProps = {}): void {
  new S3BucketVersioningA(scope, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  if (!(props.tlsOnlyPolicy ?? true)) return;
  new S3BucketPolicy(scope, 'policy', {
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
