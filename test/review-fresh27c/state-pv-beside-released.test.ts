// review fresh27c: redeploy on Retain disks. ais-target-0's state claim was deleted (CR deleted, or a
// scale-down with whenScaled: Delete); its hand-made state PV pv-st0 (Retain) is Released, its
// claimRef still holding the deleted claim's uid. The user makes a fresh PV pv-st0-new on the same
// disk node-1:/mnt/state, pre-bound to the same state claim name, so the claim the StatefulSet makes
// anew binds it. pv-st0 binds nothing (pv_controller syncVolume: the claim of that name has another
// uid, so the volume stays Released; IsVolumeBoundToClaim fails), so only one claim ever writes the
// disk. For a data PV the same set-up is a warning (checkDiskTaken `held` -> heldDisk: "freed, it and
// pv-d0 would be two PVs for one disk"). For the state PV it is now denied ("two claims would write
// one disk"): 4393585 made recognise.ts spareOnTargetDisk take state PVs as holders
// (stateClaimOf), and recognise tries spareOnTargetDisk before stateVolume (recognise.ts:
// `spareOnTargetDisk(pv, ctx) ?? stateVolume(pv, ctx)`), so the new state PV is judged as a spare
// on its own claim's old disk (checkSpare) instead of as a state PV (checkStateVolume ->
// checkDiskTaken, which warns of a held disk). Before 4393585 it was admitted.
// Fix: recognise.ts: a PV pre-bound to a state claim is a state volume, not a spare (try stateVolume
// first, or skip in spareOnTargetDisk a PV whose own claim is a target's state claim), as a PV
// pre-bound to a data claim is a target volume.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, run } from '../support/builders.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));

const released = (o: KubeObject): KubeObject => {
  const spec = o.spec as { claimRef: Record<string, unknown> };
  return {
    ...o,
    spec: { ...spec, claimRef: { ...spec.claimRef, uid: 'old-uid' } },
    status: { phase: 'Released' },
  };
};
const statePv = (name: string) =>
  pv(name, {
    claim: 'ais-ais-state-ais-target-0',
    host: 'node-1',
    path: '/mnt/state',
    storageClass: 'manual',
    capacity: '1Gi',
    local: true,
  });
const dataPv = (name: string) =>
  pv(name, { claim: claimName(0), host: 'node-1', path: '/mnt/disk1', local: true });

const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe('review fresh27c: a fresh state PV on the disk its Released state PV keeps', () => {
  it('control: a fresh data PV on the disk its Released data PV keeps is warned of, not denied', () => {
    const ev = run({
      name: 'data',
      object: dataPv('pv-d0-new'),
      context: [...nodes, cr, released(dataPv('pv-d0')), statePv('pv-st0-x')],
    });
    expect(denies(ev)).toEqual([]);
    expect(ev.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(/held by the uid of its deleted claim/),
    );
  });

  it('a fresh state PV on the disk its Released state PV keeps is not denied', () => {
    const ev = run({
      name: 'state',
      object: statePv('pv-st0-new'),
      context: [...nodes, cr, released(statePv('pv-st0')), dataPv('pv-d0')],
    });
    expect(denies(ev)).toEqual([]);
  });
});
