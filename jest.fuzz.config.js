/**
 * npm run test:fuzz: the seeded fuzz suite (tests/fuzz/), apart from `npm test` because it takes minutes.
 * FUZZ_SEED repeats a run.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config'),
  testMatch: ['<rootDir>/tests/fuzz/**/*.fuzz.ts'],
  maxWorkers: 1,
};
