// The benches' percentile arithmetic (bench/stats.mjs): what the README's p50/p99/p99.9 columns are
// computed with, in `npm run bench` (paced.mjs at 1,000 req/s) and the scale bench's windows.
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

interface Quantiles {
  p50: number | null;
  p99: number | null;
  p999: number | null;
  max: number;
}
interface Stats {
  quantile(sorted: number[], p: number): number | null;
  latencyQuantiles(samples: number[]): Quantiles;
  summariseRounds(
    rounds: Record<string, unknown>[],
    ids: string[],
  ): Record<string, { p50: number | null; p99: number | null; p999: number | null; p99Rounds: number[] }>;
}

const ROOT = new URL('../..', import.meta.url).pathname;
const stats = (await import(join(ROOT, 'bench/stats.mjs'))) as Stats;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('quantiles of latency samples', () => {
  it('is the nearest rank: p50 of 1..100 ms is 50, p99 of 1..1000 is 990 (not the next sample up)', () => {
    expect(stats.quantile(range(100), 0.5)).toBe(50);
    expect(stats.quantile(range(1000), 0.99)).toBe(990);
    expect(stats.quantile(range(10_000), 0.999)).toBe(9990);
  });

  it('the max is the largest sample', () => {
    expect(stats.latencyQuantiles([3, 1, 2]).max).toBe(3);
  });

  it('gives no p99.9 from 2,000 samples (a quick run at 1,000/s): it would be the 3rd-largest one', () => {
    const q = stats.latencyQuantiles(range(2000));
    expect(q.p999).toBeNull();
    expect(q.p99).toBe(1980);
  });

  it('gives no p99.9 of a scale round (250/s for 10 s: 2,500 samples), one of 10,000 (1,000/s for 10 s)', () => {
    expect(stats.latencyQuantiles(range(2500)).p999).toBeNull();
    expect(stats.latencyQuantiles(range(10_000)).p999).toBe(9990);
  });
});

describe("a window's rounds summarised (the scale bench's columns)", () => {
  // Each round as paced.mjs reports it, with its samples: two calm rounds and one with a stall
  // that delayed 40 of its 1,000 reviews to 10 ms (as a full collection under churn does).
  const round = (slow: number) => {
    const samples = [...Array(1000 - slow).fill(1), ...Array(slow).fill(10)];
    return { requests: 1000, errors: 0, ...stats.latencyQuantiles(samples), samples };
  };
  const rounds = [round(0), round(0), round(40)].map((pod) => ({ pod }));

  it("takes the quantiles of all rounds' reviews together, not the median of each round's", () => {
    const s = stats.summariseRounds(rounds, ['pod']).pod!;
    // 40 of 3,000 reviews (1.3 %) took 10 ms: the p99 of the window is 10 ms; the median of the
    // rounds' p99s (1, 1, 10) said 1 ms.
    expect(s.p99).toBe(10);
    expect(s.p50).toBe(1);
    expect(s.p99Rounds).toEqual([1, 1, 10]);
  });
});
