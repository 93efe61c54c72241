import { interruptAction, RELAY_WINDOW_MS } from '../../local/interrupts';

describe('interruptAction', () => {
  it('the first Ctrl-C asks the worker to tear down', () => {
    expect(interruptAction({ stoppingSince: undefined, workerConnected: true }, 1_000)).toBe('teardown');
  });

  it('quits at once when the worker is already gone (nobody left to tear down)', () => {
    expect(interruptAction({ stoppingSince: undefined, workerConnected: false }, 1_000)).toBe('quit');
  });

  it("ignores the tsx CLI's relay of the same Ctrl-C (tens of ms later)", () => {
    expect(interruptAction({ stoppingSince: 1_000, workerConnected: true }, 1_000 + 35)).toBe('ignore');
    expect(interruptAction({ stoppingSince: 1_000, workerConnected: true }, 1_000 + RELAY_WINDOW_MS - 1)).toBe('ignore');
  });

  it('a second Ctrl-C after the relay window quits at once, whether or not the worker is still there', () => {
    expect(interruptAction({ stoppingSince: 1_000, workerConnected: true }, 1_000 + RELAY_WINDOW_MS)).toBe('quit');
    expect(interruptAction({ stoppingSince: 1_000, workerConnected: false }, 60_000)).toBe('quit');
  });
});
