// The benches' arithmetic on their samples, pure, so it can be held by unit tests
// (test/review-bench33/): medians, latency quantiles, and one window's rounds summarised.

/** The middle value (of an even count, the higher of the two middle ones). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A quantile is reported only with at least this many samples above it: p99.9 of 2,500 samples (a
 * scale round) is the 3rd-largest one, of 750 (a quick one) the max, and moves with any one stall.
 * So p99 needs 500 samples and p99.9 5,000 (10 s at 1,000/s, or the scale bench's rounds pooled).
 */
export const MIN_ABOVE = 5;

/** The p-quantile of ascending `sorted` by nearest rank, in ms to two decimals; null without enough samples. */
export function quantile(sorted, p) {
  if (sorted.length === 0) return null;
  // 1-based rank; the epsilon keeps 0.99 * 1000 = 990.0000000000001 at rank 990.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length - 1e-9)));
  if (p < 1 && sorted.length - rank < MIN_ABOVE) return null;
  return Number(sorted[rank - 1].toFixed(2));
}

/** Latency quantiles of one paced run's samples (ms, any order). */
export function latencyQuantiles(samples) {
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: quantile(sorted, 1),
  };
}

/**
 * A window's rounds as one, per case id in `ids`: p50/p99/p99.9 of all the rounds' reviews together
 * (each round's `samples`, as paced.mjs gives them with `samples: true`), each round's p99, the worst
 * max. Not the median of the rounds' quantiles: that is the quantile of no set of reviews, and drops
 * the round with a stall (a full collection under churn), which is where the tail is. The rounds are
 * kept without their samples.
 */
export function summariseRounds(rounds, ids) {
  const out = {
    rounds: rounds.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, ids.includes(k) ? withoutSamples(v) : v])),
    ),
  };
  for (const id of ids) {
    const runs = rounds.map((r) => r[id]);
    const pooled = latencyQuantiles(runs.flatMap((r) => Array.from(r.samples)));
    out[id] = {
      requests: runs.reduce((n, r) => n + r.requests, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      p50: pooled.p50,
      p99: pooled.p99,
      p999: pooled.p999,
      max: Math.max(...runs.map((r) => r.max)),
      p99Rounds: runs.map((r) => r.p99),
    };
  }
  return out;
}

function withoutSamples(run) {
  const { samples: _samples, ...rest } = run;
  return rest;
}
