// review fresh26: a hand-made state PV (pre-bound to <ns>-<cr>-state-<cr>-target-1) on node-1, where
// target-0's data PV is, with the operator's required hostname anti-affinity kept (default). The
// target pod needs both its claims on one node (scheduler VolumeBinding filter), so target-1 must run
// on node-1 beside target-0, which the anti-affinity forbids: one stays Pending ("node(s) didn't
// match pod anti-affinity rules"). The very same PV pre-bound to target-1's *data* claim is warned
// (pv-target-binding checkVolumeClashes / warnKeptApart); the state PV is admitted silently:
// checkStateVolume judges its size, modes and node only, and detectLayout does not take a reviewed
// state-volume as `reviewed` (layout.ts: `subject.role === 'target-volume'`).
// Fix: pv-target-binding checkStateVolume: warn as warnKeptApart does for the other targets on its
// host (otherTargetsOn), and pass a reviewed state PV to volumeSet in detectLayout.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run } from '../support/builders.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));
const d0 = pv('pv-d0', { claim: claimName(0), host: 'node-1', path: '/ais/d0' });

describe('review fresh26: a state PV putting its target beside another', () => {
  it('control: target-1 data PV on node-1 beside target-0 is warned', () => {
    const p = pv('pv-x', { claim: claimName(1), host: 'node-1', path: '/ais/x' });
    const ev = run({ name: 'x', object: p, context: [...nodes, cr, d0] });
    expect(ev.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/beside ais-target-0/));
  });

  it('target-1 state PV on node-1 beside target-0 is warned too', () => {
    const p = pv('pv-x', {
      claim: 'ais-ais-state-ais-target-1',
      host: 'node-1',
      path: '/ais/x',
      storageClass: 'manual',
      capacity: '1Gi',
    });
    const ev = run({ name: 'x', object: p, context: [...nodes, cr, d0] });
    expect(ev.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/ais-target-0/));
  });
});
