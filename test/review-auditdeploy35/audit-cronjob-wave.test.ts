// review auditdeploy35: the audit CronJob's Argo CD sync wave.
// `render --overlay argocd --with-audit` and the chart's argocd.syncWaves with audit.enabled put the
// audit CronJob in the wave of the guard's objects (-2), before the guard's Deployment (-1) and the
// AIStore objects (0). Argo CD holds each later wave until every object of the earlier ones is
// Healthy, and fails the sync on a Degraded one (gitops-engine sync_context.go); its CronJob health
// (resource_customizations/batch/CronJob/health.lua) is Degraded once the last Job failed after an
// earlier success. The audit Job fails (exit 1) whenever some object breaks a rule: from then on every
// sync of the Application stopped at wave -2, so neither a guard upgrade nor the AIStore change that
// would clear the finding was ever applied (the audit then kept failing).
// EXPECTED: the audit objects in the AIStore objects' wave (0) by default, after the guard and never
// ahead of what it judges; only the last wave's health is not waited on. The chart lets it be set.
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { renderManifests, type KObject } from '../../src/deploy/index.js';
import { template } from '../review-helm31/support.js';

const T = 120_000;
const WAVE = 'argocd.argoproj.io/sync-wave';
const wave = (o: KObject) => o.metadata?.annotations?.[WAVE];
const isAudit = (o: KObject) =>
  (o.metadata?.labels as Record<string, string> | undefined)?.['app.kubernetes.io/component'] === 'audit';

describe('review auditdeploy35: the audit CronJob never holds a later Argo CD wave', () => {
  it('render --overlay argocd --with-audit: the audit objects in wave 0, after the Deployment', async () => {
    const objects = await renderManifests({ overlay: 'argocd', withAudit: true });
    const audit = objects.filter(isAudit);
    expect(audit.map((o) => o.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'CronJob', 'ServiceAccount'].sort(),
    );
    for (const o of audit) expect(wave(o)).toBe('0');
    expect(wave(objects.find((o) => o.kind === 'Deployment')!)).toBe('-1');
  });

  it(
    'the chart: audit objects in argocd.syncWaves.audit (default 0), the rest as before',
    () => {
      const objectsOf = (values: Record<string, string>) => {
        const r = template({ 'audit.enabled': 'true', 'argocd.syncWaves.enabled': 'true', ...values });
        if (r.status !== 0) throw new Error(r.stderr);
        return YAML.parseAllDocuments(r.stdout)
          .map((d) => d.toJS() as KObject | null)
          .filter((o): o is KObject => o !== null);
      };
      const byDefault = objectsOf({});
      for (const o of byDefault)
        expect(`${o.kind} ${wave(o)}`).toBe(
          `${o.kind} ${isAudit(o) ? '0' : o.kind === 'Deployment' ? '-1' : '-2'}`,
        );
      for (const o of objectsOf({ 'argocd.syncWaves.audit': '5' }).filter(isAudit))
        expect(`${o.kind} ${wave(o)}`).toBe(`${o.kind} 5`);
    },
    T,
  );
});
