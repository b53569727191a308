// placeTargets places a level of targets per node at a time (one pass over the nodes per level). It
// must give the order of the rule it replaced, which walked every node once per target: each target
// to the node with the fewest targets (those it keeps, `load`, and those placed) that has room, the
// first in map order on a tie. Held here against that rule, written out, on random loads and caps.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nodeCapacity, placeTargets, type MountNeed } from '../../src/plan/assign.js';
import type { DiskNode } from '../../src/plan/diskmap.js';

const TI = 2 ** 40;
const NEEDS = [{ mount: { path: '/data/aistore', size: '1Ti' }, bytes: TI }] as MountNeed[];

/** The nodes' order of placement by the fewest-targets-first rule, one node at a time. */
function fewestFirst(room: number[], load: number[], targets: number): number[] {
  const added = room.map(() => 0);
  const total = (i: number) => (load[i] ?? 0) + added[i]!;
  const order: number[] = [];
  while (order.length < targets) {
    let best = -1;
    for (let i = 0; i < room.length; i++)
      if (added[i]! < room[i]! && (best < 0 || total(i) < total(best))) best = i;
    added[best]!++;
    order.push(best);
  }
  return order;
}

const node = (n: number, disks: number): DiskNode => ({
  name: `n${n}`,
  disks: Array.from({ length: disks }, (_, d) => ({
    node: `n${n}`,
    path: `/d${d}`,
    size: '2Ti',
    bytes: 2 * TI,
    index: d,
  })),
});

describe('placeTargets: the fewest-targets-first order, a level at a time', () => {
  it('on random disks, loads (kept targets) and per-node caps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(6), { maxLength: 8 }),
        fc.oneof(fc.constant(Infinity), fc.nat(6)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (disks, load, perNode, share) => {
          const nodes = disks.map((d, n) => node(n, d));
          const room = nodes.map((n, i) => Math.min(perNode - (load[i] ?? 0), nodeCapacity(n.disks, NEEDS)));
          const targets = Math.floor(share * room.reduce((a, b) => a + Math.max(0, b), 0));
          const placed = placeTargets(nodes, NEEDS, targets, perNode, load);
          expect(placed?.map((p) => p.node)).toEqual(fewestFirst(room, load, targets).map((i) => `n${i}`));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a node without room does not hold the levels down (from its level, this would not end)', () => {
    const placed = placeTargets([node(0, 0), node(1, 3)], NEEDS, 3, Infinity, [0, 1e15]);
    expect(placed?.map((p) => p.node)).toEqual(['n1', 'n1', 'n1']);
  });
});
