/**
 * Starts the suites that apply or plan with terraform first, longest first, so the longest one is not the last to
 * start. Jest's own order needs timings from an earlier run in the same folder; a fresh clone (CI, a new checkout) has
 * none and starts the biggest test files first, which left the longest suite starting minutes late
 * (`npm run bench:tests` prints each suite's time: keep this list in that order).
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const SLOW_SUITES = [
  'integration/test/reviewedPlan.test.ts',
  // not measured by bench:tests yet: alone 202 s on a quiet machine (reviewedPlan 183 s, gitopsDeploy 195 s the same hour)
  'integration/test/ephemeralCopies.test.ts',
  'integration/test/gitopsDeploy.test.ts',
  'integration/test/platform.test.ts',
  'integration/test/bootstrap.test.ts',
  'gitops/test/planReport.test.ts',
  'infra/test/terraformPlan.test.ts',
  'infra/test/bootstrapPlan.test.ts',
];

class SlowSuitesFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const index = SLOW_SUITES.indexOf(path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/'));
      return index === -1 ? SLOW_SUITES.length : index;
    };
    // Array.prototype.sort is stable: the rest keep jest's order (failed first, then slowest)
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowSuitesFirst;
module.exports.SLOW_SUITES = SLOW_SUITES;
