/**
 * What a forced quit of `npm run local:up` (a second Ctrl-C) leaves behind. The worker reports its working folder
 * (synthesized stacks, their terraform state and providers) as soon as it exists; up.ts, which kills the worker's
 * process group without a teardown, then says where that folder is and how to clean up.
 */

/** The worker's message to up.ts once its working folder exists. */
export interface WorkFolder {
  readonly kind: 'workFolder';
  readonly path: string;
  /** The emulator at AWS_ENDPOINT_URL, which outlives the quit; undefined when the worker started its own (killed too). */
  readonly externalEndpoint: string | undefined;
}

export function isWorkFolder(message: unknown): message is WorkFolder {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'workFolder';
}

/** A path as a shell word: as is when it needs no quoting, else single-quoted. */
const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** The lines for stderr after the kill: the folder, what may still be applied, and the commands that clean up. */
export function leftBehindText({ path, externalEndpoint }: WorkFolder): string {
  const lines = [`local:up: quit at once, without a teardown; left behind: ${path} (the stacks, their terraform state and providers)`];
  if (externalEndpoint !== undefined) {
    lines.push(
      `  the stacks may still be applied on the emulator at ${externalEndpoint} (AWS_ENDPOINT_URL): restart it, or destroy each stack first:`,
      `    terraform -chdir=${shellWord(`${path}/stacks`)}/<stack> destroy   (a bucket with objects must be emptied first unless the environment is ephemeral)`,
    );
  }
  lines.push(`  remove it: rm -rf ${shellWord(path)}`);
  return `${lines.join('\n')}\n`;
}
