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
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';

const RULES = join(DEPLOY_DIR, 'helm', 'ais-guard', 'files', 'prometheus-rules.yaml');

/** promtool's eval time (Go duration: 45m, 1h16m, 2h) in minutes. */
const minutesOf = (d: string): number =>
  [...d.matchAll(/(\d+)([hms])/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * (unit === 'h' ? 60 : unit === 'm' ? 1 : 1 / 60),
    0,
  );

function promtool(): string {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  const out = execFileSync(join(DEPLOY_DIR, '..', 'test', 'monitoring', 'build.sh'), { encoding: 'utf8' });
  return out.trim().split('\n').pop()!;
}

/** Seconds after the first refusal at which controller-runtime's default rate limiter retries. */
function operatorRetries(untilSeconds: number): number[] {
  const times: number[] = [];
  for (let t = 0, n = 0; t <= untilSeconds; n++) {
    times.push(t);
    t += Math.min(0.005 * 2 ** n, 1000); // ItemExponentialFailureRateLimiter(5ms, 1000s)
  }
  return times;
}

/** The minutes (of those evaluated) at which promtool sees AisGuardAdmissionErrors firing. */
function minutesFiring(refusals: number[], hours: number): number[] {
  const scrape = 30;
  const samples: (number | string)[] = [];
  // Scraped from 30 s before the first error: no series until it, then the count so far.
  for (let at = -scrape; at <= hours * 3600; at += scrape)
    samples.push(refusals.filter((t) => t <= at).length || '_');
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-ops27-'));
  try {
    const file = join(dir, 'refused.test.yaml');
    const minutes = Array.from({ length: hours * 60 - 4 }, (_, i) => i + 5);
    writeFileSync(
      file,
      YAML.stringify({
        rule_files: [RULES],
        evaluation_interval: '1m',
        tests: [
          {
            interval: `${scrape}s`,
            input_series: [
              {
                series:
                  'ais_guard_errors_total{namespace="ais-guard",job="ais-guard",pod="guard-a",endpoint="validate",reason="bad_review"}',
                values: samples.join(' '),
              },
            ],
            alert_rule_test: minutes.map((m) => ({
              eval_time: `${m}m`,
              alertname: 'AisGuardAdmissionErrors',
              exp_alerts: [],
            })),
          },
        ],
      }),
    );
    const run = spawnSync(promtool(), ['test', 'rules', file], { encoding: 'utf8' });
    const text = `${run.stdout}${run.stderr}`;
    if (run.status !== 0 && !/FAILED/.test(text)) throw new Error(`promtool failed: ${text}`);
    return [...text.matchAll(/alertname: AisGuardAdmissionErrors, time: ([0-9hms]+)/g)].map((m) =>
      minutesOf(m[1]!),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('review ops27: AisGuardAdmissionErrors at the pace AIStore writers retry', () => {
  it('control: a refusal every 30 s fires it after its 10 minutes', () => {
    const steady = Array.from({ length: 240 }, (_, i) => i * 30);
    expect(minutesFiring(steady, 1)[0]).toBeLessThanOrEqual(12);
  }, 240_000);

  it("the operator retrying one StatefulSet update the guard answers with 400 (controller-runtime's default backoff): fires within 2 hours", () => {
    const retries = operatorRetries(2 * 3600);
    // 24 requests in 2 hours, each an error the guard counts (errors_total{reason="bad_review"}).
    expect(retries.length).toBeGreaterThan(20);
    expect({ firingAtMinutes: minutesFiring(retries, 2) }).not.toEqual({ firingAtMinutes: [] });
  }, 240_000);
});
