/**
 * Stack captures that are not errors are formatted without source maps. cdktf records where each token was made (a
 * stack captured into a plain object at every reference, shown only when a token fails to resolve), and jest's
 * formatter source-maps every frame of every capture: ~3/4 of a synth's CPU under jest (regionalStack.test.ts 3.6-4.0
 * → 2.9-3.2 CPU s). Errors keep jest's formatter, so failures still point into the TypeScript sources.
 */
// jest installs its formatter on the worker's own Error, which the test sandbox falls back to when its Error has none
const WorkerError = Object.getPrototypeOf(require('node:assert').AssertionError);

Error.prepareStackTrace = (error, frames) => {
  if (error instanceof Error && typeof WorkerError.prepareStackTrace === 'function') return WorkerError.prepareStackTrace(error, frames);
  return `Error${frames.map((frame) => `\n    at ${frame}`).join('')}`;
};
