/** A failure reported as is: its message says what is wrong and what to do (no stack trace in the run log). */
export class GitopsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong flags: the message names the flag and shows the usage. */
export class UsageError extends GitopsError {}
