import { randomUUID } from 'node:crypto';
import type { ObjectCreated } from './objectCreatedEvent';

/** Where the replayed event claims to come from, as EventBridge stamps its events. */
export interface EventOrigin {
  readonly account: string;
  readonly region: string;
}

/**
 * The message a replay puts on the region's queue: the S3 "Object Created" event EventBridge delivers for the
 * object version (what parseObjectCreated reads), sent to the queue directly because EventBridge refuses
 * PutEvents with an `aws.*` source. S3 alone issues sequencers and request ids, so a replay has none; the ETL
 * keys a job on bucket + key + version id, not on them, and `reason` tells a reader of the queue it is a replay.
 */
export function replayEventBody(object: ObjectCreated, origin: EventOrigin): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: origin.account,
    time: object.time,
    region: origin.region,
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: '0',
      bucket: { name: object.bucket },
      object: { key: object.key, size: object.size, etag: object.etag, 'version-id': object.versionId, sequencer: '' },
      reason: 'Replay',
    },
  });
}
