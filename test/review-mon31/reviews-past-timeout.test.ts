// review mon31: the pack against a guard that answers every review after the apiserver gave up.
//
// DEFECT: no alert of deploy/helm/ais-guard/files/prometheus-rules.yaml sees reviews that take longer
// than the webhooks' timeoutSeconds (5 s in deploy/ and the chart's default). The apiserver counts
// such a call as failed, so the Fail entries reject the write, but the guard still answers it (200,
// verdict allowed or denied: not in ais_guard_errors_total) and records its duration, in the
// (5, 10] bucket of ais_guard_review_duration_seconds. Only AisGuardSlowReviews reads that
// histogram, through rate(...[5m]) with `for: 10m`: at the pace AIStore writers retry a rejected
// write (controller-runtime's default backoff, 5 ms doubling, capped at 1000 s) most 5-minute
// windows hold no review, histogram_quantile gives no sample, and the alert never leaves pending.
// IMPACT: a guard whose event loop stalls for seconds (CPU throttled at its limit, a huge list)
// rejects every AIStore write for hours while the pack says nothing.
// EXPECTED: some alert fires while every review takes longer than the timeout at that pace; none
// fires on the same traffic answered within 1 ms.
// The test runs `promtool test rules` (the promtool of test/monitoring/run.sh) on the shipped rules,
// the histogram scraped every 30 s (serviceMonitor.interval).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { DURATION_BUCKETS } from '../../src/server/review-stats.js';
import { GUARD_LABELS, minutesFiring, operatorRetries, RULES, scrapedCount } from '../support/promtool.js';

const alerts = (
  YAML.parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert?: string }[] }[] }
).groups
  .flatMap((g) => g.rules)
  .flatMap((r) => (r.alert ? [r.alert] : []));

const HOURS = 2;
const SCRAPE = 30;

/** The alerts that fire, and at which minutes, when each review of `reviews` (s) takes `seconds`. */
function firing(reviews: number[], seconds: number): Record<string, number[]> {
  const counted = scrapedCount(reviews, {
    from: -SCRAPE,
    hours: HOURS,
    scrape: SCRAPE,
    absentUntilFirst: false,
  });
  const zero = scrapedCount([], { from: -SCRAPE, hours: HOURS, scrape: SCRAPE, absentUntilFirst: false });
  const bucket = (le: string, values: string) => ({
    series: `ais_guard_review_duration_seconds_bucket{${GUARD_LABELS},endpoint="validate",le="${le}"}`,
    values,
  });
  const input = [
    ...DURATION_BUCKETS.map((le) => bucket(String(le), le >= seconds ? counted : zero)),
    bucket('+Inf', counted),
    {
      series: `ais_guard_review_duration_seconds_count{${GUARD_LABELS},endpoint="validate"}`,
      values: counted,
    },
    // The guard answered each one (200): allowed, not an error.
    ...['allowed', 'error'].map((verdict) => ({
      series: `ais_guard_reviews_total{${GUARD_LABELS},endpoint="validate",verdict="${verdict}"}`,
      values: verdict === 'allowed' ? counted : zero,
    })),
    { series: `up{${GUARD_LABELS}}`, values: `1x${(HOURS * 3600) / SCRAPE + 1}` },
  ];
  const out: Record<string, number[]> = {};
  for (const alert of alerts) {
    const minutes = minutesFiring(alert, input, HOURS, SCRAPE);
    if (minutes.length) out[alert] = minutes;
  }
  return out;
}

describe('review mon31: reviews answered after the webhooks timeoutSeconds (5 s)', () => {
  const retries = operatorRetries(0, HOURS * 3600);

  it('control: the same retries answered within 1 ms fire nothing', () => {
    expect(firing(retries, 0.001)).toEqual({});
  }, 600_000);

  it('every review of the operator retrying one StatefulSet update takes 6 s: some alert fires', () => {
    expect(retries.length).toBeGreaterThan(20);
    expect(Object.keys(firing(retries, 6))).not.toEqual([]);
  }, 600_000);
});
