// Review diff29: layout.ts keeps one `none` record per (namespace, CR name) for a target set with no
// PV (f3f57c0: "its sharing (of no PV, by size alone) is judged once"), and detectLayout caches that
// sharing on it by the target count. The record is shared by every CR object of that name and lives
// as long as the context's version: the webhook's EMPTY_CONTEXT (no cluster, or not synced yet) never
// changes version, nor does a quiet cluster's. Each review of a CR with a size not seen before adds an
// entry that is never dropped: memory grows with the sizes requests carry (a dry-run apply is enough),
// where memoForSet promises "Bounded as memo() is". Before f3f57c0 the cache hung off a per-CR-object
// WeakMap entry and went with the request.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

const withSize = (size: number) => aistore({ size });

describe('review diff29: the sharing of a set with no PV is not kept per size for good', () => {
  it('2,000 CR CREATEs of one name with 2,000 sizes keep at most a couple of entries', () => {
    const ctx = new ClusterContext();
    for (let size = 1; size <= 2_000; size++) evaluate({ object: withSize(size), operation: 'CREATE' }, ctx);
    // memoForSet hands back the set's record when it is kept (the factory is not called then).
    const record = ctx.memoForSet('ais', 'ais', () => ({ fresh: true })) as {
      fresh?: true;
      none?: { sharing?: Map<unknown, unknown> };
    };
    expect(record.fresh).toBeUndefined();
    expect(record.none?.sharing?.size ?? 0).toBeLessThanOrEqual(2);
  });

  it('the verdicts do not change: a CR alone is one target per node whatever its size', () => {
    const ctx = new ClusterContext();
    for (const size of [1, 3, 1, 3]) {
      const out = evaluate({ object: withSize(size), operation: 'CREATE' }, ctx);
      expect(out.allowed).toBe(true);
    }
  });
});
