// End-to-end tests (test/e2e/*.e2e.test.ts) against the control plane test/e2e/run.sh starts:
// `npm run test:e2e`. The unit config (jest.config.js) ignores /test/e2e/; this one runs only it.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  // A few long suites: run in jest's own process, as before the unit suites' worker recycling.
  workerIdleMemoryLimit: undefined,
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Real controllers, a scheduler and a guard process per file: minutes, not milliseconds.
  testTimeout: 180_000,
  // One cluster, one set of webhook configurations: files must not run in parallel.
  maxWorkers: 1,
  // A failed test may leave a client loop or a child's pipe open; jest would then wait for it
  // forever and the CI stage would only end at its timeout. Exit once the results are written.
  forceExit: true,
  verbose: true,
};
