// Prometheus metrics. One registry per server instance (tests run several in one process).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JudgedFinding } from '../policy/index.js';
import type { Endpoint, Verdict } from './review.js';

export class Metrics {
  readonly registry = new Registry();
  readonly reviews = new Counter({
    name: 'ais_guard_reviews_total',
    help: 'Admission reviews answered, by endpoint and verdict (allowed, denied, patched, skipped, error)',
    labelNames: ['endpoint', 'verdict'] as const,
    registers: [this.registry],
  });
  readonly findings = new Counter({
    name: 'ais_guard_findings_total',
    help: 'Findings reported, by rule and action (deny, warn, audit)',
    labelNames: ['rule', 'action'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'ais_guard_review_duration_seconds',
    help: 'Time from the start of the request (body read included) to the response, by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'ais_guard_in_flight_reviews',
    help: 'Reviews being processed',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'ais_guard_errors_total',
    help: 'Requests the guard could not judge or refused, by reason (bad_review, too_large, unsupported_media_type, internal)',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [this.registry],
  });
  readonly certExpiry = new Gauge({
    name: 'ais_guard_certificate_expiry_timestamp_seconds',
    help: 'notAfter of the serving certificate in use, as a Unix time',
    registers: [this.registry],
  });
  readonly certReloads = new Counter({
    name: 'ais_guard_certificate_reloads_total',
    help: 'Serving certificate reloads from disk, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly cacheSynced = new Gauge({
    name: 'ais_guard_cluster_cache_synced',
    help: '1 when the cluster context cache has listed every kind at least once (always 1 without a cluster)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ais_guard_' });
  }

  observe(endpoint: Endpoint, verdict: Verdict, findings: JudgedFinding[], seconds: number): void {
    this.reviews.inc({ endpoint, verdict });
    this.duration.observe({ endpoint }, seconds);
    for (const f of findings) this.findings.inc({ rule: f.ruleId, action: f.action });
  }
}
