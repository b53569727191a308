// review fresh27: two hand-made PVs pre-bound to the same state claim (ais-ais-state-ais-target-0),
// on two disks of node-1. The PV controller binds the claim to one of them; the other stays Available,
// pre-bound to a claim that is bound elsewhere, and binds its next life (pv_controller.go syncVolume
// leaves such a PV as it is; a new claim of that name binds whichever the binder finds first), so the
// target may come back on an empty state disk. For a data claim pv-target-binding denies exactly
// this (checkVolumeClashes: "PVs X and Y are both pre-bound to claim ...: the claim binds one and
// strands the other"; the rule summary: "no two PVs for one claim"). For the state claim
// checkStateVolume (pv-target-binding.ts) compares the PV with its target's data PVs only (it skips
// v.state), and checkVolumeClashes of a data PV compares other claims' PVs with its own claim only:
// the second state PV is admitted silently, and `check` of both passes with 0 denied.
// Fix: pv-target-binding.ts checkStateVolume: deny a second live PV pre-bound to the same state
// claim, as checkVolumeClashes does for a data claim (parkedBeside and leaving PVs excepted).
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run } from '../support/builders.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));
const state = (name: string, path: string) =>
  pv(name, {
    claim: 'ais-ais-state-ais-target-0',
    host: 'node-1',
    path,
    storageClass: 'manual',
    capacity: '1Gi',
  });

const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe('review fresh27: two PVs pre-bound to one state claim', () => {
  it('control: two PVs pre-bound to one data claim are denied', () => {
    const a = pv('pv-d0-a', { claim: claimName(0), host: 'node-1', path: '/ais/a' });
    const b = pv('pv-d0-b', { claim: claimName(0), host: 'node-1', path: '/ais/b' });
    expect(denies(run({ name: 'd', object: b, context: [...nodes, cr, a] }))).toContainEqual(
      expect.stringMatching(/both pre-bound to claim/),
    );
  });

  it('two PVs pre-bound to one state claim are denied too', () => {
    const a = state('pv-st0-a', '/ais/st-a');
    const b = state('pv-st0-b', '/ais/st-b');
    expect(denies(run({ name: 's', object: b, context: [...nodes, cr, a] }))).toContainEqual(
      expect.stringMatching(/both pre-bound to claim ais-ais-state-ais-target-0/),
    );
  });
});
