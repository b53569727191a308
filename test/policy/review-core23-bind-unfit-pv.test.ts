// review core23: in the webhook's order of events (PVs first, then the CR, then the StatefulSet's
// claims) a target PV of the wrong class and too small is never judged against its mount, and the
// guard's own volumeName patch then makes Kubernetes bind it.
//
// Defect: (1) a PV created before its CR (README: "PVs are made before the CR exists") is judged with
// no mount to compare, so pv-target-binding cannot check class or capacity; (2) the CR's CREATE,
// with those PVs in the cache, reports nothing about them; (3) on the claim's CREATE,
// target-disk-binding patches spec.volumeName to that PV. With volumeName set and the PV's claimRef
// naming the claim, the PV controller binds at once without checkVolumeSatisfyClaim (k8s v1.33.13
// pkg/controller/volume/persistentvolume/pv_controller.go syncUnboundClaim, the
// `IsVolumeBoundToClaim` branch calls ctrl.bind directly), whereas without the patch the claim goes
// through FindMatchingVolume (component-helpers storage/volume/pv_helpers.go:230, "volumeQty.Cmp(
// requestedQty) < 0 → continue") and a too-small PV is never bound. `check` on the same three objects
// denies both PVs ("offers 1Ti but mount /data/aistore needs 5Ti", "storageClassName ... asks for"),
// so the webhook and `check` disagree, and the guard's patch silences the one check Kubernetes does.
//
// Impact: a target gets a disk smaller than spec.targetSpec.mounts[].size, and of another class,
// silently.
// Expected: no volumeName patch onto a PV that does not fit the claim's mount (class, capacity), and a
// finding (as `check` gives) once the CR makes the mount known: on the CR's CREATE or on the claim's.
// Operator: api/aistore/v1beta1/aistore_types.go Mount.BuildPVC (claim class and size from the mount).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, findingsOf, node, pv, pvc, run } from '../support/builders.js';

const unfit = [
  pv('pv-sda', {
    claim: claimName(0),
    host: 'node-1',
    path: '/ais/sda',
    capacity: '1Ti',
    storageClass: 'other',
  }),
  pv('pv-sdb', {
    claim: claimName(1),
    host: 'node-2',
    path: '/ais/sdb',
    capacity: '1Ti',
    storageClass: 'other',
  }),
];
const nodes = [node('node-1'), node('node-2')];
const cr = aistore({ size: 2 }); // mount /data/aistore, 5Ti, class ais-local-storage

describe('review core23: PVs that do not fit the mount, in the webhook order', () => {
  it('check-style judgement of such a PV with its CR denies it (the reference verdict)', () => {
    const ev = run({ name: 'pv', object: unfit[0]!, context: [cr, unfit[1]!, ...nodes] });
    expect(findingsOf(ev, 'pv-target-binding').filter((f) => f.severity === 'deny').length).toBe(2);
  });

  it('the claim is not bound by the guard to a PV smaller than, and of another class than, its mount', () => {
    const ev = run({ name: 'pvc', object: pvc(claimName(0)), context: [cr, ...unfit, ...nodes] });
    expect(ev.patch).toEqual([]);
  });

  it('the CR created after such PVs is told about them', () => {
    const ev = run({ name: 'cr', object: cr, context: [...unfit, ...nodes] });
    expect(ev.findings.filter((f) => f.ruleId === 'pv-target-binding').length).toBeGreaterThan(0);
  });
});
