// review deploy35: where the chart puts the Grafana dashboard when grafanaDashboard.namespace is empty.
// values.yaml and docs/helm.md said "the release's namespace", but the template falls back to the
// install's namespace (namespace.name, ais-guard by default), as the ServiceMonitor, the
// PrometheusRule and deploy/overlays/monitoring do. With README's `helm install ais-guard
// deploy/helm/ais-guard` the release namespace is the context's (default), or `-n monitoring` for a
// team that expects the dashboard beside Grafana from those words: the ConfigMap is in ais-guard
// instead, where a sidecar that watches only Grafana's namespace never finds it.
// EXPECTED: both say what the chart does (the test renders it, with a release namespace that differs).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { CHART, helm } from '../review-helm31/support.js';

const T = 120_000;

/** The dashboard ConfigMap's namespace for helm template -n releaseNs with `sets`. */
function dashboardNamespace(releaseNs: string, sets: string[] = []): string {
  const r = helm([
    'template',
    'ais-guard',
    CHART,
    '-n',
    releaseNs,
    '--set',
    'grafanaDashboard.enabled=true',
    '--show-only',
    'templates/grafana-dashboard.yaml',
    ...sets,
  ]);
  if (r.status !== 0) throw new Error(r.stderr);
  return (YAML.parse(r.stdout) as { metadata: { namespace: string } }).metadata.namespace;
}

const docRow = readFileSync(join(DEPLOY_DIR, '..', 'docs', 'helm.md'), 'utf8')
  .split('\n')
  .find((l) => l.startsWith('| `grafanaDashboard.namespace`'))!;
/** The comment lines right above grafanaDashboard's `namespace: ''` in values.yaml. */
function valuesComment(): string {
  const lines = readFileSync(join(CHART, 'values.yaml'), 'utf8').split('\n');
  const at = lines.findIndex((l) => l === "  namespace: ''");
  let from = at;
  while (from > 0 && lines[from - 1]!.trim().startsWith('#')) from--;
  return lines.slice(from, at).join('\n');
}

describe("review deploy35: grafanaDashboard.namespace empty is the install's namespace", () => {
  it(
    'the chart puts the ConfigMap in namespace.name, not the release namespace',
    () => {
      expect(dashboardNamespace('monitoring')).toBe('ais-guard');
      expect(dashboardNamespace('monitoring', ['--set', 'namespace.name=guard-ops'])).toBe('guard-ops');
      // Only with namespace.name empty is the install's namespace the release's.
      expect(dashboardNamespace('monitoring', ['--set', 'namespace.name='])).toBe('monitoring');
    },
    T,
  );

  it('docs/helm.md and values.yaml say so, not "the release\'s namespace"', () => {
    expect(docRow).toBeDefined();
    expect(docRow).not.toMatch(/release/);
    expect(docRow).toMatch(/namespace\.name/);
    const comment = valuesComment();
    expect(comment).not.toBe('');
    expect(comment).not.toMatch(/release/);
    expect(comment).toMatch(/namespace\.name/);
  });
});
