import { OutOfTimeError } from './errors';

/**
 * Throws OutOfTimeError once less than `marginMs` of the invocation remains, leaving that margin to abort the
 * uploads and release the job before Lambda kills the run.
 */
export function checkDeadline(remainingMs: () => number, marginMs: number): void {
  const remaining = remainingMs();
  if (remaining < marginMs) {
    throw new OutOfTimeError(`${remaining} ms of the invocation left, less than the ${marginMs} ms safety margin`);
  }
}
