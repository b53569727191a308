// review ops22: what an on-call operator sees of the guard through the shipped monitoring pack
// (ServiceMonitor, PrometheusRule, dashboard) once Prometheus has scraped it.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { DURATION_BUCKETS } from '../../src/server/review-stats.js';
import type { ClusterSource } from '../../src/server/cluster-source.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

const FILES = join(DEPLOY_DIR, 'helm', 'ais-guard', 'files');
const OVERLAY = join(DEPLOY_DIR, 'overlays', 'monitoring');

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
const rules = (
  YAML.parse(readFileSync(join(FILES, 'prometheus-rules.yaml'), 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(join(FILES, 'dashboard.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string; legendFormat?: string }[] }[];
};

/** Label names on the guard's own samples (not Node's default metrics), after a few reviews. */
async function guardLabelNames(): Promise<Set<string>> {
  const { app } = testApp();
  await request(app)
    .post('/validate')
    .send(reviewOf(aistore({ disable: true, hostPort: 1 })))
    .expect(200);
  await request(app).post('/validate').set('content-type', 'text/plain').send('x').expect(415);
  const text = (await request(app).get('/metrics').expect(200)).text;
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('ais_guard_')) continue;
    const body = /\{([^}]*)\}/.exec(line)?.[1];
    for (const m of body?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g) ?? []) names.add(m[1]!);
  }
  return names;
}

describe('review ops22: labels survive the shipped ServiceMonitor', () => {
  // DEFECT: the guard labels its review metrics `endpoint` (validate|mutate), but the Prometheus
  // Operator sets a target label `endpoint` on every target of a ServiceMonitor endpoint that names
  // a `port` (prometheus-operator pkg/prometheus/promcfg.go, generateServiceMonitorConfig:
  // `{target_label: endpoint, replacement: ep.Port}`), here "https". The shipped ServiceMonitor
  // (deploy/overlays/monitoring/servicemonitor.yaml, chart templates/servicemonitor.yaml) does not
  // set honorLabels, so Prometheus (honor_labels: false) renames the guard's label to
  // `exported_endpoint` and every series carries endpoint="https".
  // IMPACT: AisGuardSlowReviews, documented "per endpoint", sums validate and mutate together and
  // its description reads "p99 of https reviews"; the dashboard's latency legends read
  // "p50 https"/"p99 https" and the errors panel "https overloaded": the on-call operator cannot
  // tell whether the validating (Fail) or mutating (Ignore) path is slow or failing.
  // EXPECTED: no label of the guard's samples collides with a target label the Prometheus Operator
  // attaches (job, instance, namespace, service, pod, container, endpoint), or the ServiceMonitor
  // sets honorLabels: true.
  const OPERATOR_TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'];

  it.each([['kustomize overlay', join(OVERLAY, 'servicemonitor.yaml')]])(
    '%s: no guard label is overwritten by a target label',
    async (_where, file) => {
      const monitor = YAML.parse(readFileSync(file, 'utf8')) as {
        spec: { endpoints: { port?: string; honorLabels?: boolean }[] };
      };
      const honours = monitor.spec.endpoints.every((e) => e.honorLabels === true);
      const names = await guardLabelNames();
      const clobbered = honours ? [] : OPERATOR_TARGET_LABELS.filter((l) => names.has(l));
      expect({ clobbered }).toEqual({ clobbered: [] });
    },
  );

  it('the chart renders the same honorLabels (test/monitoring/run.sh checks the whole object with helm)', () => {
    const template = readFileSync(
      join(DEPLOY_DIR, 'helm', 'ais-guard', 'templates', 'servicemonitor.yaml'),
      'utf8',
    );
    expect(template).toMatch(/^ {6}honorLabels: true$/m);
  });

  it('the rules and dashboard that split by endpoint would read the guard label, not the port name', () => {
    // Documents which expressions depend on it (all use `endpoint`, none `exported_endpoint`).
    const users = [
      ...rules.filter((r) => /\bendpoint\b/.test(r.expr)).map((r) => r.alert),
      ...dashboard.panels
        .filter((p) => p.targets.some((t) => /\bendpoint\b/.test(t.expr)))
        .map((p) => p.title),
    ];
    expect(users.length).toBeGreaterThan(0);
  });
});

