// review serve27: admission.ts decodeReview accepts an object or oldObject without apiVersion and
// kind ("some callers omit TypeMeta": kindMatches returns true), but review.ts hands the object to
// evaluate as it came, and evaluate recognises objects by their own kind. So such a review is
// judged as an object of no kind:
//  - a CREATE whose object omits TypeMeta is allowed with no rule run, whatever its spec;
//  - an UPDATE whose oldObject omits TypeMeta loses the ratchet: a spec already so when stored
//    (warned on an update that leaves it) is denied.
// The request's kind says what the objects are (admission.k8s.io/v1 AdmissionRequest.kind: "the
// fully-qualified type of object being submitted"); the apiserver itself sets it on both objects
// (apiserver admission ConvertToGVK "Explicitly set the GVK"), so accepting objects without it is
// the guard's own choice, and having made it, it must judge them as that kind (or refuse them
// with a 400, which failurePolicy decides), not let them through unjudged.
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { KubeObject } from '../../src/policy/index.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { reviewOf } from '../support/review.js';

/** A CR mount-path-unique denies: mount /ais/x lies inside mount /ais (aisnode refuses nesting). */
function nestedMounts(): KubeObject {
  return aistore({
    mounts: [
      { path: '/ais', size: '1Ti', storageClass: 'local' },
      { path: '/ais/x', size: '1Ti', storageClass: 'local' },
    ] as never,
  });
}

function withoutTypeMeta(object: KubeObject): KubeObject {
  const copy = structuredClone(object) as Record<string, unknown>;
  delete copy.apiVersion;
  delete copy.kind;
  return copy as KubeObject;
}

async function validate(body: object) {
  const { app } = testApp();
  const res = await request(app).post('/validate').send(body);
  expect(res.status).toBe(200);
  return res.body.response as { allowed: boolean; warnings?: string[]; status?: { message: string } };
}

describe('review serve27: an object without TypeMeta is judged as request.kind says', () => {
  it('the same CR is denied whether or not its object carries apiVersion and kind', async () => {
    const whole = await validate(reviewOf(nestedMounts()));
    expect(whole.allowed).toBe(false);
    expect(whole.status?.message).toContain('mount-path-unique');

    // request.kind still says ais.nvidia.com/v1beta1 AIStore (reviewOf builds it from the CR).
    const body = reviewOf(nestedMounts());
    body.request.object = withoutTypeMeta(nestedMounts());
    const bare = await validate(body);
    // Today: allowed, no warning, no rule run.
    expect({ allowed: bare.allowed, denied: bare.status?.message?.includes('mount-path-unique') }).toEqual({
      allowed: false,
      denied: true,
    });
  });

  it('an UPDATE leaving a stored spec as it was is ratcheted whether or not oldObject carries TypeMeta', async () => {
    const stored = nestedMounts();
    const whole = await validate(reviewOf(nestedMounts(), { operation: 'UPDATE', oldObject: stored }));
    expect(whole.allowed).toBe(true); // already so when stored: warned, not denied
    expect(whole.warnings?.join('\n')).toContain('mount-path-unique');

    const bare = await validate(
      reviewOf(nestedMounts(), { operation: 'UPDATE', oldObject: withoutTypeMeta(stored) }),
    );
    // Today: denied, as if the CR were created with the nested mounts.
    expect({ allowed: bare.allowed, message: bare.status?.message }).toEqual({
      allowed: true,
      message: undefined,
    });
  });
});
