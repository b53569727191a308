// PVs a provisioner made for their claims (pv.kubernetes.io/provisioned-by, k8s.ts isMadeForItsClaim) in
// the CR's coverage check: the cases two outside reviews ("today14", "today14b") found once layout.ts
// stopped counting an earlier life's Released ones. The PV controller never binds a Released PV to a
// new claim of the same name (component-helpers pv_helpers.go FindMatchingVolume skips a claimRef
// holding another claim's uid); a dynamic class provisions a new PV for the claim instead
// (pv_controller.go syncUnboundClaim). The local static provisioner does not: it sets provisioned-by
// on PVs it makes for disks found on a node (local-pv-<hash>, class kubernetes.io/no-provisioner), so
// its Released PVs are disks to free, as hand-made ones are.
import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  DATA_MOUNT,
  madeForClaim,
  node,
  pv,
  released,
} from '../../../test/support/builders.js';
import { dataClaimName } from '../aistore.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';

const pinned = { 'kubernetes.io/hostname': 'node-1' };
/** rancher local-path's PV for target i's claim with `uid`. */
const localPath = (i: number, uid = `uid-${i}`) =>
  madeForClaim(pv(`x`, { claim: claimName(i), host: 'node-1', path: `/opt/local-path/pvc-${uid}` }), uid);

const messages = (object: KubeObject, context: KubeObject[], oldObject?: KubeObject) =>
  evaluate(
    { operation: oldObject ? 'UPDATE' : 'CREATE', object, ...(oldObject && { oldObject }) },
    new ClusterContext(context),
  )
    .findings.filter((f) => f.ruleId === 'pv-target-binding')
    .map((f) => f.message);

describe('coverage with PVs a provisioner made for their claims', () => {
  it('CR re-created (anti-affinity off) over Released provisioned PVs: no "stay Pending until freed"', () => {
    const old = [0, 1].map((i) => released(localPath(i), `uid-${i}`));
    const again = aistore({ size: 2, disable: true, nodeSelector: pinned });
    expect(messages(again, [node('node-1'), ...old])).toEqual([]);
  });

  it('scale-out after a whenScaled: Delete scale-in, local-path PVs: no "stay Pending until freed"', () => {
    const bound = [0, 1].map((i) => localPath(i));
    const gone = [2, 3].map((i) => released(localPath(i), `uid-${i}`));
    const before = aistore({ size: 2, disable: true, nodeSelector: pinned });
    const after = aistore({ size: 4, disable: true, nodeSelector: pinned });
    expect(messages(after, [before, node('node-1'), ...bound, ...gone], before)).toEqual([]);
  });

  it('scale-out of a CR whose PVs a provisioner made: no "Create one PV per missing claim"', () => {
    const before = aistore({ size: 2, disable: true, nodeSelector: pinned });
    const after = aistore({ size: 3, disable: true, nodeSelector: pinned });
    expect(messages(after, [before, node('node-1'), localPath(0), localPath(1)], before)).toEqual([]);
  });

  // target-1's claim of the provisioned mount waits for its pod to be scheduled: no PV yet, none missing.
  it('one mount provisioned, one by hand: only the hand-made mount is checked', () => {
    const mounts = [DATA_MOUNT, { ...DATA_MOUNT, path: '/data/b' }];
    const cr = aistore({ size: 2, disable: true, nodeSelector: pinned, mounts });
    const byHand = pv('pv-b0', {
      claim: dataClaimName('ais', '/data/b', 0),
      host: 'node-1',
      path: '/ais/sdb',
    });
    expect(messages(cr, [node('node-1'), localPath(0), byHand])).toEqual([
      expect.stringMatching(/^ais-target-1 has no PV for mount \/data\/b /),
    ]);
  });

  // Review "today14b" F4: disks by hand for targets 0 and 1, and a Released PV of a former dynamic
  // class for target 5. Target 2 has no PV, and no provisioner serves the hand-made class.
  it('a stale provisioned Released PV does not hide a missing hand-made PV', () => {
    const cr = aistore({ size: 3, disable: true, nodeSelector: pinned });
    const byHand = [0, 1].map((i) =>
      pv(`pv-${i}`, { claim: claimName(i), host: 'node-1', path: `/ais/sd${i}` }),
    );
    expect(messages(cr, [node('node-1'), ...byHand, released(localPath(5), 'uid-5')])).toEqual([
      expect.stringMatching(/^ais-target-2 has no PV for mount /),
    ]);
  });

  // Review "today14b" F5: the local static provisioner's Released PVs (Retain) stay Released, and no
  // PV is made for a new claim: the targets' new claims stay Pending until the uid is cleared.
  it('Released local-static-provisioner PVs still get "stay Pending until each is freed"', () => {
    const cr = aistore({ size: 2, disable: true, nodeSelector: pinned });
    const old = [0, 1]
      .map((i) =>
        released(
          madeForClaim(
            pv('x', { claim: claimName(i), host: 'node-1', path: `/mnt/disks/ssd${i}` }),
            `gone-${i}`,
            'local-volume-provisioner-node-1-3f1c8a2e-0b7d-4c5e-9a51-2d4e6f8a9b10',
          ),
          `gone-${i}`,
        ),
      )
      .map((v, i) => ({ ...v, metadata: { ...v.metadata, name: `local-pv-${i}abc` } }));
    expect(messages(cr, [node('node-1'), ...old])).toEqual([
      expect.stringMatching(/held by the uid of a deleted claim/),
    ]);
  });

  // The other side: a provisioned PV whose admin cleared claimRef.uid is Available and pre-bound, and
  // the new claim of that name binds it (IsVolumeBoundToClaim with no uid): it counts as a disk.
  it('CR re-created over provisioned PVs freed by hand (uid cleared): counted, two targets on node-1', () => {
    const freed = [0, 1].map((i) => {
      const v = structuredClone(localPath(i)) as KubeObject & { spec: { claimRef: { uid?: string } } };
      delete v.spec.claimRef.uid;
      return { ...v, status: { phase: 'Available' } };
    });
    const ev = evaluate(
      { operation: 'CREATE', object: aistore({ hostPort: 51081 }) },
      new ClusterContext([node('node-1'), node('node-2'), ...freed]),
    );
    expect(ev.findings.filter((f) => f.ruleId === 'target-host-port').map((f) => f.action)).toEqual(['deny']);
  });
});
