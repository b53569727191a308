// Review (map30): evaluate() makes no change to an UPDATE of an object being deleted
// (metadata.deletionTimestamp; src/policy/evaluate.ts, as the VAPs now do too), so the webhook
// answers it with no patch. The AIStore MutatingAdmissionPolicy's UPDATE mutation
// (anti-affinity-not-disabled: keep a stored disablePodAntiAffinity: true that the update drops) did
// not ask, and wrote the field back into an update of a CR whose deletion waits on the operator's
// finalizer: the policies and the webhook answered the same request with different objects.
import { describe, expect, it } from '@jest/globals';
import { mutatingPolicies } from '../../src/map/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, run } from '../support/builders.js';
import { mutate } from '../map/support/map-eval.js';

const AISTORE_MAP = mutatingPolicies().find(
  (o) => o.kind === 'MutatingAdmissionPolicy' && o.metadata.name === 'ais-guard-aistore-mutate',
)!;
const BEING_DELETED = { deletionTimestamp: '2026-12-04T12:00:00Z', finalizers: ['x/y'] };
const deleting = (o: KubeObject): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, ...BEING_DELETED } as KubeObject['metadata'],
});

describe('review map30: an UPDATE of an AIStore being deleted that drops a stored disablePodAntiAffinity: true', () => {
  it.each([
    ['being deleted', deleting, false],
    ['live (the mutation still applies)', (o: KubeObject) => o, true],
  ])('%s: the policy leaves the object as the webhook does', (_name, state, mutated) => {
    const oldObject = state(aistore({ size: 3, disable: true }));
    const object = state(aistore({ size: 3 }));
    const webhook = run({ name: 'map30', operation: 'UPDATE', object, oldObject });
    expect(webhook.patch.length > 0).toBe(mutated);
    const m = mutate(AISTORE_MAP, 'UPDATE', object, oldObject);
    expect(m.errors).toEqual([]);
    expect(m.object).toEqual(webhook.object);
  });
});
