// The per-review metrics (reviews by verdict, findings by rule, review duration) as plain numbers on
// the hot path, turned into Prometheus samples only when /metrics is scraped.
//
// Why not prom-client's Counter and Histogram: their labelled inc() and observe() build a label hash
// string and look buckets up by float keys on every call. Dropping that one call lifted the fast path
// from 0.80 to 0.90 of the bare node:https baseline (docs/performance.md). prom-client still owns the
// registry, the exposition format and every other metric.
import type { Metric, Registry } from 'prom-client';
import { RULE_IDS, type Action, type JudgedFinding } from '../policy/index.js';
import type { Endpoint, Verdict } from './review.js';

// Fine below 1 ms (the fast path), then up to past the webhooks' timeoutSeconds (5): a quantile in
// the +Inf bucket reads as the highest finite bound (prometheus promql/quantile.go,
// BucketQuantile), so with 0.5 last a review 1 s from the apiserver's timeout read as 500 ms.
export const DURATION_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 2.5, 5, 10,
];
export const ENDPOINTS: readonly Endpoint[] = ['validate', 'mutate'];
export const VERDICTS: readonly Verdict[] = ['allowed', 'denied', 'patched', 'skipped', 'error'];
const ACTIONS: readonly Action[] = ['deny', 'warn', 'audit'];
/** Each value's position in its list, so the lists above stay the only place that names them. */
const positions = <T extends string>(list: readonly T[]) =>
  Object.fromEntries(list.map((value, i) => [value, i])) as Readonly<Record<T, number>>;
const ENDPOINT_INDEX = positions(ENDPOINTS);
const VERDICT_INDEX = positions(VERDICTS);
const ACTION_INDEX = positions(ACTIONS);
const DURATION = 'ais_guard_review_duration_seconds';

/** One sample as prom-client's Registry prints it. */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A metric as prom-client's Registry reads it: what get() returns, and reset(). */
class Collected {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly samples: () => Sample[],
    readonly reset: () => void,
  ) {}

  get() {
    const { name, help, type } = this;
    return Promise.resolve({ name, help, type, values: this.samples(), aggregator: 'sum' as const });
  }
}

export class ReviewStats {
  private readonly reviews = new Float64Array(ENDPOINTS.length * VERDICTS.length);
  /** Per endpoint, observations per bucket (not cumulative); the last slot is over the last bound. */
  private readonly buckets = new Float64Array(ENDPOINTS.length * (DURATION_BUCKETS.length + 1));
  private readonly sums = new Float64Array(ENDPOINTS.length);
  /** Every rule from the start (see reviewSamples for why); a rule id not in the catalogue joins at its first finding. */
  private readonly findings = new Map<string, Float64Array>(
    RULE_IDS.map((id) => [id, new Float64Array(ACTIONS.length)]),
  );

  record(endpoint: Endpoint, verdict: Verdict, findings: readonly JudgedFinding[], seconds: number): void {
    const e = ENDPOINT_INDEX[endpoint];
    this.reviews[e * VERDICTS.length + VERDICT_INDEX[verdict]]!++;
    let b = 0;
    while (b < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[b]!) b++; // Prometheus' le: <=
    this.buckets[e * (DURATION_BUCKETS.length + 1) + b]!++;
    this.sums[e]! += seconds;
    for (const f of findings) {
      let byAction = this.findings.get(f.ruleId);
      if (!byAction) this.findings.set(f.ruleId, (byAction = new Float64Array(ACTIONS.length)));
      byAction[ACTION_INDEX[f.action]]!++;
    }
  }

  register(registry: Registry): void {
    const metrics = [
      new Collected(
        'ais_guard_reviews_total',
        'Admission reviews answered, by endpoint and verdict (allowed, denied, patched, skipped, error)',
        'counter',
        () => this.reviewSamples(),
        () => this.reviews.fill(0),
      ),
      new Collected(
        'ais_guard_findings_total',
        'Findings reported, by rule and action (deny, warn, audit)',
        'counter',
        () => this.findingSamples(),
        () => this.findings.forEach((byAction) => byAction.fill(0)),
      ),
      new Collected(
        DURATION,
        'Time from the start of the request (body read included) to the answer written, by endpoint',
        'histogram',
        () => this.durationSamples(),
        () => (this.buckets.fill(0), this.sums.fill(0)),
      ),
    ];
    // prom-client types registerMetric() for its own classes; the Registry only calls get() and reset().
    for (const metric of metrics) registry.registerMetric(metric as unknown as Metric);
  }

  /**
   * Every endpoint and verdict, 0 included: rate() and increase() see nothing of a series' first
   * sample, so a counter that appeared at its first denial (value 1) would hide that denial from
   * the alerts (AisGuardDenialSpike), as prom-client's `inc(labels, 0)` initialisation avoids.
   */
  private reviewSamples(): Sample[] {
    const samples: Sample[] = [];
    ENDPOINTS.forEach((endpoint, e) =>
      VERDICTS.forEach((verdict, v) => {
        samples.push({ labels: { endpoint, verdict }, value: this.reviews[e * VERDICTS.length + v]! });
      }),
    );
    return samples;
  }

  private findingSamples(): Sample[] {
    const samples: Sample[] = [];
    // Each rule of the catalogue with each action, 0 included: the dashboard's "Denials/s by
    // rule" takes a rate(), which saw nothing of a rule's first denial on a replica while its
    // series appeared at 1.
    for (const [rule, byAction] of this.findings)
      ACTIONS.forEach((action, a) => samples.push({ labels: { rule, action }, value: byAction[a]! }));
    return samples;
  }

  private durationSamples(): Sample[] {
    const samples: Sample[] = [];
    ENDPOINTS.forEach((endpoint, e) => {
      const row = this.buckets.subarray(
        e * (DURATION_BUCKETS.length + 1),
        (e + 1) * (DURATION_BUCKETS.length + 1),
      );
      // Both endpoints from the start, as the counters: increase() in AisGuardReviewsPastTimeout
      // saw nothing of a fresh replica's first review while the histogram appeared at it.
      const count = row.reduce((sum, n) => sum + n, 0);
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, b) => {
        cumulative += row[b]!;
        samples.push({ metricName: `${DURATION}_bucket`, labels: { endpoint, le }, value: cumulative });
      });
      samples.push({ metricName: `${DURATION}_bucket`, labels: { endpoint, le: '+Inf' }, value: count });
      samples.push({ metricName: `${DURATION}_sum`, labels: { endpoint }, value: this.sums[e]! });
      samples.push({ metricName: `${DURATION}_count`, labels: { endpoint }, value: count });
    });
    return samples;
  }
}
