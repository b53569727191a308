// Heap bytes per cached PV (bench/scale-bytes.mjs) depend on how many PVs share one node: PVs
// pinned to the same node share one interned node affinity (src/server/reduce.ts). The PVs it
// measures must then share nodes as the scale cluster's do (100,000 PVs on 5,000 nodes: 20 each),
// whatever their count; pinned to 5,000 node names for any count, one PV per affinity (5,000 PVs,
// --quick) read 1,457 B and four (20,000) 869 B, where 20 per node gives ~715-745 B (Node 20).
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

interface Kind {
  make(i: number): {
    spec: {
      nodeAffinity: { required: { nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[] } };
    };
  };
}
const ROOT = new URL('../..', import.meta.url).pathname;
const { cachedKinds } = (await import(join(ROOT, 'bench/scale-objects.mjs'))) as {
  cachedKinds(n: number, shape: { nodes: number; pvs: number }): Record<string, Kind>;
};

const FULL = { nodes: 5000, pvs: 100_000 };
const QUICK = { nodes: 500, pvs: 10_000 };

/** How many PVs share each node among the first n the bench measures. */
function pvsPerNode(n: number, shape: { nodes: number; pvs: number }) {
  const kind = cachedKinds(n, shape).PersistentVolume!;
  const hosts = new Set<string>();
  for (let i = 0; i < n; i++)
    hosts.add(kind.make(i).spec.nodeAffinity.required.nodeSelectorTerms[0]!.matchExpressions[0]!.values[0]!);
  return n / hosts.size;
}

describe('the PVs scale-bytes.mjs measures share nodes as the scale cluster does', () => {
  it.each([
    ['full, 20,000 PVs', 20_000, FULL],
    ['quick, 5,000 PVs', 5000, QUICK],
  ] as const)('%s: 20 per node', (_name, n, shape) => {
    expect(pvsPerNode(n, shape)).toBe(shape.pvs / shape.nodes);
  });
});
