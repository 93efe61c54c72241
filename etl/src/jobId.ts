import { createHash } from 'node:crypto';
import type { ObjectCreated } from './objectCreatedEvent';

/**
 * One job per object version: duplicate events and SQS redeliveries of it map to the same id (the SQS messageId
 * would not). NUL-separated: bucket names and version ids contain none, so distinct triples never collide.
 * 128 bits of the sha256 are plenty for a table of files and keep output keys short.
 */
export function jobIdFor(object: Pick<ObjectCreated, 'bucket' | 'key' | 'versionId'>): string {
  return createHash('sha256').update(`${object.bucket}\0${object.key}\0${object.versionId}`).digest('hex').slice(0, 32);
}
