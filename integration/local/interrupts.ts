/**
 * What a Ctrl-C (SIGINT/SIGTERM) means to `npm run local:up`: the first asks for a teardown, a second one quits at once.
 *
 * Run through the tsx CLI (as `npm run` does), one Ctrl-C can arrive twice: the terminal signals up.ts, and the CLI
 * relays the same SIGINT ~30-60 ms later whenever up.ts's "got it" report reaches the CLI before the CLI's own handler
 * runs. A signal within RELAY_WINDOW_MS of the first is therefore that same keypress, not a second one.
 */
export const RELAY_WINDOW_MS = 500;

export type InterruptAction = 'teardown' | 'ignore' | 'quit';

export interface InterruptState {
  /** When the teardown was asked for (performance.now()); undefined before the first Ctrl-C. */
  readonly stoppingSince: number | undefined;
  /** False once the worker is gone: nobody is left to tear down, so quit. */
  readonly workerConnected: boolean;
}

export function interruptAction({ stoppingSince, workerConnected }: InterruptState, now: number): InterruptAction {
  if (stoppingSince === undefined) return workerConnected ? 'teardown' : 'quit';
  return now - stoppingSince < RELAY_WINDOW_MS ? 'ignore' : 'quit';
}
