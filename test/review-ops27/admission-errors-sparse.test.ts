// review ops27: AisGuardAdmissionErrors against the webhook traffic an AIStore cluster has (the same
// pace as certificate-refused-sparse.test.ts, for requests the guard refuses itself).
//
// DEFECT: the alert is errors/requests over [5m] above 5 % for 10m. When the guard refuses the
// operator's StatefulSet update itself (a 400 bad_review, 413, 408 or 429: a webhook call failure to
// the apiserver, so the Fail entry rejects the write), the operator retries at controller-runtime's
// default backoff (below), every request of the window is an error (ratio 1), but windows with no
// request at all give no ratio, and from 5.5 minutes on the retries are more than 5 minutes apart:
// the alert never stays active for 10 minutes. The same holds for every rule of the pack built on
// rate(...[5m]) with `for: 10m`.
// EXPECTED: AisGuardAdmissionErrors fires while every request the guard gets ends in an error.
// The operator's retries: a reconcile whose StatefulSet update the apiserver rejects returns the
// error (target_controllers.go, syncTargetPodSpec -> `return ctrl.Result{}, err`) and
// controller-runtime requeues it with workqueue.DefaultTypedControllerRateLimiter (5 ms doubling
// per failure, capped at 1000 s; the operator sets no other). errors_total has no series until the
// first error (prom-client shows a labelled counter from its first inc()).
// The test runs `promtool test rules` (the promtool of test/monitoring/run.sh) on the shipped rules,
// the counter scraped every 30 s (serviceMonitor.interval).
import { describe, expect, it } from '@jest/globals';
import { GUARD_LABELS, minutesFiring as firing, operatorRetries, scrapedCount } from '../support/promtool.js';

/** The minutes (of those evaluated) at which promtool sees AisGuardAdmissionErrors firing. */
function minutesFiring(refusals: number[], hours: number): number[] {
  const scrape = 30;
  // Scraped from 30 s before the first error: no series until it, then the count so far.
  const values = scrapedCount(refusals, { from: -scrape, hours, scrape, absentUntilFirst: true });
  const series = `ais_guard_errors_total{${GUARD_LABELS},endpoint="validate",reason="bad_review"}`;
  return firing('AisGuardAdmissionErrors', [{ series, values }], hours, scrape);
}

describe('review ops27: AisGuardAdmissionErrors at the pace AIStore writers retry', () => {
  it('control: a refusal every 30 s fires it after its 10 minutes', () => {
    const steady = Array.from({ length: 240 }, (_, i) => i * 30);
    expect(minutesFiring(steady, 1)[0]).toBeLessThanOrEqual(12);
  }, 240_000);

  it("the operator retrying one StatefulSet update the guard answers with 400 (controller-runtime's default backoff): fires within 2 hours", () => {
    const retries = operatorRetries(0, 2 * 3600);
    // 24 requests in 2 hours, each an error the guard counts (errors_total{reason="bad_review"}).
    expect(retries.length).toBeGreaterThan(20);
    expect({ firingAtMinutes: minutesFiring(retries, 2) }).not.toEqual({ firingAtMinutes: [] });
  }, 240_000);
});
