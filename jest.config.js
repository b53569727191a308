// ESM + ts-jest: @kubernetes/client-node 1.x is ESM-only, so the whole project is ESM
// (see README "Development"). Run through `node --experimental-vm-modules` (npm test does it).
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/e2e/',
    '/test/faults/',
    '/test/oracle/',
    '/test/yaml-oracle/',
    '/test/peers/',
  ],
  // Sources import './x.js' (NodeNext rule); map to the .ts file for ts-jest.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  extensionsToTreatAsEsm: ['.ts'],
  // No colour forced by jest-worker onto what tests compare (test/support/no-forced-colour.ts).
  setupFiles: ['<rootDir>/test/support/no-forced-colour.ts'],
  // Tests must hold on a busy 2-core machine: one that generates RSA keys or starts a process can
  // take many times jest's default 5 s there. This bounds only a hang; no test waits on it.
  testTimeout: 60_000,
  // Each suite leaves ~15 MB of ESM modules in the vm that ran it. In one process (jest's choice on
  // 2 cores) the heap grew past 6 GB by the last suite and garbage collection took minutes; with a
  // limit jest runs the suites in a worker, one at a time still, and starts a fresh one past 1 GB.
  workerIdleMemoryLimit: '1GB',
};
