// The monitoring pack (deploy/helm/ais-guard/files, deploy/overlays/monitoring): every PromQL
// expression in the alerts and the dashboard names only metrics the guard really exports (read
// from /metrics of an app that has answered reviews), the overlay carries the chart's rules and
// dashboard unchanged, and `kubectl kustomize` and render's kustomize subset build the overlay alike.
// promtool checks and unit-tests the rules in test/monitoring/run.sh (a CI stage of its own).
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { buildKustomization, DEPLOY_DIR, type KObject } from '../../src/deploy/index.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { reviewOf } from '../support/review.js';
import { promqlMetricNames } from './promql.js';

const FILES = join(DEPLOY_DIR, 'helm', 'ais-guard', 'files');
const OVERLAY = join(DEPLOY_DIR, 'overlays', 'monitoring');
const REGENERATE = 'run `node scripts/gen-monitoring-overlay.mjs`';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}
interface Dashboard {
  templating: { list: { query?: string | { query: string } }[] };
  panels: { title: string; targets: { expr: string }[] }[];
}

const rulesText = readFileSync(join(FILES, 'prometheus-rules.yaml'), 'utf8');
const rules = (YAML.parse(rulesText) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboardText = readFileSync(join(FILES, 'dashboard.json'), 'utf8');
const dashboard = JSON.parse(dashboardText) as Dashboard;

/** Every PromQL expression of the pack, named by where it is. */
const expressions: [string, string][] = [
  ...rules.map((r): [string, string] => [`rule ${r.alert ?? r.record}`, r.expr]),
  ...dashboard.panels.flatMap((p) => p.targets.map((t): [string, string] => [`panel "${p.title}"`, t.expr])),
  ...dashboard.templating.list.flatMap((v): [string, string][] => {
    const q = typeof v.query === 'object' ? v.query.query : undefined;
    const inner = q && /^label_values\((.*), *\w+\)$/.exec(q)?.[1];
    return inner ? [['dashboard variable', inner]] : [];
  }),
];

/** Series names in an exposition: sample lines, and histograms' _bucket/_sum/_count from their TYPE. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(type[1]! + s);
    } else if (line && !line.startsWith('#')) names.add(/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]);
  }
  return names;
}

async function scrape(): Promise<string> {
  const { app, metrics } = testApp();
  metrics.certExpiry.set(Date.now() / 1000 + 86400);
  metrics.cacheSynced.set(1);
  await request(app)
    .post('/validate')
    .send(reviewOf(aistore({ disable: true, hostPort: 1 })))
    .expect(200);
  return (await request(app).get('/metrics').expect(200)).text;
}

describe('monitoring pack', () => {
  it('every alert and dashboard query uses only metrics the guard exports', async () => {
    const names = exported(await scrape());
    // The names the pack relies on, so a renamed metric fails here and not on someone's dashboard.
    for (const name of [
      'ais_guard_build_info',
      'ais_guard_reviews_total',
      'ais_guard_findings_total',
      'ais_guard_errors_total',
      'ais_guard_review_duration_seconds_bucket',
      'ais_guard_cluster_cache_synced',
      'ais_guard_certificate_expiry_timestamp_seconds',
      'ais_guard_certificate_not_before_timestamp_seconds',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(names).toContain(name);
    expect(expressions.length).toBeGreaterThan(15);
    // `up` is Prometheus' own series for each target (AisGuardDown reads it), not the guard's.
    const scraped = new Set([...names, 'up']);
    for (const [where, expr] of expressions) {
      const used = promqlMetricNames(expr);
      expect({ where, used: used.length > 0 }).toEqual({ where, used: true });
      expect({ where, unknown: used.filter((n) => !scraped.has(n)) }).toEqual({ where, unknown: [] });
    }
  });

  it('has the five alerts the issue asks for, one for callers refusing the certificate, one for a stale cache, one for a guard not scraped, one for reviews past the timeout', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'AisGuardDown',
      'AisGuardCertificateExpiringSoon',
      'AisGuardAdmissionErrors',
      'AisGuardCertificateRefused',
      'AisGuardCacheNotSynced',
      'AisGuardCacheStale',
      'AisGuardDenialSpike',
      'AisGuardSlowReviews',
      'AisGuardReviewsPastTimeout',
    ]);
  });

  it("the overlay's PrometheusRule and dashboard are the chart's files", () => {
    const rule = YAML.parse(readFileSync(join(OVERLAY, 'prometheusrule.yaml'), 'utf8')) as KObject;
    const configMap = YAML.parse(readFileSync(join(OVERLAY, 'grafana-dashboard.yaml'), 'utf8')) as KObject;
    expect({ spec: rule.spec, hint: REGENERATE }).toEqual({ spec: YAML.parse(rulesText), hint: REGENERATE });
    expect({ data: configMap.data, hint: REGENERATE }).toEqual({
      data: { 'ais-guard.json': dashboardText },
      hint: REGENERATE,
    });
    expect(configMap.metadata?.labels).toMatchObject({ grafana_dashboard: '1' });
  });

  it('kubectl kustomize and render build the overlay alike', async () => {
    const out = execFileSync('kubectl', ['kustomize', OVERLAY], { encoding: 'utf8' });
    const kubectl = YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS() as KObject);
    const ours = await buildKustomization(OVERLAY);
    const key = (o: KObject) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`;
    expect(ours.map(key).sort()).toEqual([
      'ConfigMap/ais-guard/ais-guard-dashboard',
      'PrometheusRule/ais-guard/ais-guard',
      'ServiceMonitor/ais-guard/ais-guard',
    ]);
    expect([...kubectl].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...ours].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});
