// The fault and abuse suite (issue 8): `npm run test:faults`. Kept out of `npm test` because it
// runs servers as child processes from dist/ (the script builds first) and loads both cores for
// minutes. One file at a time: the load and latency numbers must not compete with each other.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 180_000,
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  extensionsToTreatAsEsm: ['.ts'],
  // No colour forced by jest-worker onto what tests compare (test/support/no-forced-colour.ts).
  setupFiles: ['<rootDir>/test/support/no-forced-colour.ts'],
};
