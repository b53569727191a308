// Random and mutated reviews: the server never fails with 500, never throws, and echoes the uid
// whenever the request carried one.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { BadReview, decodeReview } from '../../src/server/admission.js';
import { DEFAULTS } from '../../src/server/config.js';
import { review } from '../../src/server/review.js';
import {
  aistore,
  claimName,
  HOST_ANTI_AFFINITY,
  oneNodeDisks,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';
import { testApp } from '../support/app.js';
import { fixedCluster, reviewOf } from '../support/review.js';
import { paths, replaceAt } from '../support/mutate.js';

const seeds = [
  reviewOf(aistore({ disable: true, hostPort: 1, legacyDisable: true, affinity: HOST_ANTI_AFFINITY() })),
  reviewOf(targetStatefulSet({ hostPort: 1 }), { operation: 'UPDATE', oldObject: targetStatefulSet() }),
  reviewOf(targetPod({ ordinal: 1, affinity: HOST_ANTI_AFFINITY() })),
  reviewOf(pvc(claimName(1))),
  reviewOf(pv('p', { claim: claimName(0) })),
];
const cluster = fixedCluster([aistore({ disable: true }), ...oneNodeDisks()]);

const mutatedReview = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.nat(),
    fc.oneof(fc.anything(), fc.constant(null), fc.string(), fc.integer()),
  )
  .map(([seed, n, value]) => {
    const all = paths(seed);
    return replaceAt(seed, all[n % all.length] as (string | number)[], value);
  });
const anyBody = fc.oneof(mutatedReview, fc.jsonValue(), fc.anything());

const uidOf = (body: unknown) => {
  const req = (body as { request?: { uid?: unknown } } | null)?.request;
  return typeof req?.uid === 'string' ? req.uid : undefined;
};

describe('any review', () => {
  it('decodes to a BadReview or a response that echoes the uid (5,000 runs, in-process)', () => {
    fc.assert(
      fc.property(anyBody, fc.constantFrom('validate', 'mutate' as const), (body, endpoint) => {
        let req;
        try {
          req = decodeReview(body);
        } catch (err) {
          expect(err).toBeInstanceOf(BadReview);
          return;
        }
        const outcome = review(endpoint as 'validate' | 'mutate', req, { config: DEFAULTS, cluster });
        expect(outcome.body.response.uid).toBe(uidOf(body));
        expect(typeof outcome.body.response.allowed).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });

  // 100 runs: the HTTP path is the fault suite's (test/faults/fuzz.test.ts, 100,000 reviews over
  // HTTPS); here it only has to show that the express shell adds no 500 of its own.
  it('over HTTP: 200 with the uid echoed, or 400 with a reason; never 500 (100 runs)', async () => {
    const { app } = testApp({ context: [aistore({ disable: true }), ...oneNodeDisks()] });
    await fc.assert(
      fc.asyncProperty(anyBody, fc.constantFrom('/validate', '/mutate'), async (body, path) => {
        const res = await request(app)
          .post(path)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body) ?? 'null');
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) expect(res.body.response.uid).toBe(uidOf(body));
        else expect(typeof res.body.error).toBe('string');
      }),
      { numRuns: 100 },
    );
  });
});
