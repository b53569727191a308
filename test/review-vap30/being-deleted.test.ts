// Review (vap30): evaluate() does not judge an UPDATE of an object being deleted
// (metadata.deletionTimestamp: src/policy/evaluate.ts, README "An update of an object being deleted
// is not judged"), so the webhook admits it; the policies judged it as any other update and refused
// one that newly broke a rule, e.g. a spec edit of an AIStore CR whose deletion waits on the
// operator's finalizer, or of its target StatefulSet waiting on a foreground deletion.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, targetStatefulSet } from '../support/builders.js';
import { judgeAgreement } from '../vap/support/agreement.js';

const BEING_DELETED = { deletionTimestamp: '2026-12-04T12:00:00Z', finalizers: ['x/y'] };
const deleting = (o: KubeObject): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, ...BEING_DELETED } as KubeObject['metadata'],
});
const PINNED = { 'kubernetes.io/hostname': 'node-1' };
const MANAGED = { 'app.kubernetes.io/managed-by': 'ais-operator' };
const managed = (o: KubeObject): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, labels: { ...o.metadata!.labels, ...MANAGED } },
});

describe('review vap30: an UPDATE of an object being deleted', () => {
  it.each([
    [
      'AIStore: hostPort added to a multi-target CR',
      deleting(aistore({ size: 3, disable: true })),
      deleting(aistore({ size: 3, disable: true, hostPort: 51081 })),
    ],
    [
      'StatefulSet: scaled out, pinned, with a hostPort',
      deleting(managed(targetStatefulSet({ replicas: 1, hostPort: 51081, nodeSelector: PINNED }))),
      deleting(managed(targetStatefulSet({ replicas: 3, hostPort: 51081, nodeSelector: PINNED }))),
    ],
  ])('%s: the engine does not judge it, nor do the policies', (_name, oldObject, object) => {
    const outcome = judgeAgreement({ name: 'deleting', operation: 'UPDATE', object, oldObject });
    expect(outcome.errors).toEqual([]);
    expect(outcome.engine).toEqual([]);
    expect(outcome.vap).toEqual([]);
    // Without the deletionTimestamp both refuse it.
    const strip = (o: KubeObject): KubeObject => {
      const metadata = { ...o.metadata } as Record<string, unknown>;
      for (const key of Object.keys(BEING_DELETED)) delete metadata[key];
      return { ...o, metadata: metadata as KubeObject['metadata'] };
    };
    const live = judgeAgreement({
      name: 'live',
      operation: 'UPDATE',
      object: strip(object),
      oldObject: strip(oldObject),
    });
    expect(live.vap).toEqual(live.engine);
    expect(live.vap).not.toEqual([]);
  });
});
