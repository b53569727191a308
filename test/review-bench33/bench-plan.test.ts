// `npm run bench` reports B0's req/s and ours/B0 per case: B0 must then be loaded on each case's
// own body (it does not parse it, but TLS and HTTP still carry it: 5.5 KB for the target Pod,
// 1.0 KB for the fast path), in the same interleaved rounds as the servers it is compared with.
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const { caseServers } = (await import(join(ROOT, 'bench/plan.mjs'))) as {
  caseServers(c: unknown, first: unknown): string[];
};
const { CASES } = (await import(join(ROOT, 'bench/reviews.mjs'))) as { CASES: { id: string }[] };

describe('the servers each bench case loads', () => {
  it.each(CASES.map((c) => [c.id, c] as const))(
    '%s: the guard and B0, B1, B2, B3 in one interleaved list',
    (_id, c) => {
      const list = caseServers(c, CASES[0]);
      for (const name of ['ours', 'b0', 'b1', 'b2', 'b3']) expect(list).toContain(name);
    },
  );

  it('the calibration server beside the first case only', () => {
    expect(CASES.map((c) => caseServers(c, CASES[0]).includes('spin'))).toEqual(CASES.map((_, i) => i === 0));
  });
});
