// The collection after large lists (src/server/memory.ts): V8's memory-returning GC once the lists
// since the last one brought enough objects, at most once per interval (a request inside it runs
// once at its end), errors reported and never thrown; nothing without --expose-gc.
import { describe, expect, it } from '@jest/globals';
import { memoryReleaser } from '../../src/server/memory.js';

const LAST_RESORT = { type: 'major', execution: 'sync', flavor: 'last-resort' };

function harness(o: { minIntervalMs?: number; minObjects?: number; throws?: boolean } = {}) {
  let clock = 0;
  const collections: unknown[] = [];
  let scheduled: { fn: () => void; at: number }[] = [];
  const pauses: number[] = [];
  const errors: unknown[] = [];
  const release = memoryReleaser({
    gc: (options) => {
      collections.push(options);
      if (o.throws) throw new Error('gc failed');
    },
    minIntervalMs: o.minIntervalMs ?? 60_000,
    minObjects: o.minObjects ?? 1_000,
    now: () => clock,
    schedule: (fn, ms) => void scheduled.push({ fn, at: clock + ms }),
    onCollected: (pauseMs) => void pauses.push(pauseMs),
    onError: (err) => void errors.push(err),
  });
  return {
    release,
    collections,
    pauses,
    errors,
    scheduledAt: () => scheduled.map((s) => s.at),
    /** Moves the clock and runs what fell due; what is not due yet stays scheduled. */
    advance(ms: number) {
      clock += ms;
      const due = scheduled.filter((s) => s.at <= clock);
      scheduled = scheduled.filter((s) => s.at > clock);
      for (const s of due) s.fn();
    },
  };
}

describe('memoryReleaser', () => {
  it("runs V8's last-resort full collection at once after a large first sync, and reports its pause", () => {
    const h = harness();
    h.release(100_000);
    expect(h.collections).toEqual([LAST_RESORT]);
    expect(h.pauses).toHaveLength(1);
    expect(h.scheduledAt()).toEqual([]);
  });

  it('skips small lists, and collects once they add up', () => {
    const h = harness({ minObjects: 1_000 });
    h.release(20); // a re-list of the AIStore CRs
    h.release(500);
    expect(h.collections).toHaveLength(0);
    h.release(480);
    expect(h.collections).toHaveLength(1);
    h.advance(61_000);
    h.release(999); // counted from the last collection
    expect(h.collections).toHaveLength(1);
  });

  it('collects once at the end of the interval for any number of large lists inside it', () => {
    const h = harness({ minIntervalMs: 60_000 });
    h.release(5_000);
    h.advance(1_000);
    h.release(5_000);
    h.release(5_000);
    expect(h.collections).toHaveLength(1);
    expect(h.scheduledAt()).toEqual([60_000]);
    h.advance(58_000); // not due yet: still scheduled
    expect(h.collections).toHaveLength(1);
    expect(h.scheduledAt()).toEqual([60_000]);
    h.advance(1_000);
    expect(h.collections).toHaveLength(2);
    // The interval counts from that collection: a large list right after it waits again.
    h.release(5_000);
    expect(h.collections).toHaveLength(2);
    expect(h.scheduledAt()).toEqual([120_000]);
    h.advance(60_000);
    expect(h.collections).toHaveLength(3);
  });

  it('reports a collection that throws instead of throwing into the informer', () => {
    const h = harness({ throws: true });
    expect(() => h.release(5_000)).not.toThrow();
    expect(h.errors).toEqual([new Error('gc failed')]);
    expect(h.pauses).toHaveLength(0);
  });

  it('does nothing when Node runs without --expose-gc', () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    const calls: unknown[] = [];
    const release = memoryReleaser({ onCollected: (ms) => void calls.push(ms), minObjects: 0 });
    release(1_000_000);
    expect(calls).toEqual([]);
  });
});
