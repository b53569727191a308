// review fix23: a target PV whose only access mode is ReadWriteOncePod is admitted by
// pv-target-binding, though the operator's ReadWriteOnce claim never binds it (and, since 2121879,
// target-disk-binding no longer binds it by volumeName either).
//
// Defect: pv-target-binding checkVolumeShape accepts accessModes [ReadWriteOncePod] ("RWO or RWOP").
// The target claim is ReadWriteOnce (operator api/aistore/v1beta1/aistore_types.go Mount.BuildPVC,
// AccessModes: [ReadWriteOnce]). Kubernetes binds a claim only to a PV whose modes include every
// mode the claim asks for (component-helpers storage/volume/pv_helpers.go CheckAccessModes; the PV
// controller's index, pv_controller index.go findByClaim -> allPossibleMatchingAccessModes, only
// offers PVs whose mode set contains ReadWriteOnce, pre-bound ones included). Before 2121879 the
// guard's own volumeName patch hid this (a claim bound by name skips the check); now
// target-disk-binding's misfits() rightly refuses that patch ("access modes ReadWriteOncePod, the
// claim asks for ReadWriteOnce") and only warns, so the PV the guard admitted is never the target's.
// `plan --diff` (src/plan/diff.ts) already calls a PV without ReadWriteOnce one the claim "never
// binds": the webhook and plan disagree.
//
// Impact: the target's claim stays Pending (local no-provisioner class) or gets a provisioned volume
// off the target's disk, while the guard said the PV was fine.
// Expected: deny on the PV (as for [ReadOnlyMany]): "Set accessModes: [ReadWriteOnce]".
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, findingsOf, node, pv, pvc, run } from '../support/builders.js';

const cr = aistore({ size: 2 });
const rwop = pv('pv-sda', {
  claim: claimName(0),
  host: 'node-1',
  path: '/ais/sda',
  capacity: '5Ti',
  accessModes: ['ReadWriteOncePod'],
});
const other = pv('pv-sdb', { claim: claimName(1), host: 'node-2', path: '/ais/sdb', capacity: '5Ti' });
const nodes = [node('node-1'), node('node-2')];

describe('review fix23: ReadWriteOncePod-only target PV', () => {
  it('the guard itself no longer binds the RWO claim to it (the k8s access-mode check)', () => {
    const ev = run({ name: 'pvc', object: pvc(claimName(0)), context: [cr, rwop, other, ...nodes] });
    expect(ev.patch).toEqual([]);
  });

  it('so the PV is refused, as plan --diff calls it one the claim never binds', () => {
    const ev = run({ name: 'pv', object: rwop, context: [cr, other, ...nodes] });
    expect(
      findingsOf(ev, 'pv-target-binding')
        .filter((f) => f.severity === 'deny')
        .map((f) => f.message)
        .join('\n'),
    ).toMatch(/ReadWriteOnce/);
  });
});
