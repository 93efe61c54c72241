/** The command line was wrong: a flag's value, a missing flag, an unknown command. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command was well-formed but cannot be carried out (unknown job, missing table or queue). Exit code 1. */
export class OpsError extends Error {
  override readonly name: string = 'OpsError';
}
