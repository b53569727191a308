// The benches' arithmetic on their samples, pure, so it can be held by unit tests
// (test/review-bench33/): medians, latency quantiles, and one window's rounds summarised.

/** The middle value (of an even count, the higher of the two middle ones). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The p-quantile of ascending `sorted`, in ms to two decimals. */
export function quantile(sorted, p) {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2));
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
 * A window's rounds as one, per case id in `ids`: the median p50/p99/p99.9 of the rounds (of two,
 * the higher), each round's p99, the worst max.
 */
export function summariseRounds(rounds, ids) {
  const out = { rounds };
  for (const id of ids) {
    const runs = rounds.map((r) => r[id]);
    out[id] = {
      requests: runs.reduce((n, r) => n + r.requests, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      p999: median(runs.map((r) => r.p999)),
      max: Math.max(...runs.map((r) => r.max)),
      p99Rounds: runs.map((r) => r.p99),
    };
  }
  return out;
}
