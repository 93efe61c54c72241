import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobStatus } from './jobLedger';

/** The state a write expects a job in, as its writer last saw it: every transition is conditioned on it. */
export interface ExpectedState {
  readonly status: JobStatus;
  readonly attempt: number;
}

/**
 * SET / REMOVE on the job only while it has `expected`'s status and attempt; undefined values are left out.
 * Otherwise DynamoDB refuses with ConditionalCheckFailedException, carrying the item as it is (ALL_OLD).
 */
export async function updateJobIf(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  expected: ExpectedState,
  set: Record<string, unknown>,
  remove: readonly string[] = [],
): Promise<void> {
  const names: Record<string, string> = { '#status': 'status', '#attempt': 'attempt' };
  const values: Record<string, unknown> = { ':status': expected.status, ':attempt': expected.attempt };
  const assignments = Object.entries(set)
    .filter(([, value]) => value !== undefined)
    .map(([name, value], index) => {
      names[`#s${index}`] = name;
      values[`:s${index}`] = value;
      return `#s${index} = :s${index}`;
    });
  const removals = remove.map((name, index) => {
    names[`#r${index}`] = name;
    return `#r${index}`;
  });
  await ddb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { job_id: jobId },
      UpdateExpression: `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`,
      ConditionExpression: '#status = :status AND #attempt = :attempt',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
}
