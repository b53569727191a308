// review pvhost26: layout.ts targetVolumeOf takes a target PV's node from pvHostname only
// (kubernetes.io/hostname In), so detectLayout's "pvs-share-node" signal never counts a node-local
// CSI PV pinned by its driver's topology key (openebs.io/nodename, topology.lvm.csi/node), though
// pv-target-binding resolves exactly that PV to its Node (ctx.pvTopologyHost, since 3ef14af).
//
// Layout: a CR of 2 targets, anti-affinity left on (the operator then adds a required hostname pod
// anti-affinity between targets, DESIGN.md §1), and the PVs of ais-target-0 and ais-target-1 both
// on node-1. The scheduler's VolumeBinding filter admits only node-1 for each pod (component-helpers
// storage/volume/helpers.go CheckNodeAffinity matches the PV's terms against the Node's labels,
// whatever the key), and the InterPodAffinity filter then keeps ais-target-1 Pending ("node(s)
// didn't match pod anti-affinity rules"). Pinned by kubernetes.io/hostname the guard sees the
// multi-target layout and sets disablePodAntiAffinity on the CR's CREATE (anti-affinity-not-disabled);
// pinned by openebs.io/nodename, with the Nodes carrying that label, it admits the CR unchanged.
// Fix: layout.ts targetVolumes/detectLayout should take `pvHostname(pv) ?? ctx.pvTopologyHost(pv)`.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, run } from '../support/builders.js';
import { csiPv, findings, KEYS, topoNodes } from './support.js';

describe('review pvhost26: two targets on one node by a topology-key CSI PV', () => {
  it.each(KEYS)('PVs pinned by %s: multi-target, anti-affinity turned off on CREATE', (key) => {
    const context = [
      ...topoNodes(),
      csiPv('lv-0', claimName(0), key, 'node-1'),
      csiPv('lv-1', claimName(1), key, 'node-1'),
    ];
    const ev = run({ name: 'cr', object: aistore(), context });
    expect(ev.multiTarget).toBe(true);
    expect(ev.signal).toMatch(/PVs put the disks of ais-target-0, ais-target-1 on node node-1/);
    expect(findings(ev)).toEqual([expect.stringMatching(/^anti-affinity-not-disabled warn:/)]);
    expect(ev.patch).toEqual([{ op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true }]);
  });

  it.each(KEYS)('PVs pinned by %s, CR with a hostPort: denied (second target has no free port)', (key) => {
    const context = [
      ...topoNodes(),
      csiPv('lv-0', claimName(0), key, 'node-1'),
      csiPv('lv-1', claimName(1), key, 'node-1'),
    ];
    const ev = run({ name: 'cr', object: aistore({ hostPort: 51081 }), context });
    expect(ev.allowed).toBe(false);
    expect(findings(ev)).toContainEqual(expect.stringMatching(/^target-host-port deny:/));
  });
});
