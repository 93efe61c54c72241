/**
 * The worker of `npm run local:up` (started by up.ts in a process group of its own): runs the platform until up.ts
 * sends "stop" (Ctrl-C) or goes away, then tears it down. Exit code 0 after a clean teardown (or --help), 2 with one
 * line and the usage line when a flag is wrong, 1 with one message on any other error.
 */
import { FlagError } from '../../infra/src/config/errors';
import { parseUpArgs, USAGE, USAGE_LINE } from './args';
import { runLocalPlatform } from './localPlatform';

const stop = new AbortController();
process.on('message', (message) => {
  if (message === 'stop') stop.abort();
});
// up.ts is gone (killed, terminal closed): nobody is left to press Ctrl-C, so tear down now.
process.once('disconnect', () => stop.abort());

async function main(argv: readonly string[]): Promise<void> {
  const args = parseUpArgs(argv);
  if (args.kind === 'help') process.stdout.write(USAGE);
  else await runLocalPlatform({ args, stop: stop.signal, print: (line) => console.log(line), onWorkFolder: (folder) => process.send?.(folder) });
}

// process.exit: the IPC channel to up.ts would keep this process alive.
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`local:up: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof FlagError) console.error(USAGE_LINE);
    process.exit(error instanceof FlagError ? 2 : 1);
  },
);
