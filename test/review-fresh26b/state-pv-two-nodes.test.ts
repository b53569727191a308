// review fresh26b: a state PV (pre-bound to <ns>-<cr>-state-<cr>-target-0) on node-2 while
// ais-target-0's data PV is on node-1. The pod needs both claims on one node (scheduler VolumeBinding
// filter: each bound PV's node affinity must admit the node), so ais-target-0 stays Pending for good.
// Reviewed the other way round (the data PV, the state PV existing) pv-target-binding denies: "the
// disks of ais-target-0 are on two nodes (..., its state PV ...)". Reviewed as itself, the state PV is
// admitted silently: checkStateVolume (e398e71) added warnKeptApart for other targets but judges
// nothing against its own target's data PVs, so the verdict hangs on which is applied first — and
// plan tells the user to create the state PVs after its data PVs ("create those PVs on each target's
// node"). Fix: pv-target-binding checkStateVolume: deny when a data PV of the same ordinal is on
// another node, as checkVolumeClashes does for the data PV.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run } from '../support/builders.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));
const d0 = pv('pv-d0', { claim: claimName(0), host: 'node-1', path: '/ais/d0' });
const st0 = pv('pv-st0', {
  claim: 'ais-ais-state-ais-target-0',
  host: 'node-2',
  path: '/ais/st0',
  storageClass: 'manual',
  capacity: '1Gi',
});

describe('review fresh26b: a state PV on another node than its own target data PV', () => {
  it('control: the data PV reviewed beside the state PV is denied', () => {
    const ev = run({ name: 'x', object: d0, context: [...nodes, cr, st0] });
    expect(ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message)).toContainEqual(
      expect.stringMatching(/two nodes/),
    );
  });

  it('the state PV reviewed beside the data PV is denied too', () => {
    const ev = run({ name: 'x', object: st0, context: [...nodes, cr, d0] });
    expect(ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message)).toContainEqual(
      expect.stringMatching(/node/),
    );
  });
});
