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

/** Seconds (after `start`) at which controller-runtime's default rate limiter retries one item. */
function operatorRetries(start: number, untilSeconds: number): number[] {
  const times: number[] = [];
  for (let t = start, n = 0; t <= untilSeconds; n++) {
    times.push(t);
    t += Math.min(0.005 * 2 ** n, 1000); // ItemExponentialFailureRateLimiter(5ms, 1000s)
  }
  return times;
}

/** Minutes at which promtool sees AisGuardDenialSpike firing, the guard scraped every 30 s. */
function minutesFiring(denials: number[], allowedPerScrape: number, hours: number): number[] {
  const scrape = 30;
  const denied: string[] = [];
  const allowed: number[] = [];
  for (let at = 0, i = 0; at <= hours * 3600; at += scrape, i++) {
    const n = denials.filter((t) => t <= at).length;
    denied.push(n === 0 ? '_' : String(n)); // no series before the first denial
    allowed.push(i * allowedPerScrape);
  }
  const labels = 'namespace="ais-guard",job="ais-guard",pod="guard-a",endpoint="validate"';
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-ops27-'));
  try {
    const file = join(dir, 'spike.test.yaml');
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
              { series: `ais_guard_reviews_total{${labels},verdict="denied"}`, values: denied.join(' ') },
              { series: `ais_guard_reviews_total{${labels},verdict="allowed"}`, values: allowed.join(' ') },
            ],
            alert_rule_test: minutes.map((m) => ({
              eval_time: `${m}m`,
              alertname: 'AisGuardDenialSpike',
              exp_alerts: [],
            })),
          },
        ],
      }),
    );
    const run = spawnSync(promtool(), ['test', 'rules', file], { encoding: 'utf8' });
    const text = `${run.stdout}${run.stderr}`;
    if (run.status !== 0 && !/FAILED/.test(text)) throw new Error(`promtool failed: ${text}`);
    return [...text.matchAll(/alertname: AisGuardDenialSpike, time: ([0-9hms]+)/g)].map((m) =>
      minutesOf(m[1]!),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
