/** Removes the run's scratch folder made by jest.scratchDir.setup.js, whatever the tests left in it. */
const { rmSync } = require('node:fs');

module.exports = async () => {
  const dir = process.env.ANALYTICS_TEST_SCRATCH_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
