// review mon31: AisGuardAdmissionErrors and the "Certificate reloads" panel read counters through
// increase(), which sees nothing of a series' first sample (Prometheus extrapolates a range from the
// samples inside it; a series that appears at 1 has no 0 before it to rise from).
//
// DEFECT: ais_guard_errors_total and ais_guard_certificate_reloads_total are labelled prom-client
// Counters with no `inc(labels, 0)` at start (src/server/metrics.ts), so each (endpoint, reason) and
// each result appears only at its first count, with the value 1. reviews_total and
// tls_handshake_errors_total are pre-initialised for exactly this reason (README, "Monitoring").
// IMPACT: the first error of each reason on each replica is invisible to the alert: with AIStore's
// sparse admission traffic, 2 refused requests among ~25 in 30 minutes (7 %) read as 1 in 24 (4 %),
// and AisGuardAdmissionErrors stays quiet. A replica reloads its certificate about once per
// renewal (cert-manager: once a year), always its first reload: the dashboard's "Certificate
// reloads" panel (increase over $__rate_interval) never shows one.
// EXPECTED: both counters exist at 0 from the start, for every label value the guard can count;
// the alert, fed with what the guard's real /metrics said at each scrape, fires.
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Metrics } from '../../src/server/metrics.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { GUARD_LABELS, minutesFiring } from '../support/promtool.js';
import { reviewOf } from '../support/review.js';

/** The samples of `name` in an exposition, keyed by their label set. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm')))
    out.set(m[1]!, Number(m[2]));
  return out;
}

describe('review mon31: counters the pack reads with increase() start at 0', () => {
  it('a fresh guard exports every errors_total reason per endpoint, and both reload results, at 0', async () => {
    const text = await new Metrics().registry.metrics();
    const errors = samples(text, 'ais_guard_errors_total');
    for (const endpoint of ['validate', 'mutate'])
      for (const reason of [
        'bad_review',
        'too_slow',
        'too_large',
        'unsupported_media_type',
        'overloaded',
        'internal',
      ])
        expect({ endpoint, reason, value: errors.get(`endpoint="${endpoint}",reason="${reason}"`) }).toEqual({
          endpoint,
          reason,
          value: 0,
        });
    const reloads = samples(text, 'ais_guard_certificate_reloads_total');
    expect(Object.fromEntries(reloads)).toEqual({ 'result="ok"': 0, 'result="error"': 0 });
  });

  it('AisGuardAdmissionErrors fires on 2 refused requests among 1 review a minute (real /metrics scraped every 30 s)', async () => {
    const { app } = testApp();
    const scrape = 30;
    const series = new Map<string, (number | '_')[]>();
    const steps = 2 * 60 + 1; // one hour of scrapes
    for (let step = 0; step < steps; step++) {
      // One AIStore write a minute the guard judges; two it refuses as bad reviews, at 10 and 12 min.
      if (step % 2 === 0)
        await request(app)
          .post('/validate')
          .send(reviewOf(aistore({})))
          .expect(200);
      if (step === 20 || step === 24)
        await request(app).post('/validate').set('content-type', 'application/json').send('{').expect(400);
      const text = (await request(app).get('/metrics').expect(200)).text;
      for (const name of ['ais_guard_errors_total', 'ais_guard_reviews_total'])
        for (const [labels, value] of samples(text, name)) {
          const key = `${name}{${GUARD_LABELS},${labels}}`;
          if (!series.has(key)) series.set(key, Array<'_'>(step).fill('_'));
          series.get(key)!.push(value);
        }
      for (const values of series.values()) if (values.length === step) values.push('_');
    }
    const input = [...series].map(([s, values]) => ({ series: s, values: values.join(' ') }));
    const firing = minutesFiring('AisGuardAdmissionErrors', input, 1, scrape);
    expect({ firingAtMinutes: firing.length > 0 }).toEqual({ firingAtMinutes: true });
  }, 240_000);
});
