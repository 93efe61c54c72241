/**
 * What a person operating one environment's ETL may do with `npm run jobs` and `npm run dlq:redrive`: read the job
 * ledger (the status index, one job), mark a FAILED job for replay and send its object's event again, and move the
 * dead-letter queue's messages back to the work queue. A managed policy per environment, for the account's
 * administrators to attach to the operators' permission set, group or role (people sign in through the account's own
 * identity provider, not through this repository). Nothing else: no object is read, written or deleted, no queue is
 * purged, no table changed beyond the job's item. The calls the commands really make are recorded in
 * integration/test/platform.test.ts and simulated against it.
 */
import { JOBS_BY_STATUS_INDEX } from '../constructs/JobTable';
import type { Environment } from '../config/loadEnvironments';
import { regionalNames } from '../config/names';
import type { PolicyStatement } from '../constructs/policyDocument';

/** The managed policy's name: one per environment. */
export function operatorPolicyName(environment: string): string {
  return `analytics-operator-${environment}`;
}

export function operatorStatements(account: string, env: Environment): PolicyStatement[] {
  const each = (arn: (names: ReturnType<typeof regionalNames>, region: string) => string) =>
    env.regions.map(({ name: region }) => arn(regionalNames(region, env.suffix), region));
  const table = each((n, region) => `arn:aws:dynamodb:${region}:${account}:table/${n.jobTable}`);
  const queue = each((n, region) => `arn:aws:sqs:${region}:${account}:${n.queue}`);
  const deadLetterQueue = each((n, region) => `arn:aws:sqs:${region}:${account}:${n.deadLetterQueue}`);
  return [
    { Sid: 'ListJobsByStatus', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: table.map((arn) => `${arn}/index/${JOBS_BY_STATUS_INDEX}`) },
    // show reads one job; replay moves FAILED → REPLAY_REQUESTED with a conditional update (and reads the old item back)
    { Sid: 'ShowAndReplayJobs', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: table },
    // replay checks the failed object version is still there (HeadObject with a version id)
    { Sid: 'CheckReplayedObjectVersion', Effect: 'Allow', Action: ['s3:GetObjectVersion'], Resource: each((n) => `arn:aws:s3:::${n.bucket}/input/*`) },
    { Sid: 'FindQueues', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], Resource: [...queue, ...deadLetterQueue] },
    // replay and redrive send to the work queue
    { Sid: 'SendToWorkQueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: queue },
    // redrive takes the dead-letter queue's messages, and gives back the ones it could not move
    { Sid: 'DrainDeadLetterQueue', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], Resource: deadLetterQueue },
  ];
}
