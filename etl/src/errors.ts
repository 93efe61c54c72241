/**
 * How a failure is handled depends only on its class:
 * - DataError: the file itself is bad. The job becomes FAILED with this reason and the message is acknowledged
 *   (retrying cannot help); the raw object is left untouched.
 * - OutOfTimeError: the invocation is about to be killed. The run stops cleanly, releases its lease and reports an
 *   item failure so SQS redelivers.
 * - anything else is transient (throttling, 5xx, network): item failure, SQS redelivers, after 3 receives the DLQ.
 */

/** Machine-readable reason of a data error, stored on the FAILED job as `error_code`. */
export type DataErrorCode =
  | 'UNSUPPORTED_FORMAT'
  | 'BAD_GZIP'
  | 'EMPTY_FILE'
  | 'BINARY_CONTENT'
  | 'NOT_UTF8'
  | 'BAD_HEADER'
  | 'TOO_MANY_REJECTED_ROWS'
  | 'OBJECT_TOO_LARGE';

export class DataError extends Error {
  override readonly name = 'DataError';

  /** `message` is for a person: what is wrong with the file and what to do about it. */
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class OutOfTimeError extends Error {
  override readonly name = 'OutOfTimeError';
}
