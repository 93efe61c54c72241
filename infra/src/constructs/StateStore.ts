import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Construct } from 'constructs';
import { hardenBucket, type BucketHardeningProps } from './bucketHardening';
import { SAVED_PLANS_PREFIX } from './stateStoreKeys';

export interface StateStoreProps extends BucketHardeningProps {
  readonly bucketName: string;
  /** A DynamoDB lock table for the S3 backend's `dynamodb_table`. @default none: terraform's S3 lockfile (`use_lockfile`) locks */
  readonly lockTableName?: string;
  /**
   * Refuse to destroy the state: `prevent_destroy` on bucket and table, DynamoDB deletion protection. Off only on an
   * emulator, where tests tear everything down. @default true
   */
  readonly protect?: boolean;
  /** Days a saved plan is kept: its apply job may wait up to 30 days for approval (GitHub's limit). @default 35 */
  readonly savedPlanDays?: number;
  /** Days a replaced or expired saved plan's old version is kept; nothing ever reads one. @default 1 */
  readonly savedPlanNoncurrentDays?: number;
}

/**
 * Where every regional stack keeps its state: a versioned (each state write stays recoverable), SSE-S3, private,
 * owner-enforced, TLS-only bucket, and the optional lock table. The bucket is never emptied on destroy. It also
 * holds the plans `gitops plan --save` saves for a later apply job (they contain state and secrets, so they
 * stay out of workflow artifacts), expired once no approval can still be pending.
 */
export class StateStore extends Construct {
  readonly bucket: S3Bucket;
  readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    const protect = props.protect ?? true;
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: false, lifecycle: { preventDestroy: protect } });
    hardenBucket(this, this.bucket, props);
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          // S3 also removes the delete marker an expiration leaves once its noncurrent version is gone
          id: 'expire-saved-plans',
          status: 'Enabled',
          filter: [{ prefix: SAVED_PLANS_PREFIX }],
          expiration: [{ days: props.savedPlanDays ?? 35 }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.savedPlanNoncurrentDays ?? 1 }],
        },
      ],
    });

    if (props.lockTableName) {
      this.lockTable = new DynamodbTable(this, 'lock-table', {
        name: props.lockTableName,
        billingMode: 'PAY_PER_REQUEST',
        // the key terraform's S3 backend writes its locks and state digests under
        hashKey: 'LockID',
        attribute: [{ name: 'LockID', type: 'S' }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: protect,
        lifecycle: { preventDestroy: protect },
      });
    }
  }
}
