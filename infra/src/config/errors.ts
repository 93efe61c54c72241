/** A problem with one or more environment definitions; each line names the file and the field. */
export class EnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment definition${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvironmentError';
  }
}

/**
 * A command line that cannot run as given (an unknown flag, a missing or unknown value, or AWS_ENDPOINT_URL, which
 * stands in for a flag): one line that names it. Commands exit 2 on it, as on any usage error.
 */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}
