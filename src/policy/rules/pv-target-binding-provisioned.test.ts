// PVs a provisioner made (pv.kubernetes.io/provisioned-by) in the CR's coverage check: the cases an
// outside review ("today14") found once layout.ts stopped counting an earlier life's Released ones.
// The PV controller never binds a Released PV to a new claim of the same name (component-helpers
// pv_helpers.go FindMatchingVolume skips a claimRef holding another claim's uid), and provisions a
// new PV for the claim instead (pv_controller.go syncUnboundClaim).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, DATA_MOUNT, node, pv, released } from '../../../test/support/builders.js';
import { dataClaimName } from '../aistore.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';

const pinned = { 'kubernetes.io/hostname': 'node-1' };
const provisioned = (v: KubeObject): KubeObject => ({
  ...v,
  metadata: { ...v.metadata, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
});
const localPath = (i: number, claim = claimName(i)) =>
  provisioned(pv(`pvc-${i}`, { claim, host: 'node-1', path: `/opt/local-path/pvc-${i}` }));

const messages = (object: KubeObject, context: KubeObject[], oldObject?: KubeObject) =>
  evaluate(
    { operation: oldObject ? 'UPDATE' : 'CREATE', object, ...(oldObject && { oldObject }) },
    new ClusterContext(context),
  )
    .findings.filter((f) => f.ruleId === 'pv-target-binding')
    .map((f) => f.message);

describe('coverage with PVs a provisioner made', () => {
  it('CR re-created (anti-affinity off) over Released provisioned PVs: no "stay Pending until freed"', () => {
    const old = [0, 1].map((i) => released(localPath(i), `gone-${i}`));
    const again = aistore({ size: 2, disable: true, nodeSelector: pinned });
    expect(messages(again, [node('node-1'), ...old])).toEqual([]);
  });

  it('scale-out after a whenScaled: Delete scale-in, local-path PVs: no "stay Pending until freed"', () => {
    const bound = [0, 1].map((i) => localPath(i));
    const gone = [2, 3].map((i) => released(localPath(i), `gone-${i}`));
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

  // The other side: a provisioned PV whose admin cleared claimRef.uid is Available and pre-bound, and
  // the new claim of that name binds it (IsVolumeBoundToClaim with no uid): it counts as a disk.
  it('CR re-created over provisioned PVs freed by hand (uid cleared): counted, two targets on node-1', () => {
    const freed = [0, 1].map((i) => ({ ...localPath(i), status: { phase: 'Available' } }));
    const ev = evaluate(
      { operation: 'CREATE', object: aistore({ hostPort: 51081 }) },
      new ClusterContext([node('node-1'), node('node-2'), ...freed]),
    );
    expect(ev.findings.filter((f) => f.ruleId === 'target-host-port').map((f) => f.action)).toEqual(['deny']);
  });
});
