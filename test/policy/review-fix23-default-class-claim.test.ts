// review fix23: with a mount that names no storageClass (the operator's own sample CR,
// config/samples/ais_v1beta1_aistore.yaml), every target claim is warned of as "not fitting" its
// hand-made PV, and is no longer bound by the guard, though Kubernetes binds it anyway.
//
// Defect: target-disk-binding misfits() (2121879) requires the claim's storageClassName to equal the
// PV's. The operator's claim for such a mount has no storageClassName (Mount.BuildPVC,
// api/aistore/v1beta1/aistore_types.go), so the DefaultStorageClass admission plugin, which runs
// before the mutating webhooks, fills in the cluster's default class ("standard", "gp2", ...)
// before the guard sees it. The hand-made PV (README: storageClassName: ais-local-storage) then
// "does not fit" by class. But Kubernetes never compares the class of a PV pre-bound to the claim:
// FindMatchingVolume (component-helpers storage/volume/pv_helpers.go) returns a claimRef-pre-bound
// volume after the size and volumeMode checks, before the class filter ("if
// IsVolumeBoundToClaim(volume, claim) { ... return volume }"), and the commit message says so itself.
// pv-target-binding admits this PV (the mount asks for no class), so the guard contradicts itself:
// one rule says fine, the other "does not fit ... (pv-target-binding says how)".
//
// Impact: a spurious warning on every target claim of a sample-style CR, with a fix pointing at a
// rule that reports nothing; and the volumeName patch the guard documents is silently dropped.
// Expected: the class is not part of the fit for a PV pre-bound by claimRef (as in k8s): the claim
// is bound (volumeName patch) with no warning.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, findingsOf, node, pv, pvc, run } from '../support/builders.js';

const cr = aistore({ size: 2, mounts: [{ path: '/data/aistore', size: '5Ti' }] });
const pvs = [
  pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda', capacity: '5Ti' }),
  pv('pv-sdb', { claim: claimName(1), host: 'node-2', path: '/ais/sdb', capacity: '5Ti' }),
];
const nodes = [node('node-1'), node('node-2')];
// As the guard receives it: the DefaultStorageClass admission plugin set the default class.
const claim = pvc(claimName(0));
(claim.spec as Record<string, unknown>).storageClassName = 'standard';

describe('review fix23: claim of a class-less mount, after DefaultStorageClass', () => {
  it('pv-target-binding finds nothing wrong with the PV', () => {
    const ev = run({ name: 'pv', object: pvs[0]!, context: [cr, pvs[1]!, ...nodes] });
    expect(findingsOf(ev, 'pv-target-binding').filter((f) => f.severity === 'deny')).toEqual([]);
  });

  it('so target-disk-binding binds the claim to it, without a "does not fit" warning', () => {
    const ev = run({ name: 'pvc', object: claim, context: [cr, ...pvs, ...nodes] });
    expect(
      findingsOf(ev, 'target-disk-binding')
        .map((f) => f.message)
        .join('\n'),
    ).not.toMatch(/does not fit/);
    expect(ev.patch).not.toEqual([]);
  });
});
