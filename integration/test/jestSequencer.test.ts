/** The suite order of `npm test` (jest.sequencer.js): terraform suites first, as listed, on a fresh clone too. */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The part of jest's Test the sequencer reads. */
interface Test {
  readonly path: string;
}

// jest loads the sequencer as CommonJS, so it is plain JS
const SlowSuitesFirst = require('../../jest.sequencer.js') as { new (options: object): { sort(tests: Test[]): Test[] }; SLOW_SUITES: string[] };

const ROOT = path.resolve(__dirname, '../..');

/** A suite as jest hands it to the sequencer, without timings from an earlier run (a fresh clone). */
function suite(relative: string, bytes: number): Test {
  const context = { config: { rootDir: ROOT, cache: false, cacheDirectory: '/nonexistent', id: 'fresh' }, hasteFS: { getSize: () => bytes } };
  return { path: path.join(ROOT, relative), context } as Test;
}

test('every listed suite exists: a renamed suite would silently lose its early start', () => {
  for (const file of SlowSuitesFirst.SLOW_SUITES) expect(existsSync(path.join(ROOT, file))).toBe(true);
});

test('without timings the listed suites start first, in the listed order, however small their files; the rest biggest first', () => {
  const [first, second] = SlowSuitesFirst.SLOW_SUITES;
  const tests = [suite('etl/test/big.test.ts', 90_000), suite(second!, 3_000), suite('ops/test/small.test.ts', 1_000), suite(first!, 2_000)];
  const order = new SlowSuitesFirst({}).sort(tests).map((t) => path.relative(ROOT, t.path));
  expect(order).toEqual([first, second, 'etl/test/big.test.ts', 'ops/test/small.test.ts']);
});
