// review fresh27: a hand-made PV pre-bound to a target's state claim with a claimRef uid: exported
// from a live cluster (kubectl get pv -o yaml keeps claimRef.uid), or Released by the state claim's
// deletion (a scale-down with whenScaled: Delete, the CR's cleanup, a node replaced). The PV
// controller binds a PV only to the claim object of that uid (component-helpers storage/volume
// IsVolumeBoundToClaim) and leaves it Released for good once that claim is gone (pv_controller.go
// syncVolume); the StatefulSet makes the state claim anew with a new uid, which stays Pending (no
// provisioner for a hand-made state class), and the target with it. For a data PV pv-claim-uid warns
// in both cases ("Remove spec.claimRef.uid ..."). pv-claim-uid's roles are target-volume and
// target-claim only, and recognise.ts gives a state PV the state-volume role: the state PV with the
// stale uid passes with no finding. (pv-target-binding's own summary calls such a PV "held by a
// deleted claim's uid ... no target's disk", and plan counts it: see plan-released-state.)
// Fix: pv-claim-uid: take the state-volume role too (checkVolume reads only the claimRef, the phase
// and ctx.pvMissingNode, all of which a state PV has).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, released, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
const nodes = ['node-1', 'node-2'].map((n) => node(n));

function withUid(volume: KubeObject): KubeObject {
  const copy = structuredClone(volume) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
  copy.spec.claimRef.uid = '6f1c2a9e-uid-of-an-earlier-claim';
  return copy;
}
const dataPv = pv('pv-d0', { claim: claimName(0) });
const statePv = pv('pv-st0', {
  claim: 'ais-ais-state-ais-target-0',
  storageClass: 'manual',
  capacity: '1Gi',
});
const uidWarnings = (object: KubeObject) =>
  run({ name: 'x', object, context: [...nodes, cr] }).findings.filter((f) => f.ruleId === 'pv-claim-uid');

describe('review fresh27: a state PV holding an earlier claim uid', () => {
  it('control: a data PV created with a uid is warned of', () => {
    expect(uidWarnings(withUid(dataPv))).toHaveLength(1);
  });
  it('a state PV created with a uid is warned of too', () => {
    expect(uidWarnings(withUid(statePv))).toHaveLength(1);
  });
  it('control: a Released data PV is warned of', () => {
    expect(uidWarnings(released(dataPv))).toHaveLength(1);
  });
  it('a Released state PV is warned of too', () => {
    expect(uidWarnings(released(statePv))).toHaveLength(1);
  });
});
