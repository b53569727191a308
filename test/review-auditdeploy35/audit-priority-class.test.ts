// review auditdeploy35: the audit Job's priority.
// docs/helm.md recommends priorityClassName: system-cluster-critical for the guard, because the Fail
// webhooks refuse AIStore writes while no replica is scheduled. The chart's audit CronJob took the same
// class: an hourly batch Job that nothing waits on then ran at the priority of cluster-critical
// components, so on a full node the scheduler preempts ordinary pods for it (AIStore targets, pinned
// to their node by their local PVs, among them), and on GKE it also draws on the critical-pods quota
// the docs tell the engineer to create for the guard.
// EXPECTED: the audit Job has no priorityClassName unless audit.priorityClassName names one.
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import type { KObject } from '../../src/deploy/index.js';
import { template } from '../review-helm31/support.js';

const T = 120_000;

interface CronJob {
  spec: { jobTemplate: { spec: { template: { spec: { priorityClassName?: string } } } } };
}

function podSpecs(values: Record<string, string>) {
  const r = template({ 'audit.enabled': 'true', ...values });
  if (r.status !== 0) throw new Error(r.stderr);
  const objects = YAML.parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as KObject | null)
    .filter((o): o is KObject => o !== null);
  const cronJob = objects.find((o) => o.kind === 'CronJob') as (KObject & CronJob) | undefined;
  const deployment = objects.find((o) => o.kind === 'Deployment') as
    (KObject & { spec: { template: { spec: { priorityClassName?: string } } } }) | undefined;
  return { audit: cronJob!.spec.jobTemplate.spec.template.spec, guard: deployment!.spec.template.spec };
}

describe("review auditdeploy35: the audit Job does not take the guard's priority class", () => {
  it(
    "priorityClassName system-cluster-critical: the guard's pods only",
    () => {
      const { audit, guard } = podSpecs({ priorityClassName: 'system-cluster-critical' });
      expect(guard.priorityClassName).toBe('system-cluster-critical');
      expect(audit.priorityClassName).toBeUndefined();
    },
    T,
  );

  it(
    'audit.priorityClassName gives the audit Job its own',
    () => {
      const { audit } = podSpecs({ 'audit.priorityClassName': 'batch-low' });
      expect(audit.priorityClassName).toBe('batch-low');
    },
    T,
  );
});
