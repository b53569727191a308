// review pvhost26: pv-target-binding checkVolume returns before any node check for a PV without a
// local/hostPath path outside a multi-target layout ("Network volumes outside a multi-target layout
// are not this rule's business"). A node-local CSI PV is no network volume: pinned to node-1 (by its
// driver's topology key, or by kubernetes.io/hostname), the VolumeBinding filter admits only node-1
// for ais-target-0 (component-helpers storage/volume/helpers.go CheckNodeAffinity), and the CR's
// nodeSelector pool=ais rules node-1 out: the target stays Pending ("node(s) didn't match
// PersistentVolume's node affinity"). The same layout with a local PV is denied; a state PV of the
// same CSI driver pinned by hostname is denied too (checkStateVolume has no such return), and the CR
// itself is denied for the hostname-pinned CSI PV (checkPlacement) — but the CSI data PV is admitted.
// docs/rules.md: "a node the targets may use (nodeSelector, required node affinity, taints)".
// Fix: in checkVolume, judge checkVolumeNode whenever the PV's node is known (pvHostname ??
// pvTopologyHost), whatever the layout; keep only the clash checks for multi-target layouts.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, pv, run } from '../support/builders.js';
import { csiPv, findings, KEYS, topoNodes } from './support.js';

const nodes = topoNodes({ 'node-2': { pool: 'ais' }, 'node-3': { pool: 'ais' } });
const cr = aistore({ nodeSelector: { pool: 'ais' } }); // 2 targets, anti-affinity on: one per node
const deny =
  'pv-target-binding deny: PV d0 is on node node-1, where the targets of ais cannot run (spec.targetSpec.nodeSelector pool=ais): ais-target-0 would stay Pending ("node(s) didn\'t match PersistentVolume\'s node affinity").';

describe('review pvhost26: a node-local PV on a node the targets may not use, one target per node', () => {
  it('baseline: local PV pinned to node-1 by hostname: denied', () => {
    const local = pv('d0', { claim: claimName(0), host: 'node-1', local: true });
    const ev = run({ name: 'pv', object: local, context: [...nodes, cr] });
    expect(ev.multiTarget).toBe(false);
    expect(findings(ev)).toEqual([deny]);
  });

  it.each(KEYS)('CSI PV pinned to node-1 by %s: denied as well', (key) => {
    const ev = run({ name: 'pv', object: csiPv('d0', claimName(0), key, 'node-1'), context: [...nodes, cr] });
    expect(ev.multiTarget).toBe(false);
    expect(findings(ev)).toEqual([deny]);
  });
});

// The same early return drops warnKeptApart: with the CR live and anti-affinity on (not multi-target:
// it keeps targets one per node), a PV that puts ais-target-1 on node-1 beside ais-target-0's disk
// is warned of when local ("all but one of them stay Pending"), and passes silently as a node-local
// CSI PV, by either key, though the InterPodAffinity filter keeps ais-target-1 Pending just the same.
describe('review pvhost26: a node-local PV beside another target while anti-affinity is on', () => {
  const warn = expect.stringMatching(
    /^pv-target-binding warn: PV lv-1 puts ais-target-1 on node node-1 beside ais-target-0 \(PV lv-0\), but the targets of ais keep a required hostname anti-affinity/,
  );
  it('baseline: local PVs on node-1: warned', () => {
    const lv0 = pv('lv-0', { claim: claimName(0), host: 'node-1', local: true });
    const lv1 = pv('lv-1', { claim: claimName(1), host: 'node-1', local: true });
    const ev = run({ name: 'pv', object: lv1, context: [...topoNodes(), aistore(), lv0] });
    expect(findings(ev)).toEqual([warn]);
  });

  it.each(KEYS)('CSI PVs pinned to node-1 by %s: warned as well', (key) => {
    const lv0 = csiPv('lv-0', claimName(0), key, 'node-1');
    const lv1 = csiPv('lv-1', claimName(1), key, 'node-1');
    const ev = run({ name: 'pv', object: lv1, context: [...topoNodes(), aistore(), lv0] });
    expect(findings(ev)).toEqual([warn]);
  });
});
