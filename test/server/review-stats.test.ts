// ReviewStats must expose exactly what prom-client's own Counter and Histogram would for the same
// reviews: same names, types, label sets and values (label order aside).
import { describe, expect, it } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { RULE_IDS, type JudgedFinding } from '../../src/policy/index.js';
import type { Endpoint, Verdict } from '../../src/server/review.js';
import { DURATION_BUCKETS, ENDPOINTS, ReviewStats, VERDICTS } from '../../src/server/review-stats.js';

type Review = [Endpoint, Verdict, Array<Pick<JudgedFinding, 'ruleId' | 'action'>>, number];

/** What prom-client itself would print for the same reviews. */
function reference(reviews: Review[]): Registry {
  const registry = new Registry();
  const total = new Counter({
    name: 'ais_guard_reviews_total',
    help: 'Admission reviews answered, by endpoint and verdict (allowed, denied, patched, skipped, error)',
    labelNames: ['endpoint', 'verdict'],
    registers: [registry],
  });
  const findings = new Counter({
    name: 'ais_guard_findings_total',
    help: 'Findings reported, by rule and action (deny, warn, audit)',
    labelNames: ['rule', 'action'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ais_guard_review_duration_seconds',
    help: 'Time from the start of the request (body read included) to the answer written, by endpoint',
    labelNames: ['endpoint'],
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  // reviews_total exists at 0 for every endpoint and verdict before any review (increase() then
  // sees the first one), as prom-client's inc(labels, 0) initialisation makes it.
  for (const endpoint of ENDPOINTS) for (const verdict of VERDICTS) total.inc({ endpoint, verdict }, 0);
  // So do the duration histogram of each endpoint and the findings of every rule and action
  // (review mon34): a series that appears at its first count hides it from rate() and increase().
  for (const endpoint of ENDPOINTS) duration.zero({ endpoint });
  for (const rule of RULE_IDS)
    for (const action of ['deny', 'warn', 'audit'] as const) findings.inc({ rule, action }, 0);
  for (const [endpoint, verdict, found, seconds] of reviews) {
    total.inc({ endpoint, verdict });
    duration.observe({ endpoint }, seconds);
    for (const f of found) findings.inc({ rule: f.ruleId, action: f.action });
  }
  return registry;
}

function ours(reviews: Review[]): Registry {
  const registry = new Registry();
  const stats = new ReviewStats();
  stats.register(registry);
  for (const [endpoint, verdict, found, seconds] of reviews)
    stats.record(endpoint, verdict, found as JudgedFinding[], seconds);
  return registry;
}

/** The exposition as a set of lines with labels sorted, so label order does not matter. */
async function exposition(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) =>
      line.replace(/\{([^}]*)\}/, (_m, labels: string) => `{${labels.split(',').sort().join(',')}}`),
    )
    .sort();
}

const f = (ruleId: string, action: JudgedFinding['action']) => ({ ruleId, action });

describe('ReviewStats', () => {
  it.each<[string, Review[]]>([
    ['no reviews', []],
    ['one clean review', [['validate', 'allowed', [], 0.00004]]],
    [
      'both endpoints, every verdict, bucket edges and beyond the last bound',
      [
        ['validate', 'allowed', [], 0.0001],
        ['validate', 'denied', [f('target-host-port', 'deny'), f('pvc-name', 'warn')], 0.00025],
        ['validate', 'denied', [f('target-host-port', 'deny')], 0.0003],
        ['mutate', 'patched', [f('target-anti-affinity', 'audit')], 0.002],
        ['mutate', 'skipped', [], 0.5],
        ['mutate', 'error', [], 3],
        ['mutate', 'error', [], 12],
        ['validate', 'allowed', [], 0.01],
      ],
    ],
  ])('%s: the same exposition as prom-client', async (_what, reviews) => {
    expect(await exposition(ours(reviews))).toEqual(await exposition(reference(reviews)));
  });

  it('resets with the registry', async () => {
    const registry = ours([['validate', 'denied', [f('pvc-name', 'deny')], 0.001]]);
    registry.resetMetrics();
    expect(await exposition(registry)).toEqual(await exposition(reference([])));
  });
});
