// Prometheus metrics. One registry per server instance (tests run several in one process).
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { JudgedFinding } from '../policy/index.js';
import type { Endpoint, Verdict } from './review.js';
import { ENDPOINTS, ReviewStats } from './review-stats.js';
import { HANDSHAKE_REASONS } from './handshake.js';
import { VERSION } from '../cli/version.js';

/** Every reason ais_guard_errors_total counts (app.ts refusal(): the body's 4xx, and internal). */
export const ERROR_REASONS = [
  'bad_review',
  'too_slow',
  'too_large',
  'unsupported_media_type',
  'overloaded',
  'internal',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];
const RELOAD_RESULTS = ['ok', 'error'] as const;

export class Metrics {
  readonly registry = new Registry();
  /** A plain number on the hot path, read by the gauge at scrape time. */
  private inFlightNow = 0;
  readonly inFlight: Gauge = new Gauge({
    name: 'ais_guard_in_flight_reviews',
    help: 'Reviews being processed',
    registers: [this.registry],
    collect: (): void => this.inFlight.set(this.inFlightNow),
  });
  readonly errors = new Counter({
    name: 'ais_guard_errors_total',
    help: 'Requests the guard could not judge or refused, by reason (bad_review, too_large, too_slow, unsupported_media_type, overloaded, internal)',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [this.registry],
  });
  readonly handshakeErrors = new Counter({
    name: 'ais_guard_tls_handshake_errors_total',
    help: 'TLS handshakes that failed, by reason (certificate_refused: the caller refused the serving certificate; closed, timeout, protocol)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly connectionsDropped = new Counter({
    name: 'ais_guard_connections_dropped_total',
    help: 'Connections closed as they were accepted because maxConnections were open',
    registers: [this.registry],
  });
  readonly certExpiry = new Gauge({
    name: 'ais_guard_certificate_expiry_timestamp_seconds',
    help: 'notAfter of the serving certificate in use, as a Unix time',
    registers: [this.registry],
  });
  // The start too: the expiry alert warns at 14 days or a sixth of the lifetime, whichever is
  // shorter, as /readyz does (certificate.ts, expiryWarningMs), so a 10-day certificate renewed on
  // schedule does not fire it all its life.
  readonly certNotBefore = new Gauge({
    name: 'ais_guard_certificate_not_before_timestamp_seconds',
    help: 'notBefore of the serving certificate in use, as a Unix time',
    registers: [this.registry],
  });
  readonly certReloads = new Counter({
    name: 'ais_guard_certificate_reloads_total',
    help: 'Serving certificate reloads from disk, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly certReloadFailing = new Gauge({
    name: 'ais_guard_certificate_reload_failing',
    help: '1 while the serving certificate files cannot be read (the last good certificate is served), else 0',
    registers: [this.registry],
  });
  private bytesInFlightNow: () => number = () => 0;
  readonly bytesInFlight: Gauge = new Gauge({
    name: 'ais_guard_review_bytes_in_flight',
    help: 'Review body bytes held in memory now, all requests together (over the limit: 429)',
    registers: [this.registry],
    collect: (): void => this.bytesInFlight.set(this.bytesInFlightNow()),
  });
  readonly cacheSynced = new Gauge({
    name: 'ais_guard_cluster_cache_synced',
    help: '1 when the cluster context cache has listed every kind at least once (always 1 without a cluster)',
    registers: [this.registry],
  });
  // cacheSynced stays 1 once every kind was listed (the cache is kept across lost watches): this
  // says whether each kind is still being followed, so a watch failing for good (403 after an
  // RBAC edit) does not look like a healthy guard.
  readonly watchConnected = new Gauge({
    name: 'ais_guard_cluster_watch_connected',
    help: '1 while the list/watch of this kind works, 0 while it fails and the cached objects are not updated (no series without a cluster)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** Always 1; the labels say which guard and which Node.js answer, for dashboards and alerts to join on. */
  readonly buildInfo = new Gauge({
    name: 'ais_guard_build_info',
    help: 'ais-guard version and Node.js version of this process (always 1)',
    labelNames: ['version', 'node'] as const,
    registers: [this.registry],
  });

  /** Reviews, findings and review duration: see review-stats.ts for why not prom-client's classes. */
  private readonly stats = new ReviewStats();

  constructor() {
    this.stats.register(this.registry);
    this.buildInfo.set({ version: VERSION, node: process.version }, 1);
    // Every label value from the start, so rate() and increase() see each series rise from 0: a
    // series that appears at its first count (1) hides that count from them, and a replica's first
    // error of a reason (AisGuardAdmissionErrors, sparse traffic) or its one certificate reload per
    // renewal (the dashboard) would never show.
    for (const reason of HANDSHAKE_REASONS) this.handshakeErrors.inc({ reason }, 0);
    for (const endpoint of ENDPOINTS)
      for (const reason of ERROR_REASONS) this.errors.inc({ endpoint, reason }, 0);
    for (const result of RELOAD_RESULTS) this.certReloads.inc({ result }, 0);
    // No prefix: stock Node.js dashboards and alerts query process_cpu_seconds_total,
    // nodejs_heap_size_used_bytes and the rest under their standard names.
    collectDefaultMetrics({ register: this.registry });
  }

  /** The app's byte budget, read at scrape time. */
  trackBytesInFlight(read: () => number): void {
    this.bytesInFlightNow = read;
  }

  reviewStarted(): void {
    this.inFlightNow++;
  }

  reviewDone(): void {
    this.inFlightNow--;
  }

  observe(endpoint: Endpoint, verdict: Verdict, findings: JudgedFinding[], seconds: number): void {
    this.stats.record(endpoint, verdict, findings, seconds);
  }
}
