// review ops27: the chart's certificate expiry alert against the chart's own cert-manager values.
//
// DEFECT: AisGuardCertificateExpiringSoon (files/prometheus-rules.yaml, rendered by
// prometheusRule.enabled) fires when the serving certificate has less than 14 days left, fixed.
// Its comment reasons "cert-manager renews 30 days ahead (certificates.certManager.renewBefore):
// 14 days left means renewal has not happened", but certificates.certManager.duration and
// .renewBefore are free values (values.schema.json: any string; docs/helm.md: "the serving
// certificate's lifetime", "renewed this long before it expires"). cert-manager renews at
// notAfter - renewBefore (cert-manager pkg/util/pki/renewaltime.go, RenewalTime) and requires renewBefore < duration
// (its webhook refuses a Certificate whose duration is not greater than renewBefore). So:
// - short-lived certificates (duration 168h, renewBefore 56h): every certificate ever issued has
//   less than 14 days left, and the warning fires for good while renewal works as configured;
// - renewBefore under 14 days (duration 2160h, renewBefore 240h): the warning fires every cycle,
//   four days before cert-manager is even due to renew.
// An alert that fires on a healthy install trains the on-call to ignore it, the one that says the
// Fail entries are about to reject every AIStore change.
// EXPECTED: with the chart rendering these values, no expiry alert fires while cert-manager renews
// on its schedule (e.g. the threshold follows renewBefore, or the schema refuses combinations the
// rule cannot serve, and docs/helm.md says so).
// The chart is rendered with the helm of test/helm/build.sh, its PrometheusRule's groups are given
// to the promtool of test/monitoring/run.sh, and the certificate series is that of the Certificate
// the same render makes (its duration and renewBefore as rendered).
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { builtTool as tool, GUARD_LABELS, promtoolExpectations } from '../support/promtool.js';

const CHART = join(DEPLOY_DIR, 'helm', 'ais-guard');

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

function render(sets: string[]): K8sObject[] {
  const out = execFileSync(
    tool('HELM', 'test/helm/build.sh'),
    ['template', 'ais-guard', CHART, '--namespace', 'ais-guard', ...sets.flatMap((s) => ['--set', s])],
    { encoding: 'utf8' },
  );
  return YAML.parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Go duration of the kind the chart's values use (hours). */
const hoursOf = (d: string): number => {
  const m = /^(\d+)h$/.exec(d);
  if (!m) throw new Error(`not an hours duration: ${d}`);
  return Number(m[1]);
};

/**
 * What promtool reports of AisGuardCertificateExpiringSoon at `evalHours` (past its `for: 1h`), for a
 * guard serving, from time 0, a certificate whose notAfter is `notAfterHours`; '' when it is quiet.
 */
function expiryAlertAt(rules: object, notAfterHours: number, evalHours: number): string {
  const run = promtoolExpectations(
    {
      interval: '1m',
      input_series: [
        {
          series: `ais_guard_certificate_expiry_timestamp_seconds{${GUARD_LABELS}}`,
          values: `${notAfterHours * 3600}x${evalHours * 60 + 10}`,
        },
      ],
      alert_rule_test: [
        { eval_time: `${evalHours}h`, alertname: 'AisGuardCertificateExpiringSoon', exp_alerts: [] },
      ],
    },
    rules,
  );
  return run.status === 0 ? '' : run.text;
}

function chart(duration: string, renewBefore: string) {
  const objects = render([
    'certificates.mode=cert-manager',
    `certificates.certManager.duration=${duration}`,
    `certificates.certManager.renewBefore=${renewBefore}`,
    'prometheusRule.enabled=true',
  ]);
  const serving = objects.find((o) => o.kind === 'Certificate' && o.metadata.name === 'ais-guard-serving')!;
  const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
  return {
    duration: hoursOf(serving.spec.duration as string),
    renewBefore: hoursOf(serving.spec.renewBefore as string),
    rules: { groups: rule.spec.groups },
  };
}

describe('review ops27: AisGuardCertificateExpiringSoon on an install whose cert-manager renews on schedule', () => {
  it('short-lived certificates (duration 168h, renewBefore 56h): no alert on a certificate just issued', () => {
    const { duration, renewBefore, rules } = chart('168h', '56h');
    expect({ duration, renewBefore }).toEqual({ duration: 168, renewBefore: 56 });
    // Issued at time 0, cert-manager renews it at 112 h; 3 h in, it has 165 h (6.9 days) left.
    expect(expiryAlertAt(rules, duration, 3)).toBe('');
  }, 240_000);

  it('renewBefore 240h on a 90-day certificate: no alert 12 days before the end (renewal due at 10)', () => {
    const { duration, renewBefore, rules } = chart('2160h', '240h');
    expect({ duration, renewBefore }).toEqual({ duration: 2160, renewBefore: 240 });
    // 3 h in, the certificate in use has 12 days left; cert-manager renews it 2 days later.
    expect(expiryAlertAt(rules, renewBefore + 48 + 3, 3)).toBe('');
  }, 240_000);
});
