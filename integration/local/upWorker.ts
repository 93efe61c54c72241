/**
 * The worker of `npm run local:up` (started by up.ts in a process group of its own): runs the platform until up.ts
 * sends "stop" (Ctrl-C) or goes away, then tears it down. Exit code 0 after a clean teardown (or --help), 2 with one
 * line and the usage line when a flag is wrong, 1 with one message on any other error.
 */
import { FlagError } from '../../infra/src/config/errors';
import { parseUpArgs, USAGE, USAGE_LINE } from './args';
import type { WorkFolder } from './leftBehind';
import { runLocalPlatform } from './localPlatform';

/** Where a run writes: the process's streams in the worker, strings in tests that run it in-process. */
export interface UpOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What up.ts and the worker say to each other: its "stop" (Ctrl-C, or up.ts gone) and the worker's working folder. */
export interface UpChannel {
  readonly stop: AbortSignal;
  readonly onWorkFolder: (folder: WorkFolder) => void;
}

/** `npm run local:up -- <argv>` as the worker runs it: its exit code; a mistake is one message on stderr. */
export async function upMain(argv: readonly string[], out: UpOutput, { stop, onWorkFolder }: UpChannel): Promise<number> {
  try {
    const args = parseUpArgs(argv);
    if (args.kind === 'help') out.stdout(USAGE);
    else await runLocalPlatform({ args, stop, print: (line) => out.stdout(`${line}\n`), onWorkFolder });
    return 0;
  } catch (error) {
    out.stderr(`local:up: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!(error instanceof FlagError)) return 1;
    out.stderr(`${USAGE_LINE}\n`);
    return 2;
  }
}

// jest imports this file for upMain; only up.ts's fork runs it
if (require.main === module) {
  const stop = new AbortController();
  process.on('message', (message) => {
    if (message === 'stop') stop.abort();
  });
  // up.ts is gone (killed, terminal closed): nobody is left to press Ctrl-C, so tear down now.
  process.once('disconnect', () => stop.abort());
  const out: UpOutput = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
  // process.exit: the IPC channel to up.ts would keep this process alive.
  void upMain(process.argv.slice(2), out, { stop: stop.signal, onWorkFolder: (folder) => process.send?.(folder) }).then((code) => process.exit(code));
}
