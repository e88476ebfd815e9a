/**
 * `npm test` runs three projects:
 * - blueprint: the CDK construct, its definition and the handlers (no Java, no services);
 * - behaviour: the blueprint executed on the local runtime (DynamoDB Local needs Java 17+);
 * - local-runtime: the runtime package's own tests.
 * `npm run test:cdk` runs the first one alone.
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  setupFiles: ['<rootDir>/test/setup-env.js'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'blueprint',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/scenarios/'],
    },
    {
      ...shared,
      displayName: 'behaviour',
      roots: ['<rootDir>/test/scenarios'],
    },
    '<rootDir>/packages/local-runtime',
  ],
};
