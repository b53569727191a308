// review ops27: AisGuardCertificateRefused against the webhook traffic an AIStore cluster has.
//
// DEFECT: the alert is `sum(rate(ais_guard_tls_handshake_errors_total{reason="certificate_refused"}
// [5m])) * 60 > 0` for 10m: it fires only if a refused handshake lands in every 5-minute window for
// 15 minutes. But the webhook configurations send the guard almost nothing by design (their
// matchConditions keep everything but AIStore objects out, and spec-less updates too), so a stale
// caBundle shows only when something AIStore-related is written, and then as the writer's retries.
// A user's CR writes are refused one by one as they try them; the operator's own StatefulSet updates
// (an operator upgrade re-rendering the target template, an autoscaled CR whose node count changed:
// cluster_controller.go determineAutoScaleStatus) are retried: a reconcile whose StatefulSet update
// the apiserver refuses (storage.validate is Fail, the call failed: x509 unknown authority) returns
// the error (target_controllers.go, syncTargetPodSpec ->
// `return ctrl.Result{}, err`), and controller-runtime requeues it with its default rate limiter,
// workqueue.DefaultTypedControllerRateLimiter: 5 ms doubling per failure, capped at 1000 s (the
// operator sets no other: no RateLimiter in its controller options). The retries are 81.9 s, 163.8 s,
// 327.7 s, 655.4 s, 1310.7 s, then every 1000 s after the first: by 10.5 minutes in the 5-minute
// window is empty once and the alert never leaves pending. The guard counts every one of those
// refusals (the series is pre-initialised, so even the first increase is seen), yet the critical
// alert that exists for exactly this ("the Fail entries reject every AIStore change") stays quiet
// for hours while the operator cannot roll out or scale its targets.
// EXPECTED: AisGuardCertificateRefused fires while refusals keep coming at the operator's retry
// pace (e.g. increase(...[30m]) > 0, or a `for` shorter than the window, or a longer window).
// The test runs `promtool test rules` (the promtool of test/monitoring/run.sh) on the shipped rules,
// the counter scraped every 30 s (serviceMonitor.interval) as the retries raise it.
import { describe, expect, it } from '@jest/globals';
import { GUARD_LABELS, minutesFiring as firing, operatorRetries, scrapedCount } from '../support/promtool.js';

/** The minutes (of those evaluated) at which promtool sees AisGuardCertificateRefused firing. */
function minutesFiring(refusals: number[], hours: number): number[] {
  const scrape = 30;
  // Scraped from 30 s before the first refusal: 0 (pre-initialised), then the count so far.
  const values = scrapedCount(refusals, { from: -scrape, hours, scrape, absentUntilFirst: false });
  const series = `ais_guard_tls_handshake_errors_total{${GUARD_LABELS},reason="certificate_refused"}`;
  return firing('AisGuardCertificateRefused', [{ series, values }], hours, scrape);
}

describe('review ops27: AisGuardCertificateRefused at the pace AIStore writers retry', () => {
  it('control: a refusal every 30 s fires it after its 10 minutes', () => {
    const steady = Array.from({ length: 240 }, (_, i) => i * 30);
    expect(minutesFiring(steady, 1)[0]).toBeLessThanOrEqual(12);
  }, 240_000);

  it("the operator retrying one refused StatefulSet update (controller-runtime's default backoff): fires within 2 hours", () => {
    const retries = operatorRetries(0, 2 * 3600);
    // 24 refused calls in 2 hours, each counted by the guard as certificate_refused.
    expect(retries.length).toBeGreaterThan(20);
    expect({ firingAtMinutes: minutesFiring(retries, 2) }).not.toEqual({ firingAtMinutes: [] });
  }, 240_000);
});
