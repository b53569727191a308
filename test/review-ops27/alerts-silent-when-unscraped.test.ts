// review ops27: what the shipped PrometheusRule says once Prometheus can no longer scrape the guard.
//
// DEFECT: every alert of deploy/helm/ais-guard/files/prometheus-rules.yaml (and its copy in
// deploy/overlays/monitoring) reads a series the guard itself exports; none reads `up` or
// `absent(...)`. When the scrape fails, every ais_guard_* series goes stale and each alert's
// expression returns nothing, so an alert that was firing is resolved (Prometheus rules/alerting.go:
// an alert whose series is gone from the result is resolved) and nothing else fires.
//
// The scrape fails exactly when the guard matters most:
// - the serving certificate has expired. The shipped ServiceMonitor (templates/servicemonitor.yaml,
//   overlays/monitoring/servicemonitor.yaml) verifies it with tlsConfig.ca from the TLS Secret and no
//   insecureSkipVerify, and Go's crypto/x509 Certificate.Verify refuses an expired certificate
//   ("x509: certificate has expired or is not yet valid"), so the target goes up == 0. The apiserver
//   refuses the same certificate: the Fail entries reject every AIStore change, as the rule's own
//   description says. AisGuardCertificateExpiringSoon, firing for 14 days before, resolves at that
//   moment (an on-call who snoozed the warning gets a "resolved"), and AisGuardCertificateRefused
//   cannot see the refusals either (its counter is not scraped any more);
// - every replica crash-loops or hangs (up == 0 on each endpoint address): the webhooks with
//   failurePolicy Fail reject every AIStore write and the pack says nothing.
// EXPECTED: some alert of the pack fires while the guard's targets are down (e.g. an alert on
// `up == 0` for the guard's job, or an expiry alert that keeps the last seen notAfter).
// The test runs `promtool test rules` (the promtool of test/monitoring/run.sh) on the shipped rules.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { GUARD_LABELS as LABELS, promtoolExpectations, promtoolTest, RULES } from '../support/promtool.js';

const alerts = (
  YAML.parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert?: string }[] }[] }
).groups
  .flatMap((g) => g.rules)
  .flatMap((r) => (r.alert ? [r.alert] : []));

const DAY_MIN = 24 * 60;

/**
 * A guard scraped every minute for `upMinutes`, then not any more (up 0, its own series gone) for
 * `downMinutes`: which alerts of the pack fire `downMinutes` after the scrapes began to fail.
 * Each alert gets a promtool case expecting none; the ones promtool reports got something fired.
 */
function firingAfterScrapesFail(
  series: Record<string, string>,
  upMinutes: number,
  downMinutes: number,
): string[] {
  const input = [
    ...Object.entries(series).map(([name, value]) => ({
      series: `${name}{${LABELS}}`,
      values: `${value}x${upMinutes} _x${downMinutes}`,
    })),
    { series: `up{${LABELS}}`, values: `1x${upMinutes} 0x${downMinutes}` },
  ];
  const evalTime = `${upMinutes + downMinutes - 1}m`;
  const { text } = promtoolExpectations({
    interval: '1m',
    input_series: input,
    alert_rule_test: alerts.map((alertname) => ({ eval_time: evalTime, alertname, exp_alerts: [] })),
  });
  return [...text.matchAll(/alertname: (\w+), time:/g)].map((m) => m[1]!);
}

describe('review ops27: the shipped alerts when the guard can no longer be scraped', () => {
  it('the serving certificate expired (the scrape refuses it, as the apiserver does): some alert still fires', () => {
    // notAfter at day 10, scraped until then (AisGuardCertificateExpiringSoon fires for days before),
    // then 2 hours past the expiry with every scrape refused by the ServiceMonitor's tlsConfig.
    const fired = firingAfterScrapesFail(
      {
        ais_guard_certificate_expiry_timestamp_seconds: String(10 * 86_400),
        ais_guard_cluster_cache_synced: '1',
        ais_guard_certificate_reload_failing: '0',
      },
      10 * DAY_MIN,
      120,
    );
    expect({ alertsFiring: fired }).not.toEqual({ alertsFiring: [] });
  }, 240_000);

  it('every replica stops answering (up == 0 for 30 minutes): some alert fires', () => {
    const fired = firingAfterScrapesFail(
      {
        ais_guard_certificate_expiry_timestamp_seconds: String(365 * 86_400),
        ais_guard_cluster_cache_synced: '1',
      },
      120,
      30,
    );
    expect({ alertsFiring: fired }).not.toEqual({ alertsFiring: [] });
  }, 240_000);

  it('control: the expiry alert fires while the guard is still scraped', () => {
    // Same series as the first case, evaluated before the scrapes stop: the rule itself works.
    const run = promtoolTest({
      interval: '1m',
      input_series: [
        {
          series: `ais_guard_certificate_expiry_timestamp_seconds{${LABELS}}`,
          values: `${10 * 86_400}x600`,
        },
      ],
      alert_rule_test: [{ eval_time: '5h', alertname: 'AisGuardCertificateExpiringSoon', exp_alerts: [] }],
    });
    expect(run.text).toMatch(/alertname: AisGuardCertificateExpiringSoon, time: 5h/);
  }, 240_000);
});
