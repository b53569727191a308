// review fresh27: ais-target-0 has two mounts. Its /data/aistore PV is a local disk on node-1; its
// /data/b PV is a node-local CSI volume (OpenEBS LVM static provisioning) pinned to node-2, by
// kubernetes.io/hostname or by the driver's topology key openebs.io/nodename. The pod needs both claims'
// PVs on its node (scheduler VolumeBinding, CheckNodeAffinity for each bound PV): it stays Pending for
// good. Reviewed as the local PV (the CSI PV existing) pv-target-binding denies "the disks of
// ais-target-0 are on two nodes". Reviewed as the CSI PV (the local PV existing) it is admitted with
// no finding: checkVolume returns early for a pathless PV outside a multi-target layout, after
// checkVolumeNode and warnKeptApart only (bb37f54), so checkVolumeClashes never compares it with its
// own target's other PVs. The verdict hangs on which is applied first (webhook), the same defect
// 7e46ac3 fixed for the state PV (checkStateVolume now compares with the target's data PVs whatever
// its source).
// Fix: pv-target-binding.ts checkVolume: for a node-local pathless PV outside a multi-target layout,
// also deny when another live PV of the same target is on another node (as checkStateVolume does).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, pv, run } from '../support/builders.js';
import { csiPv, KEYS, topoNodes, twoMounts } from '../review-pvhost26/support.js';

const cr = twoMounts(aistore({}));
const local = pv('local-a0', { claim: claimName(0), host: 'node-1', local: true });
const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe("review fresh27: a node-local CSI PV on another node than its target's local PV", () => {
  it.each(KEYS)('control (%s): the local PV reviewed beside the CSI PV is denied', (key) => {
    const lv = csiPv('lv-b0', claimName(0, 'ais', '/data/b'), key, 'node-2');
    expect(denies(run({ name: 'local', object: local, context: [...topoNodes(), cr, lv] }))).toContainEqual(
      expect.stringMatching(/two nodes/),
    );
  });

  it.each(KEYS)('the CSI PV (%s) reviewed beside the local PV is denied too', (key) => {
    const lv = csiPv('lv-b0', claimName(0, 'ais', '/data/b'), key, 'node-2');
    expect(denies(run({ name: 'csi', object: lv, context: [...topoNodes(), cr, local] }))).toContainEqual(
      expect.stringMatching(/two nodes/),
    );
  });
});
