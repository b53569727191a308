// review mon34: AisGuardCertificateExpiringSoon on a guard serving a certificate shorter-lived
// than the alert's fixed 14 days allows.
//
// DEFECT: the rule (deploy/helm/ais-guard/files/prometheus-rules.yaml) fires when the certificate in
// use has under 14 days left, whatever its lifetime. `ais-guard certs --days N` issues any lifetime
// from 1 day and renews it a third of its lifetime before the end when that is under 30 days
// (src/tls/ensure.ts, defaultRenewBeforeDays); externally issued Secrets (Vault PKI, cert-manager
// outside the chart) are often days long. The guard itself knows better: /readyz says "expiring"
// only under 14 days or a sixth of the lifetime, whichever is shorter (src/server/certificate.ts,
// expiryWarningMs), but /metrics exports the notAfter alone, so the rule cannot follow it. The chart
// corrects the threshold only for its own cert-manager Certificate (templates/prometheusrule.yaml);
// the kustomize pack and every other chart mode keep 14 days.
// IMPACT: a 10-day certificate keeps the warning firing all its life, a 30-day one for four days
// of every cycle before `certs` is due to renew it, while /readyz says the certificate is valid: an
// alert that always fires is muted, and it is the one that says every AIStore change will be refused.
// EXPECTED: with what a guard really exports for such a certificate, the alert is quiet while the
// certificate is renewed on schedule, and fires once it is not (controls below).
// The series are read from the /metrics registry of a real createGuardServer serving the pair,
// shifted so that promtool's time 0 is a chosen moment of the certificate's life.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/server/config.js';
import { createGuardServer } from '../../src/server/server.js';
import { pairValid } from '../faults/support/certs.js';
import { GUARD_LABELS, promtoolExpectations } from '../support/promtool.js';
import { fixedCluster } from '../support/review.js';

const DAY_S = 86_400;
const root = mkdtempSync(join(tmpdir(), 'ais-guard-mon34-'));
let n = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The guard's unlabelled ais_guard_certificate_*_timestamp_seconds samples for a pair of this lifetime. */
async function exported(lifetimeDays: number): Promise<{ notAfter: number; samples: Map<string, number> }> {
  const notBefore = Math.floor(Date.now() / 1000) - 3600;
  const notAfter = notBefore + lifetimeDays * DAY_S;
  const pair = pairValid(new Date(notBefore * 1000), new Date(notAfter * 1000));
  const dir = join(root, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'tls.crt'), pair.cert);
  writeFileSync(join(dir, 'tls.key'), pair.key, { mode: 0o600 });
  const guard = await createGuardServer({
    config: {
      ...DEFAULTS,
      tlsCert: join(dir, 'tls.crt'),
      tlsKey: join(dir, 'tls.key'),
      noCluster: true,
      shutdownDelayMs: 0,
    },
    cluster: fixedCluster(),
    logger: pino({ level: 'silent' }),
  });
  try {
    const text = await guard.metrics.registry.metrics();
    const samples = new Map<string, number>();
    for (const m of text.matchAll(/^(ais_guard_certificate_\w+_timestamp_seconds) (\S+)$/gm))
      samples.set(m[1]!, Number(m[2]));
    return { notAfter, samples };
  } finally {
    await guard.shutdown();
  }
}

/**
 * Whether AisGuardCertificateExpiringSoon fires 2 h (past its `for: 1h`) into promtool's time, when
 * time 0 is `leftAtStart` seconds before the certificate's notAfter.
 */
async function firesWith(lifetimeDays: number, leftAtStartDays: number): Promise<boolean> {
  const { notAfter, samples } = await exported(lifetimeDays);
  expect(samples.get('ais_guard_certificate_expiry_timestamp_seconds')).toBe(notAfter);
  const zero = notAfter - leftAtStartDays * DAY_S; // the real time promtool's 0 stands for
  const run = promtoolExpectations({
    interval: '1m',
    input_series: [...samples].map(([name, value]) => ({
      series: `${name}{${GUARD_LABELS}}`,
      values: `${value - zero}x180`,
    })),
    alert_rule_test: [{ eval_time: '2h', alertname: 'AisGuardCertificateExpiringSoon', exp_alerts: [] }],
  });
  return run.status !== 0;
}

describe('review mon34: the expiry alert follows the lifetime of the certificate the guard serves', () => {
  it('a 10-day certificate (`certs --days 10`, renewed at 3.3 days left), just issued: quiet', async () => {
    expect(await firesWith(10, 10)).toBe(false);
  }, 120_000);

  it('a 30-day certificate (`certs --days 30`, renewed at 10 days left) with 12 days left: quiet', async () => {
    expect(await firesWith(30, 12)).toBe(false);
  }, 120_000);

  it('control: the 10-day certificate not renewed, 1 day left: fires', async () => {
    expect(await firesWith(10, 1)).toBe(true);
  }, 120_000);

  it('control: a 365-day certificate (the default) with 13 days left: fires', async () => {
    expect(await firesWith(365, 13)).toBe(true);
  }, 120_000);
});
