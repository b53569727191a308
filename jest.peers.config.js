// The side-by-side peers' verdict tests (test/peers, issue 17): `npm run test:peers`. Each starts a
// peer (installed or built outside the checkout on first use), so the unit config ignores them.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  roots: ['<rootDir>/test/peers'],
  testPathIgnorePatterns: ['/node_modules/'],
  // A cold Pepr install or Go build takes minutes; this bounds only a hang.
  testTimeout: 900_000,
};
