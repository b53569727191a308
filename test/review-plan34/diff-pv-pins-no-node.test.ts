// Review plan34: PVs written by hand are often hostPath PVs with no spec.nodeAffinity. Such a PV
// pins no node: its target may be scheduled anywhere, and a hostPath PV then hands it an empty
// directory of that node. `check` denies it (pv-target-binding: "must pin exactly one node"), but
// plan --diff compared node only when both sides name one and said "0 missing, 0 extra, 0
// conflicting", exit 0, against exactly those PVs.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import type { PersistentVolume } from '../../src/policy/index.js';
import { diffVolumes, parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = aistore({
  disable: true,
  size: 2,
  mounts: [{ path: '/data', size: '1Ti', storageClass: 'local' }],
}) as AIStoreCR;
const map = parseDiskMap({
  n1: [
    { path: '/mnt/a', size: '2Ti' },
    { path: '/mnt/b', size: '2Ti' },
  ],
});

describe('review plan34: plan --diff against PVs that pin no node', () => {
  it('is a node conflict, with a note, not "nothing to do"', () => {
    const planned = planVolumes(cr, map).volumes;
    const unpinned = planned.map((pv) => {
      const copy = structuredClone(pv) as PersistentVolume & { spec: Record<string, unknown> };
      delete copy.spec.nodeAffinity;
      copy.spec.hostPath = copy.spec.local;
      delete copy.spec.local;
      return copy;
    });
    const plan = planVolumes(cr, map, { existing: unpinned });
    const diff = diffVolumes(plan.volumes, unpinned, 'ais', 'ais', plan.mounts);
    expect(diff.missing).toEqual([]);
    expect(diff.conflicting.map((c) => [c.claim, c.fields])).toEqual([
      ['ais/ais-data-ais-target-0', ['node']],
      ['ais/ais-data-ais-target-1', ['node']],
    ]);
    expect(diff.conflicting[0]!.note).toMatch(/pins no node/);
  });

  it('control: the same PVs pinned to their node differ in nothing', () => {
    const planned = planVolumes(cr, map).volumes;
    const plan = planVolumes(cr, map, { existing: planned });
    expect(diffVolumes(plan.volumes, planned, 'ais', 'ais', plan.mounts).conflicting).toEqual([]);
  });
});
