// review fix23: plan's new placement search (src/plan/assign.ts nextTarget) is exponential in the
// number of mounts: one target with 24 mounts in 8 sizes, on one node of 24 matching disks, takes
// about a minute; 20 mounts take under a second.
//
// Defect: nextTarget enumerates every way to give each mount a "group" of interchangeable disks
// (groups^mounts leaves, pruned only by group exhaustion); the roomAfter memo saves the
// nodeCapacity calls, not the enumeration. Disks group by the set of mounts they fit, so mounts of
// several sizes (or classes) make several groups, and a target that mounts every disk of its node
// (one target per node, 24 drives, each mount sized to its drive: a common AIStore shape on mixed
// hardware) explodes. Measured on this machine: 16 mounts 0.26 s, 20 mounts 0.67 s, 24 mounts 60 s,
// per node, so a map of 60 such nodes runs for about an hour.
// Impact: `ais-guard plan` appears to hang on a realistic heterogeneous disk map.
// Expected: work polynomial in disks x mounts (the matching in nodeCapacity already is). This test
// counts reads of the disks' sizes (deterministic, no wall clock) and aborts past 2e7 reads, about
// what 20 mounts need today; the 24-mount case needs orders of magnitude more.
import { describe, expect, it } from '@jest/globals';
import { placeTargets, type MountNeed } from '../../src/plan/assign.js';
import type { Disk, DiskNode } from '../../src/plan/diskmap.js';

const TI = 2 ** 40;
const LIMIT = 2e7;

describe('review fix23: placement search work', () => {
  it('one target, 24 mounts in 8 sizes, 24 disks: bounded work', () => {
    let reads = 0;
    const sizeOf = (j: number) => 1 + (j % 8);
    const node: DiskNode = {
      name: 'node-1',
      disks: Array.from({ length: 24 }, (_, j) => {
        const bytes = sizeOf(j) * TI;
        return {
          node: 'node-1',
          path: `/ais/d${j}`,
          size: `${sizeOf(j)}Ti`,
          get bytes() {
            if (++reads > LIMIT) throw new Error(`more than ${LIMIT} disk size reads`);
            return bytes;
          },
          index: j,
        } as Disk;
      }),
    };
    const needs: MountNeed[] = Array.from({ length: 24 }, (_, i) => ({
      mount: { path: `/data/m${i}`, size: `${sizeOf(i)}Ti` } as MountNeed['mount'],
      bytes: sizeOf(i) * TI,
    }));
    const placed = placeTargets([node], needs, 1);
    expect(placed?.length).toBe(1);
    expect(reads).toBeLessThanOrEqual(LIMIT);
    // Past the search's budget the matching assigns the disks: still one fitting disk per mount.
    const disks = placed![0]!.disks;
    expect(new Set(disks).size).toBe(24);
    disks.forEach((d, m) => expect(d.bytes).toBeGreaterThanOrEqual(needs[m]!.bytes ?? 0));
  });
});
