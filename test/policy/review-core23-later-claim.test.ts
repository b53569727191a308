// review core23: a target claim made ahead of a scale-out (or restored after a scale-down that kept
// it) is denied, while the PV made for the very same claim is only warned about.
//
// Defect: pvc-name denies every CREATE of a claim `<cr><mount>-<cr>-target-<N>` with N at or past the
// CR's target count unless the StatefulSet controller sends it, saying "no pod will use it". That is
// not so: the StatefulSet controller creates a pod's claims only when missing (k8s
// pkg/controller/statefulset stateful_pod_control.go:341 createPersistentVolumeClaims, v1.33.13: a claim found by
// name is used as is), so once targetSpec.size is raised (the operator's webhook allows it,
// aistore_webhook.go allowDaemonSpecUpdates copies Size) ais-target-<N> mounts exactly this claim. The
// claim is harmless meanwhile: it binds the PV pre-bound to it (the guard even patches its
// spec.volumeName). pv-target-binding treats the same situation as legitimate ("Disks are prepared
// before a scale-out", a warning), so the two verdicts on one layout disagree.
//
// Impact: pre-creating the claims of the next target (to see them Bound before the scale-out), or
// restoring a namespace whose retained claims (pvcRetentionPolicy whenScaled: Retain, the default,
// keeps them after a scale-down) come back with a backup tool, is refused; the data disk's claim is
// lost from the restore.
// Expected: a warning (as for the PV), not a deny.
// Operator: target/volumes.go newTargetPVCs (volumeClaimTemplates), target/statefulset.go NewTargetSS
// (PersistentVolumeClaimRetentionPolicy copied from the CR).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, findingsOf, node, pv, pvc, run } from '../support/builders.js';

const cr = aistore({ size: 2 });
const disk = pv('pv-sdc', { claim: claimName(2), host: 'node-3', path: '/ais/sdc' });
const nodes = [node('node-1'), node('node-2'), node('node-3')];

describe('review core23: a claim for the next target', () => {
  it('the PV for ais-target-2 is warned about (prepared for a scale-out)', () => {
    const ev = run({ name: 'pv', object: disk, context: [cr, ...nodes] });
    expect(findingsOf(ev, 'pv-target-binding').map((f) => f.severity)).toEqual(['warn']);
  });

  it('the claim it is pre-bound to, made by a user or a restore, is warned about too, not denied', () => {
    const ev = run({
      name: 'pvc',
      object: pvc(claimName(2)),
      context: [cr, disk, ...nodes],
      requester: 'system:serviceaccount:velero:velero',
    });
    expect(findingsOf(ev, 'pvc-name').map((f) => f.severity)).toEqual(['warn']);
    expect(ev.allowed).toBe(true);
  });
});
