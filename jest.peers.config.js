// The peers' verdict test (test/peers/*.peers.test.ts): `npm run test:peers` (test/peers/run.sh
// builds the peers' Go binaries first). The unit config ignores /test/peers/; this one runs only it.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  // A few long suites: run in jest's own process, as before the unit suites' worker recycling.
  workerIdleMemoryLimit: undefined,
  roots: ['<rootDir>/test/peers'],
  testMatch: ['**/*.peers.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Forty short-lived Go processes and one server start on a busy machine; bounds only a hang.
  testTimeout: 600_000,
};
