// review ops27: AisGuardDenialSpike against the scenario its own comment names.
//
// DEFECT: the rule says it catches "a rollout or an operator upgrade running into a rule", but it
// needs the denials of the last 5 minutes above 0.1/s (and 3 times the hour's rate) for 5 minutes:
// 30 denials in every 5-minute window for 10 minutes. An operator whose target StatefulSet update
// the guard denies (storage.validate, Fail: an upgraded operator re-rendering the template, a
// rollout) gets the error back and returns it (target_controllers.go, syncTargetPodSpec ->
// `return ctrl.Result{}, err`); controller-runtime requeues with its default rate limiter
// (workqueue.DefaultTypedControllerRateLimiter: 5 ms doubling per failure, capped at 1000 s; the
// operator sets no other). One CR then makes 16 denied requests in its first 5 minutes and a few an
// hour after: at most 0.053/s, so the alert never fires while the operator's rollout stays blocked.
// (And the guard exports reviews_total{verdict="denied"} only from the first denial on, value 1,
// so rate() never sees that one: review-stats.ts reviewSamples skips zero counts.)
// EXPECTED: AisGuardDenialSpike fires when the operator's own writes keep being denied (a
// threshold fit for AIStore's admission traffic, which matchConditions keep to AIStore writes).
// The test runs `promtool test rules` (the promtool of test/monitoring/run.sh) on the shipped rules.
import { describe, expect, it } from '@jest/globals';
import { GUARD_LABELS, minutesFiring as firing, operatorRetries, scrapedCount } from '../support/promtool.js';

/** Minutes at which promtool sees AisGuardDenialSpike firing, the guard scraped every 30 s. */
function minutesFiring(denials: number[], allowedPerScrape: number, hours: number): number[] {
  const scrape = 30;
  // No series before the first denial.
  const denied = scrapedCount(denials, { from: 0, hours, scrape, absentUntilFirst: true });
  const allowed: number[] = [];
  for (let at = 0, i = 0; at <= hours * 3600; at += scrape, i++) allowed.push(i * allowedPerScrape);
  const labels = `${GUARD_LABELS},endpoint="validate"`;
  return firing(
    'AisGuardDenialSpike',
    [
      { series: `ais_guard_reviews_total{${labels},verdict="denied"}`, values: denied },
      { series: `ais_guard_reviews_total{${labels},verdict="allowed"}`, values: allowed.join(' ') },
    ],
    hours,
    scrape,
  );
}

describe('review ops27: AisGuardDenialSpike when an operator rollout runs into a rule', () => {
  it('control: a denial every second from minute 70 on fires it', () => {
    const steady = Array.from({ length: 1800 }, (_, i) => 70 * 60 + i);
    expect(minutesFiring(steady, 2, 2).length).toBeGreaterThan(0);
  }, 240_000);

  it("one CR's target StatefulSet update denied and retried by the operator from minute 70: fires", () => {
    // An hour of ordinary reviews first (a few a minute), then the operator's retries.
    const retries = operatorRetries(70 * 60, 2 * 3600);
    expect(retries.filter((t) => t < 75 * 60).length).toBeGreaterThanOrEqual(16);
    expect({ firingAtMinutes: minutesFiring(retries, 2, 2) }).not.toEqual({ firingAtMinutes: [] });
  }, 240_000);
});
