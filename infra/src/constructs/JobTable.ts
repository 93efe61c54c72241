import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';

export interface JobTableProps {
  readonly tableName: string;
  /** Refuse `terraform destroy` of the ledger; off for ephemeral environments so they can be torn down. */
  readonly deletionProtection: boolean;
}

/** GSI answering "jobs with status S created between A and B" with one Query (created_at is ISO-8601 UTC). */
export const JOBS_BY_STATUS_INDEX = 'status-created_at-index';

/**
 * The job ledger: one item per source object version (`job_id`), on-demand, PITR, encrypted at rest.
 */
export class JobTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: JobTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'job_id',
      attribute: [
        { name: 'job_id', type: 'S' },
        { name: 'status', type: 'S' },
        { name: 'created_at', type: 'S' },
      ],
      globalSecondaryIndex: [{ name: JOBS_BY_STATUS_INDEX, hashKey: 'status', rangeKey: 'created_at', projectionType: 'ALL' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
    });
  }
}
