// review fresh27: a target's state PV (pre-bound to ais-ais-state-ais-target-0) on node-1:/mnt/disk1,
// and a disk the local static provisioner published on that very path (local-pv-..., no claimRef,
// reclaim Delete). Any claim of its class may bind the published PV and write the target's state
// disk, and when that claim goes the provisioner wipes the disk (deleter.go). For a data PV on the
// same disk pv-target-binding denies in both orders: the published PV made after it is a spare
// (recognise.ts spareOnTargetDisk -> checkSpare), the data PV made after it meets it in
// checkDiskTaken. For the state PV neither happens: spareOnTargetDisk skips holders whose claim is a
// state claim (targetClaimOf returns undefined for them), and checkStateVolume never looks for
// another PV on its disk. The rule summary promises "no two PVs for one claim or one disk (any other
// PV on that node and path, whoever's, a free disk the local static provisioner published
// included, and the other way round ...)" for target PVs, of which the state PV is one (layout.ts
// TargetVolume.state: "it pins the target to its node as a data PV does").
// Fix: recognise.ts spareOnTargetDisk: take a state PV as a holder too; pv-target-binding.ts
// checkStateVolume: run checkDiskTaken (any other PV on its node and path) as checkVolumeClashes does.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, discoveredDisk, node, pv, run } from '../support/builders.js';

const cr = aistore({});
(cr.spec as Record<string, unknown>).stateStorage = { pvc: { storageClass: 'manual' } };
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));
const statePv = pv('pv-st0', {
  claim: 'ais-ais-state-ais-target-0',
  host: 'node-1',
  path: '/mnt/disk1',
  storageClass: 'manual',
  capacity: '1Gi',
  local: true,
});
const dataPv = pv('pv-d0', { claim: claimName(0), host: 'node-1', path: '/mnt/disk1', local: true });
const published = discoveredDisk({ host: 'node-1', path: '/mnt/disk1' });

const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe('review fresh27: a published disk on a state PV disk', () => {
  it('control: the published disk made after a data PV on that disk is denied', () => {
    expect(denies(run({ name: 'p', object: published, context: [...nodes, cr, dataPv] }))).not.toEqual([]);
  });
  it('control: a data PV made after the published disk is denied', () => {
    expect(denies(run({ name: 'd', object: dataPv, context: [...nodes, cr, published] }))).not.toEqual([]);
  });

  it('the published disk made after the state PV on that disk is denied', () => {
    expect(denies(run({ name: 'p', object: published, context: [...nodes, cr, statePv] }))).not.toEqual([]);
  });
  it('the state PV made after the published disk is denied', () => {
    expect(denies(run({ name: 's', object: statePv, context: [...nodes, cr, published] }))).not.toEqual([]);
  });
});
