// review mon34: every label the monitoring pack reads is one the guard exports on that metric (or
// one the Prometheus Operator puts on the target), and every value it matches with = or != is one
// the guard really writes.
//
// test/monitoring/pack.test.ts checks metric names only. A label or value renamed on one side
// (reason="certificate_refused" -> "cert_refused", verdict "denied" -> "deny", a duration bucket
// bound dropped from DURATION_BUCKETS so le="5" matches nothing) leaves every name valid and the
// rule quietly empty: it can never fire again, and promtool's unit tests, which write their own
// series, stay green. Likewise `{{ $labels.pod }}` in an alert that sums the pod away prints
// nothing. This reads the labels from /metrics of an app that has judged and refused reviews.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import type { ClusterSource } from '../../src/server/cluster-source.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { fixedCluster, reviewOf } from '../support/review.js';

const FILES = join(DEPLOY_DIR, 'helm', 'ais-guard', 'files');
/** What the ServiceMonitor's targets add (prometheus-operator promcfg.go), and Prometheus' own. */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'];
const AGGREGATION =
  /\b(sum|min|max|avg|count|group|stddev|stdvar|topk|bottomk|quantile)\s*(by|without)?\s*(\(([^()]*)\))?\s*\(/;

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

/** Each series name, with its label names and the values seen for each. */
type Exported = Map<string, Map<string, Set<string>>>;

async function exported(): Promise<Exported> {
  const base = fixedCluster();
  const cluster: ClusterSource = {
    ...base,
    status: () => ({
      mode: 'cluster',
      synced: true,
      kinds: { AIStore: { synced: true, connected: true, objects: 0, restarts: 0 } as never },
    }),
  };
  const { app } = testApp({ cluster });
  await request(app)
    .post('/validate')
    .send(reviewOf(aistore({ disable: true, hostPort: 1 })))
    .expect(200);
  await request(app)
    .post('/mutate')
    .send(reviewOf(aistore({})))
    .expect(200);
  await request(app).post('/validate').set('content-type', 'text/plain').send('x').expect(415);
  const text = (await request(app).get('/metrics').expect(200)).text;
  const out: Exported = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? /.exec(line);
    if (!m) continue;
    const labels = out.get(m[1]!) ?? new Map<string, Set<string>>();
    out.set(m[1]!, labels);
    for (const l of m[2]?.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g) ?? []) {
      if (!labels.has(l[1]!)) labels.set(l[1]!, new Set());
      labels.get(l[1]!)!.add(l[2]!);
    }
  }
  return out;
}

/** Each `name{matchers}` of an expression (Grafana's $variables left as they are). */
function selectors(
  expr: string,
): { metric: string; matchers: { label: string; op: string; value: string }[] }[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)].map((m) => ({
    metric: m[1]!,
    matchers: [...m[2]!.matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
      label: x[1]!,
      op: x[2]!,
      value: x[3]!,
    })),
  }));
}

