// review mon34: the series the pack reads with rate() or increase() that still appear at their first
// count, the way review mon31 found errors_total and certificate_reloads_total.
//
// DEFECT: src/server/review-stats.ts exports ais_guard_review_duration_seconds for an endpoint only
// once it has answered a review there, and ais_guard_findings_total{rule,action} only once that
// rule has reported with that action: each series appears at 1. rate() and increase() extrapolate
// from the samples inside their window, and a series that starts at 1 has no 0 to rise from.
// IMPACT:
// - AisGuardReviewsPastTimeout (more than one review in 30 minutes past timeoutSeconds, README
//   "Monitoring") stays quiet when a fresh replica (restarted after a stall, or just scaled up)
//   answers its first two reviews after the apiserver gave up: increase() counts one of them.
// - The dashboard's "Denials/s by rule" never shows a rule's first denial on a replica; at
//   AIStore's pace that is most denials: "Requests/s by verdict" shows the denial, the panel
//   that should say which rule it was stays empty.
// EXPECTED: both exist at 0 from the start (every endpoint; every rule and action), as
// reviews_total, errors_total and the other counters the pack reads do.
// Fed with what the guard's /metrics said at each scrape (every 30 s, serviceMonitor.interval).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { Metrics } from '../../src/server/metrics.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { GUARD_LABELS, minutesFiring, minutesOf, promtoolExpectations } from '../support/promtool.js';
import { reviewOf } from '../support/review.js';

const SCRAPE = 30;
const STEPS = 2 * 60 + 1; // one hour of scrapes

/** Each scrape's samples of `names`, as promtool input series ('_' before a series appears). */
async function scraped(
  names: string[],
  step: (i: number) => Promise<string>,
): Promise<{ series: string; values: string }[]> {
  const series = new Map<string, (number | '_')[]>();
  for (let i = 0; i < STEPS; i++) {
    const text = await step(i);
    for (const name of names)
      for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
        const key = `${name}{${GUARD_LABELS},${m[1]}}`;
        if (!series.has(key)) series.set(key, Array<'_'>(i).fill('_'));
        series.get(key)!.push(Number(m[2]));
      }
    for (const values of series.values()) if (values.length === i) values.push('_');
  }
  return [...series].map(([s, values]) => ({ series: s, values: values.join(' ') }));
}

describe('review mon34: series read with rate() or increase() start at 0', () => {
  it('AisGuardReviewsPastTimeout fires when a fresh replica answers two reviews after the 5 s timeout', async () => {
    const metrics = new Metrics();
    const input = await scraped(
      ['ais_guard_review_duration_seconds_bucket', 'ais_guard_review_duration_seconds_count'],
      async (i) => {
        // Two AIStore writes, 10 minutes apart, each answered after 6 s.
        if (i === 4 || i === 24) metrics.observe('validate', 'allowed', [], 6);
        return metrics.registry.metrics();
      },
    );
    const firing = minutesFiring('AisGuardReviewsPastTimeout', input, 1, SCRAPE);
    expect({ firing: firing.length > 0 }).toEqual({ firing: true });
  }, 240_000);

  it('the "Denials/s by rule" panel shows a rule that denied once', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(DEPLOY_DIR, 'helm', 'ais-guard', 'files', 'dashboard.json'), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[] };
    const panel = dashboard.panels.find((p) => p.title === 'Denials/s by rule')!;
    // Grafana's $__rate_interval at a 30 s scrape: 4 scrapes.
    const expr = panel.targets[0]!.expr.replaceAll('$job', '.+').replaceAll('$__rate_interval', '2m');
    const { app } = testApp();
    const input = await scraped(['ais_guard_findings_total'], async (i) => {
      if (i === 20)
        await request(app)
          .post('/validate')
          .send(reviewOf(aistore({ disable: true, hostPort: 1 })))
          .expect(200);
      return (await request(app).get('/metrics').expect(200)).text;
    });
    expect(input.map((s) => s.series).join()).toContain('rule="target-host-port",action="deny"');
    const minutes = Array.from({ length: 56 }, (_, i) => i + 5);
    const { text } = promtoolExpectations(
      {
        interval: `${SCRAPE}s`,
        input_series: input,
        alert_rule_test: minutes.map((m) => ({
          eval_time: `${m}m`,
          alertname: 'PanelShows',
          exp_alerts: [],
        })),
      },
      { groups: [{ name: 'panel', rules: [{ alert: 'PanelShows', expr: `(${expr}) > 0` }] }] },
    );
    const shown = [...text.matchAll(/alertname: PanelShows, time: ([0-9hms]+)/g)].map((m) =>
      minutesOf(m[1]!),
    );
    expect({ shownAtMinutes: shown.length > 0 }).toEqual({ shownAtMinutes: true });
  }, 240_000);
});
