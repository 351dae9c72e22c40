/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/tests/support/testEnvironment.js',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  globalSetup: '<rootDir>/tests/support/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
