// review pvhost26: target-disk-binding bindPod reads each disk's node with pvHostname only, so a
// node-local CSI PV pinned by its driver's topology key (openebs.io/nodename) counts as on no node.
// The scheduler places the pod only where every PV of its claims admits (component-helpers
// storage/volume/helpers.go CheckNodeAffinity in the VolumeBinding filter, labels only, any key).
//  - ais-target-0's /data/aistore on an LV of node-1 and /data/b on a local PV of node-2: no node
//    has both, the pod never schedules. Pinned by hostname the guard denies ("on 2 nodes"); pinned by
//    openebs.io/nodename it *mutates* the pod to node-2 and annotates "lv-a0=undefined:".
//  - the pod pinned to node-3 (nodeSelector kubernetes.io/hostname) while its only disk is on node-1:
//    denied with a hostname pin, admitted with the topology pin, and the pod stays Pending.
// Fix: bindPod's disks (and warnHeldByDeletedClaims) should take `pvHostname(pv) ?? ctx.pvTopologyHost(pv)`.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, pv, run, targetPod } from '../support/builders.js';
import { csiPv, findings, KEYS, topoNodes, twoMounts } from './support.js';

const cr = twoMounts(aistore({ disable: true }));
const claimA = claimName(0);
const claimB = claimName(0, 'ais', '/data/b');

describe('review pvhost26: target pod whose disk is a topology-key CSI PV', () => {
  it.each(KEYS)('disks on node-1 (LV pinned by %s) and node-2 (local): denied, not bound', (key) => {
    const context = [
      ...topoNodes(),
      cr,
      csiPv('lv-a0', claimA, key, 'node-1'),
      pv('local-b0', { claim: claimB, host: 'node-2', local: true }),
    ];
    const ev = run({ name: 'pod', object: targetPod({ claims: [claimA, claimB] }), context });
    expect(findings(ev)).toEqual([
      'target-disk-binding deny: the disks of target pod ais-target-0 are on 2 nodes (node-1, node-2): it can never be scheduled.',
    ]);
    expect(ev.patch).toEqual([]);
  });

  it.each(KEYS)('pod pinned to node-3, its LV on node-1 (pinned by %s): denied', (key) => {
    const context = [...topoNodes(), cr, csiPv('lv-a0', claimA, key, 'node-1')];
    const pod = targetPod({ claims: [claimA], nodeSelector: { 'kubernetes.io/hostname': 'node-3' } });
    const ev = run({ name: 'pod', object: pod, context });
    expect(findings(ev)).toEqual([
      'target-disk-binding deny: target pod ais-target-0 is pinned to node-3, but its disks are on node-1: it can never be scheduled.',
    ]);
  });
});
