// Review plan34: plan --diff warns of another PV on a kept target's disk, except the CR's own target
// PVs. "Own" was read from the claim's ending alone (targetOrdinal: `-ais-target-<N>`), which the
// claims of another CR of the namespace whose name ends the same (`x-ais`) share: a PV of x-ais's
// target on ais-target-0's disk (two clusters writing one disk) was not warned of, and --diff said
// "0 missing, 0 extra, 0 conflicting", exit 0. A scratch claim's PV there is warned of.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import type { PersistentVolume } from '../../src/policy/index.js';
import { parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = aistore({
  disable: true,
  size: 2,
  mounts: [{ path: '/data', size: '1Ti', storageClass: 'local' }],
}) as AIStoreCR;
const map = () =>
  parseDiskMap({
    n1: [
      { path: '/mnt/a', size: '2Ti' },
      { path: '/mnt/b', size: '2Ti' },
    ],
  });
const own = () => planVolumes(cr, map()).volumes;
/** Target-0's PV, copied onto the same disk for another claim. */
const intruder = (claim: string) => {
  const pv = structuredClone(own()[0]!) as PersistentVolume & {
    metadata: { name: string };
    spec: { claimRef: { name: string } };
  };
  pv.metadata.name = 'intruder';
  pv.spec.claimRef.name = claim;
  return pv;
};

describe('review plan34: another PV on a kept disk', () => {
  it('control: a scratch claim is warned of', () => {
    const plan = planVolumes(cr, map(), { existing: [...own(), intruder('scratch')] });
    expect(plan.warnings).toEqual([
      expect.stringMatching(/^ais-target-0 keeps its disks, but disk n1:\/mnt\/a also holds PV intruder/),
    ]);
  });

  it('a target PV of CR x-ais (claim ending -ais-target-0 too) is warned of', () => {
    const plan = planVolumes(cr, map(), {
      existing: [...own(), intruder('x-ais-data-x-ais-target-0')],
    });
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /^ais-target-0 keeps its disks, but disk n1:\/mnt\/a also holds PV intruder of claim ais\/x-ais-data-x-ais-target-0/,
      ),
    ]);
  });

  it("its own target's state PV there is judged as the target's, not warned of (namespace prod)", () => {
    const prod = aistore({
      namespace: 'prod',
      disable: true,
      size: 2,
      mounts: [{ path: '/data', size: '1Ti', storageClass: 'local' }],
    }) as AIStoreCR;
    const volumes = planVolumes(prod, map()).volumes;
    const state = structuredClone(volumes[0]!) as PersistentVolume & {
      metadata: { name: string };
      spec: { claimRef: { name: string }; local: { path: string } };
    };
    state.metadata.name = 'state-0';
    state.spec.claimRef.name = 'prod-ais-state-ais-target-0';
    state.spec.local.path = '/mnt/a/state';
    expect(planVolumes(prod, map(), { existing: [...volumes, state] }).warnings).toEqual([]);
  });
});
