// review mon34: the chart's AisGuardDown reads up{} of the targets its own ServiceMonitor makes, under
// any release name and namespace. The rule file says up{job="ais-guard",namespace="ais-guard"} and
// the chart rewrites it by exact text (templates/prometheusrule.yaml): reformatting that selector in
// the file would leave an install named otherwise with an alert on a job that never exists, firing
// for good (absent()) while its real targets go unwatched. Rendered with the helm of
// test/helm/build.sh.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { builtTool as tool } from '../support/promtool.js';

const CHART = join(DEPLOY_DIR, 'helm', 'ais-guard');

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

function render(release: string, namespace: string, sets: string[]): K8sObject[] {
  const out = execFileSync(
    tool('HELM', 'test/helm/build.sh'),
    [
      'template',
      release,
      CHART,
      '--namespace',
      namespace,
      '--set',
      'serviceMonitor.enabled=true',
      '--set',
      'prometheusRule.enabled=true',
      ...sets.flatMap((s) => ['--set', s]),
    ],
    { encoding: 'utf8' },
  );
  return YAML.parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

describe('review mon34: the chart AisGuardDown watches its own ServiceMonitor targets', () => {
  it.each([
    ['ais-guard', 'ais-guard', []],
    ['guard-b', 'guard-ops', ['fullnameOverride=guard-b', 'namespace.name=guard-ops']],
    ['ais-guard', 'storage-admission', ['namespace.name=']],
  ])(
    'release %s in namespace %s',
    (release, namespace, sets) => {
      const objects = render(release, namespace, sets);
      const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
      const selector = (monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      const services = objects.filter(
        (o) =>
          o.kind === 'Service' &&
          o.metadata.namespace === monitor.metadata.namespace &&
          Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v),
      );
      expect(services.map((o) => o.metadata.namespace)).toEqual([namespace]);
      const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
      const down = (rule.spec.groups as { rules: { alert?: string; expr: string }[] }[])
        .flatMap((g) => g.rules)
        .find((r) => r.alert === 'AisGuardDown')!;
      const selectors = [...down.expr.matchAll(/\bup\{([^}]*)\}/g)].map((m) => m[1]);
      expect(selectors).toEqual([
        `job="${services[0]!.metadata.name}",namespace="${namespace}"`,
        `job="${services[0]!.metadata.name}",namespace="${namespace}"`,
      ]);
    },
    120_000,
  );
});
