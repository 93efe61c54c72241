/** One `npm run gitops -- <name>` command: flags in, step outputs / job summary / files out; throws to fail the step. */
export interface Command {
  readonly usage: string;
  run(argv: readonly string[]): Promise<void>;
}
