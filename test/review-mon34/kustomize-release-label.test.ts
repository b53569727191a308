// review mon34: README sends kustomize users to `kubectl apply -k deploy/overlays/monitoring` for the
// Prometheus Operator "and Grafana's dashboard sidecar (kube-prometheus-stack)". kube-prometheus-stack's
// Prometheus selects ServiceMonitors and PrometheusRules by its `release` label by default
// (serviceMonitorSelector, ruleSelector: matchLabels release: <its release>), and the pack carries
// none: applied as written, nothing is scraped and no rule is loaded, AisGuardDown included, so
// nothing says so either. The Helm bullet names the label (serviceMonitor.labels /
// prometheusRule.labels); the kustomize one gave no way to add it.
// EXPECTED: README gives a kustomization that adds the label to both, and it builds to a pack whose
// ServiceMonitor still selects only the guard's Service.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

interface Obj {
  kind: string;
  metadata: { labels?: Record<string, string> };
  spec?: { selector?: { matchLabels: Record<string, string> } };
}

describe("README: the kustomize pack with the label kube-prometheus-stack's Prometheus selects by", () => {
  it('a kustomization in README adds `release` to the ServiceMonitor and PrometheusRule, selectors untouched', () => {
    const block = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('deploy/overlays/monitoring') && /\brelease\b/.test(b));
    expect({ readmeBlock: block !== undefined }).toEqual({ readmeBlock: true });
    const pack = join(DEPLOY_DIR, 'overlays', 'monitoring');
    const own = mkdtempSync(join(tmpdir(), 'ais-guard-mon34-'));
    writeFileSync(
      join(own, 'kustomization.yaml'),
      block!.replace(/\S*deploy\/overlays\/monitoring/, relative(own, pack)),
    );
    const out = execFileSync('kubectl', ['kustomize', own], { encoding: 'utf8', stdio: 'pipe' });
    const objects = YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => d.toJS() as Obj);
    const shipped = YAML.parse(readFileSync(join(pack, 'servicemonitor.yaml'), 'utf8')) as Obj;
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      const o = objects.find((x) => x.kind === kind)!;
      expect({ kind, release: o.metadata.labels?.release }).toEqual({ kind, release: expect.any(String) });
    }
    const monitor = objects.find((x) => x.kind === 'ServiceMonitor')!;
    expect(monitor.spec!.selector).toEqual(shipped.spec!.selector);
  });
});
