/** Tests are TypeScript, transformed by swc (ts-jest does not support TypeScript 7, swc works with any). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/{infra,etl,integration,ops,gitops}/**/*.test.ts'],
  // hyparquet and hyparquet-writer ship ES modules only; jest's module system needs them as CommonJS
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/etl/dist/'],
  // terraform plans of 9 stacks take a while on 2 cores
  testTimeout: 120_000,
};