/** The bare metric names of an expression: a name followed by `{`, `[`, or neither. */
function metricsOf(expr: string, names: Exported): string[] {
  return [...expr.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((n) => names.has(n) || n === 'up');
}

/** Labels the metrics carry once scraped: their own and the target's. */
function labelsOf(metrics: string[], names: Exported): Set<string> {
  const labels = new Set(TARGET_LABELS);
  for (const metric of metrics) for (const l of names.get(metric)?.keys() ?? []) labels.add(l);
  return labels;
}

/** Labels the result of an expression keeps: the outermost aggregation's `by`, or the series' own. */
function resultLabels(expr: string, names: Exported): Set<string> {
  const agg = AGGREGATION.exec(expr);
  if (!agg) return labelsOf(metricsOf(expr, names), names);
  if (agg[2] !== 'by') return new Set(); // sum(...) or without: nothing this test relies on
  const kept = agg[4]!.split(',').map((l) => l.trim());
  // histogram_quantile takes le away.
  return new Set(/histogram_quantile/.test(expr) ? kept.filter((l) => l !== 'le') : kept);
}

const expressions = [
  ...rules.map((r) => ({
    where: `rule ${r.alert}`,
    expr: r.expr,
    templates: Object.values(r.annotations).join(' '),
    placeholders: /\{\{\s*\$labels\.(\w+)\s*\}\}/g,
  })),
  ...dashboard.panels.flatMap((p) =>
    p.targets.map((t) => ({
      where: `panel "${p.title}"`,
      expr: t.expr,
      templates: t.legendFormat ?? '',
      placeholders: /\{\{\s*(\w+)\s*\}\}/g,
    })),
  ),
];

describe('review mon34: the labels the monitoring pack reads are the ones the guard writes', () => {
  it('every matcher names a label of its metric, and every = or != value is one the guard exports', async () => {
    const names = await exported();
    const wrong: string[] = [];
    for (const { where, expr } of expressions)
      for (const { metric, matchers } of selectors(expr)) {
        if (metric === 'up') continue; // Prometheus' own series of the target
        const labels = names.get(metric);
        if (!labels) continue; // an unknown name is pack.test.ts's finding
        for (const { label, op, value } of matchers) {
          if (TARGET_LABELS.includes(label)) continue;
          const values = labels.get(label);
          if (!values) wrong.push(`${where}: ${metric} has no label ${label}`);
          else if ((op === '=' || op === '!=') && !values.has(value))
            wrong.push(
              `${where}: ${metric}{${label}${op}"${value}"}: the guard writes ${[...values].join(', ')}`,
            );
        }
      }
    expect(wrong).toEqual([]);
  });

  it('every by (...) label is one of the series it groups', async () => {
    const names = await exported();
    const wrong: string[] = [];
    for (const { where, expr } of expressions) {
      const known = labelsOf(metricsOf(expr, names), names);
      for (const m of expr.matchAll(/\bby\s*\(([^)]*)\)/g))
        for (const label of m[1]!.split(',').map((l) => l.trim()))
          if (!known.has(label)) wrong.push(`${where}: by (${label})`);
    }
    expect(wrong).toEqual([]);
  });

  it("every {{ $labels.x }} of an alert and {{x}} of a legend is a label the query's result keeps", async () => {
    const names = await exported();
    const wrong: string[] = [];
    for (const { where, expr, templates, placeholders } of expressions) {
      const kept = resultLabels(expr, names);
      for (const m of templates.matchAll(placeholders))
        if (!kept.has(m[1]!)) wrong.push(`${where}: ${m[0]} (the result keeps ${[...kept].join(', ')})`);
    }
    expect(wrong).toEqual([]);
  });

  it('control: the checks see a renamed value, a label summed away and a missing bucket', async () => {
    const names = await exported();
    const bad = [
      'increase(ais_guard_tls_handshake_errors_total{reason="cert_refused"}[30m])',
      'ais_guard_review_duration_seconds_bucket{le="7"}',
      'ais_guard_findings_total{verdict="denied"}',
    ];
    for (const expr of bad) {
      const [{ metric, matchers }] = selectors(expr) as [ReturnType<typeof selectors>[number]];
      const { label, value } = matchers[0]!;
      const values = names.get(metric)?.get(label);
      expect({ expr, known: values?.has(value) ?? false }).toEqual({ expr, known: false });
    }
    expect(
      resultLabels('sum by (namespace, job) (rate(ais_guard_reviews_total[5m]))', names).has('pod'),
    ).toBe(false);
    expect(
      resultLabels('histogram_quantile(0.99, sum by (job, endpoint, le) (rate(x_bucket[5m])))', names).has(
        'le',
      ),
    ).toBe(false);
    expect(resultLabels('ais_guard_cluster_watch_connected == 0', names).has('kind')).toBe(true);
  });
});
