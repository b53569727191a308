// review pvhost26: two checks of "the PV is on a node the targets may use" read the PV's node with
// pvHostname only, so a node-local CSI PV pinned by its driver's topology key (openebs.io/nodename)
// on a node the targets' placement rules out passes, though the target pod can never be scheduled:
// the VolumeBinding filter admits only node-1 (component-helpers storage/volume/helpers.go
// CheckNodeAffinity, the PV's terms against the Node's labels, whatever the key), and the CR's
// nodeSelector (pool=ais, which node-1 lacks) admits only node-2 and node-3 ("node(s) didn't match
// PersistentVolume's node affinity").
//  - pv-target-binding checkStateVolume: `checkVolumeNode(input, pvHostname(subject.object))`, while
//    checkVolume takes `pvHostname(pv) ?? ctx.pvTopologyHost(pv)`. docs/rules.md says the state PV is
//    judged for "a node the targets may use, as a data PV (deny)".
//  - pv-target-binding checkPlacement (on the CR): targetVolumes' host is pvHostname (layout.ts
//    targetVolumeOf), so "the targets cannot run on node node-1, yet their PV(s) … are there" is
//    missing on the CR's CREATE.
// Fix: take `pvHostname(pv) ?? ctx.pvTopologyHost(pv)` in both (best once, in layout.ts targetVolumes).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';
import { csiPv, findings, KEYS, topoNodes } from './support.js';

const nodes = topoNodes({ 'node-2': { pool: 'ais' }, 'node-3': { pool: 'ais' } });

function withStatePvc(cr: KubeObject): KubeObject {
  const copy = structuredClone(cr) as KubeObject & { spec: Record<string, unknown> };
  copy.spec.stateStorage = { pvc: { storageClass: 'ais-local-storage' } };
  return copy;
}

describe('review pvhost26: a topology-key CSI PV on a node the targets may not use', () => {
  it.each(KEYS)('state PV pinned by %s to node-1 (not in pool=ais): denied', (key) => {
    const cr = withStatePvc(aistore({ nodeSelector: { pool: 'ais' } }));
    const state = csiPv('lv-state-0', 'ais-ais-state-ais-target-0', key, 'node-1', '1Gi');
    const ev = run({ name: 'state', object: state, context: [...nodes, cr] });
    expect(ev.role).toBe('state-volume');
    expect(findings(ev)).toEqual([
      'pv-target-binding deny: PV lv-state-0 is on node node-1, where the targets of ais cannot run (spec.targetSpec.nodeSelector pool=ais): ais-target-0 would stay Pending ("node(s) didn\'t match PersistentVolume\'s node affinity").',
    ]);
  });

  it.each(KEYS)("CR whose nodeSelector rules out node-1, target-0's LV pinned there by %s: denied", (key) => {
    const context = [
      ...nodes,
      csiPv('lv-0', claimName(0), key, 'node-1'),
      csiPv('lv-1', claimName(1), key, 'node-2'),
    ];
    const ev = run({
      name: 'cr',
      object: aistore({ nodeSelector: { pool: 'ais' }, disable: true }),
      context,
    });
    expect(findings(ev)).toEqual([
      'pv-target-binding deny: the targets cannot run on node node-1 (spec.targetSpec.nodeSelector pool=ais), yet their PV(s) lv-0 are there: those targets would stay Pending ("node(s) didn\'t match PersistentVolume\'s node affinity").',
    ]);
  });
});
