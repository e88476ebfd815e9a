/** @type {import('jest').Config} */
module.exports = {
  displayName: 'local-runtime',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/setup-env.js'],
};
