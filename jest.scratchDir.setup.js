/**
 * One scratch folder per test run, as TMPDIR for the workers and everything they start (terraform, its provider, moto,
 * cdktf): tests make many temp folders (synth outputs, environment fixtures, step outputs, applied stacks' .terraform) and
 * a test that fails midway cannot clean up after itself. jest.scratchDir.teardown.js removes the folder after the run.
 */
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'analytics-tests-'));
  process.env.ANALYTICS_TEST_SCRATCH_DIR = dir;
  // workers are started after global setup, with this process's environment
  process.env.TMPDIR = dir;
};
