// Review plan31: when the plan around existing PVs (--diff, --diff-cluster) runs out of disks, the
// error must still say why targets with PVs were not kept on them. placeAround (src/plan/keep.ts)
// collects those reasons as warnings, but the shortage throws before the CLI prints warnings, so the
// user only read "0 target(s) kept on the disks their PVs hold ... not enough disks", with nothing
// about which target lost its disks or why (docs/plan.md: "a warning on stderr says why").
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { parseDiskMap, planVolumes, PlanError } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = (size: number, mountSize: string) =>
  aistore({
    disable: true,
    size,
    mounts: [{ path: '/data', size: mountSize, storageClass: 'local' }],
  }) as AIStoreCR;

describe('review plan31: a shortage around existing PVs says which targets were not kept, and why', () => {
  // Planned when the mount was 2Ti: target-0 on n1:/mnt/a, target-1 on n2:/mnt/a. The CR now asks
  // 3Ti: target-1 keeps its 4Ti disk, target-0's 2Ti disk no longer fits, so it is planned anew, and
  // nothing is left for it (n1:/mnt/a is held by its old PV, n1:/mnt/b is too small).
  const map = () =>
    parseDiskMap({
      n1: [
        { path: '/mnt/a', size: '2Ti' },
        { path: '/mnt/b', size: '2Ti' },
      ],
      n2: [{ path: '/mnt/a', size: '4Ti' }],
    });

  it('names the target that lost its disks, with the reason, in the one-line error', () => {
    const before = planVolumes(cr(2, '2Ti'), map());
    let error: unknown;
    try {
      planVolumes(cr(2, '3Ti'), map(), { existing: structuredClone(before.volumes) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanError);
    const message = (error as PlanError).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('ais-target-0');
    expect(message).toContain('disk n1:/mnt/a no longer fits');
  });
});