describe('review ops22: the duration histogram can show the apiserver timeout', () => {
  // DEFECT: ais_guard_review_duration_seconds tops out at le="0.5" (src/server/review-stats.ts
  // DURATION_BUCKETS), while every shipped webhook has timeoutSeconds: 5 and a review's time
  // includes its body read (up to 5 s + 1 s/MiB, body.ts BODY_PACE). histogram_quantile() returns the
  // highest finite bound (0.5) for any quantile that falls in the +Inf bucket.
  // IMPACT: when reviews take 1-5 s (a stalled event loop, a slow network, a huge cluster context),
  // the dashboard's p99 panel and AisGuardSlowReviews' description say "500ms" while the apiserver
  // is seconds away from timing the calls out (Fail entries then reject every AIStore change).
  // EXPECTED: at least one finite bucket bound at or above the webhooks' timeoutSeconds, so
  // latencies up to the timeout can be told apart from "just over 0.5 s".
  it('some finite bucket reaches the webhooks timeoutSeconds', () => {
    const timeouts = ['validating-webhook.yaml', 'mutating-webhook.yaml'].flatMap((f) =>
      (
        YAML.parse(readFileSync(join(DEPLOY_DIR, 'base', f), 'utf8')) as {
          webhooks: { timeoutSeconds?: number }[];
        }
      ).webhooks.map((w) => w.timeoutSeconds ?? 10),
    );
    const timeout = Math.max(...timeouts);
    expect(timeout).toBe(5);
    expect(Math.max(...DURATION_BUCKETS)).toBeGreaterThanOrEqual(timeout);
  });
});

describe('review ops22: AisGuardAdmissionErrors counts a failed review once', () => {
  // DEFECT: a review the guard cannot judge is counted in ais_guard_reviews_total{verdict="error"}
  // AND in ais_guard_errors_total{reason="internal"} (src/server/app.ts answer()). The alert divides
  // errors by reviews + errors, so every such request is in the denominator twice.
  // IMPACT: with every request failing the alert's value (and its description "X% of the requests
  // ... end in an error") is 50 %, and a real 5-10 % internal-error rate is reported as 4.8-9 %:
  // at 5.2 % the alert never fires although the threshold is crossed.
  // EXPECTED: the ratio the alert computes from the guard's counters equals the share of requests
  // that ended in an error (here 1.0).
  it('all reviews failing reads as 100 % errors', async () => {
    const base = fixedCluster([], true);
    const broken: ClusterSource = {
      ...base,
      context: () => {
        throw new Error('cache corrupted');
      },
    };
    const { app } = testApp({ cluster: broken });
    for (let i = 0; i < 4; i++) {
      const res = await request(app)
        .post('/validate')
        .send(reviewOf(aistore({ disable: true, hostPort: 1 })))
        .expect(200);
      expect((res.body as { response: { warnings?: string[] } }).response.warnings?.join()).toMatch(
        /could not judge/,
      );
    }
    const text = (await request(app).get('/metrics').expect(200)).text;
    const sum = (name: string, skip?: string) =>
      [...text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))]
        .filter((m) => !skip || !m[1]?.includes(skip))
        .reduce((n, m) => n + Number(m[2]), 0);
    const errors = sum('ais_guard_errors_total');
    const reviews = sum('ais_guard_reviews_total', 'verdict="error"');
    expect(errors).toBeGreaterThan(0);
    // The alert's expression: errors / (reviews{verdict!="error"} + errors).
    const expr = rules.find((r) => r.alert === 'AisGuardAdmissionErrors')!.expr;
    expect(expr).toContain('ais_guard_reviews_total{verdict!="error"}');
    expect(errors / (reviews + errors)).toBe(1);
  });
});
