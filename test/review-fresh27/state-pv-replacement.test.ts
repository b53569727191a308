// review fresh27: a target's node is gone for good (node-1 is not among the cluster's Nodes) and its
// PVs are made anew on node-2, as the guard itself advises (target-disk-binding: "pre-bind a PV on a
// live node to each of <claims>, then delete those claims and this pod"; the pod's claims include its
// state claim <ns>-<cr>-state-<cr>-target-0). For the new data PV pv-target-binding
// checkVolumeClashes sees the old PVs on the missing node (ctx.pvMissingNode) as replaced and warns
// ("PV pv-d0-new replaces pv-d0-old, pv-st0-old ..."). For the new state PV, checkStateVolume (7e46ac3)
// takes the old data PV on the gone node as a clash and denies "the disks of ais-target-0 are on two
// nodes", whatever order they are applied in: the replacement the rule asks for cannot be made until
// the old data PVs are deleted, though the data PVs' replacements are admitted beside the old ones.
// Kubernetes: a live claim stays bound to its PV; the new state PV is bound only by the state claim
// made next, on node-2, beside the new data PVs (scheduler VolumeBinding: all on node-2).
// Fix: pv-target-binding.ts checkStateVolume: skip (and warn of, as checkVolumeClashes does) a data
// PV of the same target on a node the cluster does not have (ctx.pvMissingNode) when the state PV's
// own node is live.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run } from '../support/builders.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
// node-1 is gone: only node-2 and node-3 are Nodes.
const live = ['node-2', 'node-3'].map((n) => node(n));
const state = (name: string, host: string) =>
  pv(name, {
    claim: 'ais-ais-state-ais-target-0',
    host,
    path: '/ais/st0',
    storageClass: 'manual',
    capacity: '1Gi',
  });
const d0old = pv('pv-d0-old', { claim: claimName(0), host: 'node-1', path: '/ais/d0' });
const st0old = state('pv-st0-old', 'node-1');
const d0new = pv('pv-d0-new', { claim: claimName(0), host: 'node-2', path: '/ais/d0' });
const st0new = state('pv-st0-new', 'node-2');

const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe('review fresh27: a state PV replacing one on a node the cluster no longer has', () => {
  it('control: the new data PV beside the old PVs is a replacement (warned, not denied)', () => {
    const ev = run({ name: 'd', object: d0new, context: [...live, cr, d0old, st0old] });
    expect(denies(ev)).toEqual([]);
    expect(ev.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/replaces pv-d0-old/));
  });

  it('the new state PV beside the old PVs (new data PV made first) is not denied', () => {
    const ev = run({ name: 's', object: st0new, context: [...live, cr, d0old, st0old, d0new] });
    expect(denies(ev)).toEqual([]);
  });

  it('the new state PV made first is not denied either', () => {
    const ev = run({ name: 's', object: st0new, context: [...live, cr, d0old, st0old] });
    expect(denies(ev)).toEqual([]);
  });
});
