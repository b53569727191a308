// review pvhost26: a node replaced for good. The old LV's PV is pinned by openebs.io/nodename=node-9
// and no Node carries that label any more (node-9 is gone, node-1..3 remain): its node affinity
// admits no node, so a claim bound to it keeps its pod Pending for good ("node(s) didn't match
// PersistentVolume's node affinity": component-helpers storage/volume/helpers.go CheckNodeAffinity,
// the VolumeBinding filter). With a kubernetes.io/hostname pin the guard knows this (ctx.hostMissing)
// and says so; with the topology pin it reads no node at all (pvHostname only; ctx.pvTopologyHost
// answers only for exactly one known Node, and is not asked here) and gives the opposite advice.
//  - pv-claim-uid strandedOn: the Released PV is "on node node-9, which is not among the cluster's
//    Nodes … Do not free it" with a hostname pin; with the topology pin the guard tells the user to
//    remove spec.claimRef.uid, which binds the target's next claim (volumeName then fixed) to a disk
//    no pod can reach.
//  - pv-target-binding checkVolumeClashes: a new PV on a live node for ais-target-0 while its old PV
//    (claim still bound to it) is on the gone node: "replaces … delete claim … and pod" with a hostname
//    pin; nothing with the topology pin, and the new PV is never bound (a live claim keeps its volumeName).
// Fix: a PV whose required terms admit no known Node (Nodes known) is on a missing node, whatever
// its key: e.g. ctx.pvAdmitsNoNode(pv) beside hostMissing in strandedOn, warnHeldByDeletedClaims and
// checkVolumeClashes' `replacing`.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, released, run } from '../support/builders.js';
import { csiPv, KEYS, topoNodes } from './support.js';

const cr = aistore({ disable: true });

describe('review pvhost26: a topology-key CSI PV whose node is gone', () => {
  it.each(KEYS)('Released PV pinned by %s to a gone node: not advised to be freed', (key) => {
    const old = released(csiPv('lv-old-0', claimName(0), key, 'node-9'));
    const ev = run({ name: 'old', object: old, context: [...topoNodes(), cr] });
    const uid = ev.findings.filter((f) => f.ruleId === 'pv-claim-uid');
    expect(uid).toHaveLength(1);
    expect(uid[0]?.message).toMatch(/not among the cluster's Nodes/);
    expect(uid[0]?.fix).toMatch(/^Do not free it/);
  });

  it.each(KEYS)(
    'new PV on node-2 for target-0, its old PV pinned by %s to a gone node: replacement warned',
    (key) => {
      const old = csiPv('lv-old-0', claimName(0), key, 'node-9');
      const fresh = csiPv('lv-new-0', claimName(0), key, 'node-2');
      const ev = run({ name: 'new', object: fresh, context: [...topoNodes(), cr, old] });
      const messages = ev.findings.map((f) => `${f.severity}: ${f.message}`);
      expect(messages).toContainEqual(
        expect.stringMatching(
          /^warn: PV lv-new-0 replaces lv-old-0 of ais-target-0, on a node that is not among/,
        ),
      );
      expect(messages).not.toContainEqual(expect.stringMatching(/both pre-bound to claim/));
    },
  );
});
