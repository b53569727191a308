// Review plan31: existing PVs on a directory of a disk (local.path /mnt/a/ais on the disk mounted at
// /mnt/a, the usual way to keep lost+found out of the data) are the targets' data, Bound and running.
// plan --diff (keep.ts keepTarget) only kept a PV whose path is a disk's mount point exactly: every
// such target was "not in the disk map", planned anew on other disks, and their old disks stayed held,
// so a scale-out failed with "not enough disks" (exit 2), or moved running targets to empty disks.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import type { PersistentVolume } from '../../src/policy/index.js';
import { diffVolumes, differenceCount, parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = (size: number) =>
  aistore({
    disable: true,
    size,
    mounts: [{ path: '/data', size: '1Ti', storageClass: 'local' }],
  }) as AIStoreCR;
const map = () =>
  parseDiskMap({
    n1: [
      { path: '/mnt/a', size: '2Ti' },
      { path: '/mnt/b', size: '2Ti' },
    ],
    n2: [{ path: '/mnt/a', size: '2Ti' }],
  });
/** The planned PVs as written by hand on a directory of each disk. */
const inDir = (pvs: PersistentVolume[], dir: string) =>
  pvs.map((pv) => {
    const copy = structuredClone(pv) as PersistentVolume & { spec: { local: { path: string } } };
    copy.spec.local.path = `${copy.spec.local.path}/${dir}`;
    return copy;
  });
const at = (plan: ReturnType<typeof planVolumes>) =>
  plan.placements.map((p) => `${p.ordinal}@${p.node}:${p.disks.map((d) => d.path).join('+')}`);

describe('review plan31: a target whose PVs are on a directory of a listed disk keeps them', () => {
  it('a scale-out keeps the running targets where they are and adds only the new one', () => {
    const existing = inDir(planVolumes(cr(2), map()).volumes, 'ais');
    const plan = planVolumes(cr(3), map(), { existing: structuredClone(existing) });
    expect(at(plan)).toEqual(['0@n1:/mnt/a/ais', '1@n2:/mnt/a/ais', '2@n1:/mnt/b']);
    expect(plan.warnings).toEqual([]);
    const diff = diffVolumes(plan.volumes, existing, 'ais', 'ais');
    expect(diff.missing.map((d) => d.claim)).toEqual(['ais/ais-data-ais-target-2']);
    expect(differenceCount(diff)).toBe(1);
  });

  it('two targets on two directories of one disk are not both kept there', () => {
    // Target-1's PV moved by hand onto a second directory of target-0's disk: one filesystem for two
    // targets. Target-0 keeps it; target-1 is planned on a free disk, with a warning.
    const existing = inDir(planVolumes(cr(2), map()).volumes, 'ais');
    (existing[1] as { spec: { local: { path: string }; nodeAffinity: unknown } }).spec = {
      ...(existing[1]!.spec as object),
      local: { path: '/mnt/a/ais2' },
      nodeAffinity: existing[0]!.spec!.nodeAffinity,
    } as never;
    const plan = planVolumes(cr(2), map(), { existing });
    expect(at(plan)).toEqual(['0@n1:/mnt/a/ais', '1@n2:/mnt/a']);
    expect(plan.warnings.join('\n')).toContain(
      'ais-target-1 is planned on other disks: disk n1:/mnt/a also backs ais-target-0',
    );
  });
});
