import { setTimeout as sleep } from 'node:timers/promises';
import { limitConcurrency } from '../src/concurrency';

describe('limitConcurrency', () => {
  it('runs at most `limit` calls at once and all of them in the end, starting in call order', async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const limited = limitConcurrency(2, async (id: number) => {
      started.push(id);
      running += 1;
      peak = Math.max(peak, running);
      await sleep(id % 2 === 0 ? 5 : 15);
      running -= 1;
      return id * 10;
    });

    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => limited(id)));

    expect(results).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('frees the slot of a call that fails', async () => {
    const limited = limitConcurrency(1, async (fail: boolean) => {
      if (fail) throw new Error('boom');
      return 'ok';
    });

    const [first, second] = await Promise.allSettled([limited(true), limited(false)]);

    expect(first).toMatchObject({ status: 'rejected', reason: new Error('boom') });
    expect(second).toEqual({ status: 'fulfilled', value: 'ok' });
  });
});
