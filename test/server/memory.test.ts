// The collection after a large list (src/server/memory.ts): V8's memory-returning GC, at most once
// per interval, a request inside the interval run once at its end; nothing without --expose-gc.
import { describe, expect, it } from '@jest/globals';
import { memoryReleaser } from '../../src/server/memory.js';

function harness(minIntervalMs = 60_000) {
  let clock = 0;
  const collections: unknown[] = [];
  const scheduled: { fn: () => void; at: number }[] = [];
  const pauses: number[] = [];
  const release = memoryReleaser({
    gc: (options) => void collections.push(options),
    minIntervalMs,
    now: () => clock,
    schedule: (fn, ms) => void scheduled.push({ fn, at: clock + ms }),
    onCollected: (pauseMs) => void pauses.push(pauseMs),
  });
  return {
    release,
    collections,
    scheduled,
    pauses,
    advance(ms: number) {
      clock += ms;
      for (const s of scheduled.splice(0).filter((s) => s.at <= clock)) s.fn();
    },
  };
}

describe('memoryReleaser', () => {
  it("runs V8's last-resort full collection at once after the first list, and reports its pause", () => {
    const h = harness();
    h.release();
    expect(h.collections).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
    expect(h.pauses).toHaveLength(1);
    expect(h.scheduled).toHaveLength(0);
  });

  it('collects once at the end of the interval for any number of lists inside it', () => {
    const h = harness(60_000);
    h.release();
    h.advance(1_000);
    h.release();
    h.release();
    h.release();
    expect(h.collections).toHaveLength(1);
    expect(h.scheduled.map((s) => s.at)).toEqual([60_000]);
    h.advance(59_000);
    expect(h.collections).toHaveLength(2);
    // The interval counts from that collection: a list right after it waits again.
    h.release();
    expect(h.collections).toHaveLength(2);
    h.advance(60_000);
    expect(h.collections).toHaveLength(3);
  });

  it('collects at once again when the interval has passed', () => {
    const h = harness(60_000);
    h.release();
    h.advance(61_000);
    h.release();
    expect(h.collections).toHaveLength(2);
    expect(h.scheduled).toHaveLength(0);
  });

  it('does nothing when Node runs without --expose-gc', () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    expect(() => memoryReleaser()()).not.toThrow();
  });
});
