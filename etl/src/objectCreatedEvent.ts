import * as z from 'zod';

/** The source object of an S3 "Object Created" event, as EventBridge delivers it. */
export interface ObjectCreated {
  readonly bucket: string;
  /** As stored: EventBridge does not URL-encode keys (S3 notifications do), so spaces, `+` and unicode arrive intact. */
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly etag: string;
  /** Event time, ISO-8601 UTC. */
  readonly time: string;
}

export const INPUT_PREFIX = 'input/';

// Only the fields the ETL uses are checked; EventBridge may add others. version-id is required: the bucket is
// versioned, and reading that exact version is what makes a redelivery see the same bytes.
const eventSchema = z.object({
  'detail-type': z.literal('Object Created'),
  source: z.literal('aws.s3'),
  time: z.iso.datetime(),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z
      .object({
        key: z.string().min(1),
        size: z.number().int().nonnegative(),
        etag: z.string().optional(),
        // moto's spelling of etag; the emulator is where the integration suite runs
        eTag: z.string().optional(),
        'version-id': z.string().min(1),
        sequencer: z.string(),
      })
      .refine((object) => (object.etag ?? object.eTag) !== undefined, { message: 'Invalid input: expected string, received undefined', path: ['etag'] }),
  }),
});

export type ParsedEvent = { readonly ok: true; readonly object: ObjectCreated } | { readonly ok: false; readonly reason: string };

/** Parses an SQS body; anything that is not an S3 Object Created event comes back with the reason. */
export function parseObjectCreated(body: string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    return { ok: false, reason };
  }
  const { time, detail } = parsed.data;
  const { key, size, etag, eTag } = detail.object;
  return { ok: true, object: { bucket: detail.bucket.name, key, versionId: detail.object['version-id'], size, etag: (etag ?? eTag)!, time } };
}

/**
 * Why the ETL leaves an object alone, or undefined when it is a job. The EventBridge rule already filters on
 * bucket and prefix; this guards against a widened rule, and folder markers (`input/sales/`) pass the rule.
 */
export function ignoreReason(object: ObjectCreated, rawBucketName: string): string | undefined {
  if (object.bucket !== rawBucketName) return `bucket ${object.bucket} is not the raw bucket ${rawBucketName}`;
  if (!object.key.startsWith(INPUT_PREFIX)) return `key is outside ${INPUT_PREFIX}`;
  if (object.key.endsWith('/')) return 'key is a folder marker';
  return undefined;
}
