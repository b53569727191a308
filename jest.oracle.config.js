// The differential test against the AIStore operator's own code (test/oracle/*.oracle.test.ts):
// `npm run test:oracle` (test/oracle/run.sh builds the oracle first). The unit config ignores
// /test/oracle/; this one runs only it. test/yaml-oracle/run.sh runs it with its own --roots.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  // A few long suites: run in jest's own process, as before the unit suites' worker recycling.
  workerIdleMemoryLimit: undefined,
  roots: ['<rootDir>/test/oracle'],
  testMatch: ['**/*.oracle.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // A thousand cases plus shrinking, each step a round trip to the oracle process.
  testTimeout: 1_800_000,
  verbose: true,
};
