// A target count the disk map cannot hold is refused from the disks alone. placeAround (src/plan/keep.ts)
// walked every ordinal up to the count asked, and built an array that long, before placeTargets said
// "not enough disks": spec.targetSpec.size 100,000,000 ran 50 s and died out of memory, 2,147,483,647
// never answered. The work now follows the disks and the existing PVs, never the count asked.
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR, Mount } from '../../src/policy/aistore.js';
import type { PersistentVolume } from '../../src/policy/index.js';
import { parseDiskMap, PlanError, planVolumes } from '../../src/plan/index.js';
import { existingDisks, placeAround, type Existing } from '../../src/plan/keep.js';
import { aistore } from '../support/builders.js';

const map = () =>
  parseDiskMap({
    'node-1': [
      { path: '/mnt/a', size: '8Ti' },
      { path: '/mnt/b', size: '8Ti' },
    ],
  });
const cr = (size: number) =>
  aistore({ disable: true, size, mounts: [{ path: '/data', size: '1Ti' }] }) as AIStoreCR;

/** The one-line error planVolumes throws, or undefined when it plans. */
function planError(size: number, existing?: PersistentVolume[]): string | undefined {
  try {
    planVolumes(cr(size), map(), existing && { existing: structuredClone(existing) });
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return (err as PlanError).message;
  }
}

const HOLDS = /; the map holds 2 target\(s\) \(node-1 2\)$/;

describe('a target count past what the disks hold is refused at once, as a small shortfall is', () => {
  // The two disks' own PVs: a later plan keeps targets 0 and 1 on them.
  const planned = planVolumes(cr(2), map()).volumes as PersistentVolume[];

  // These rows pin the messages. They cannot time out on the old code (a synchronous loop holds
  // jest's timer too; it ran out of memory instead): the claim-lookup counts below are what fail there.
  it.each([
    ['3 (a small shortfall)', 3, undefined, '3 target(s) of AIStore ais/ais need'],
    ['100,000,000', 100_000_000, undefined, '100000000 target(s) of AIStore ais/ais need'],
    ['2,147,483,647', 2_147_483_647, undefined, '2147483647 target(s) of AIStore ais/ais need'],
    [
      '2,147,483,647 around existing PVs (--diff)',
      2_147_483_647,
      planned,
      '2147483645 target(s) of AIStore ais/ais (2 target(s) kept on the disks their PVs hold, 2 disk(s) held by existing PVs) need',
    ],
  ])('size %s: "not enough disks", one line', (_, size, existing, counted) => {
    const message = planError(size, existing);
    expect(message).toMatch(/^not enough disks: /);
    expect(message).toContain(counted);
    expect(message).not.toContain('\n');
    if (!existing) expect(message).toMatch(HOLDS);
  });

  it('a count the disks hold still plans', () => {
    expect(planError(2)).toBeUndefined();
  });
});

/** existingDisks' answer, its claim lookups counted: keepTarget asks one per mount per ordinal it walks. */
function counted(objects: PersistentVolume[]): { existing: Existing; lookups: () => number } {
  const existing = existingDisks(objects, 'ais');
  let lookups = 0;
  const byClaim = existing.byClaim;
  const counting = new Map(byClaim);
  counting.get = (key: string) => {
    lookups += 1;
    return byClaim.get(key);
  };
  return { existing: { ...existing, byClaim: counting }, lookups: () => lookups };
}

describe('placeAround walks the ordinals the existing PVs name, not every ordinal asked', () => {
  const mount: Mount = { index: 0, path: '/data', size: '1Ti', useHostPath: false };
  const layout = (targets: number) => ({
    namespace: 'ais',
    crName: 'ais',
    nodes: map(),
    needs: [{ mount, bytes: 2 ** 40 }],
    targets,
    perNode: Infinity,
    hostDirs: [],
    stateClaims: false,
  });
  const shortage = (_open: unknown, count: number) => new Error(`short of ${count}`);
  const planned = planVolumes(cr(2), map()).volumes as PersistentVolume[];

  // The same two PVs whatever the count: the same claim lookups (one per PV's ordinal), and a
  // shortage for all but the 2-target row. The old code made one lookup per ordinal asked.
  it.each([2, 1_000, 1_000_000])('%d target(s): 2 claim lookups', (targets) => {
    const { existing, lookups } = counted(planned);
    let error: unknown;
    try {
      const { placements } = placeAround(existing, layout(targets), shortage);
      expect(placements.map((p) => p.ordinal)).toEqual([0, 1]);
    } catch (err) {
      error = err;
    }
    expect(lookups()).toBe(2);
    if (targets > 2) expect((error as Error).message).toBe(`short of ${targets - 2}`);
  });

  it('with no existing PV, no claim lookup at all', () => {
    const { existing, lookups } = counted([]);
    expect(() => placeAround(existing, layout(1_000_000), shortage)).toThrow('short of 1000000');
    expect(lookups()).toBe(0);
  });
});
