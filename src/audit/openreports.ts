// openreports.io/v1alpha1 Reports, the successor of the wgpolicyk8s.io PolicyReport that Kyverno and
// Kubewarden are moving to (github.com/openreports/reports-api, apis/openreports.io/v1alpha1:
// Report, ClusterReport, ReportResult). Same layout as the PolicyReports: one Report per namespace,
// one ClusterReport for the PVs, named ais-guard. The result entries are the PolicyReport ones: the
// OpenReports ReportResult keeps their field names (policy, rule, result pass|fail|warn|error|skip,
// severity, resources, properties as strings). What is new is the report-level `source`, set here
// because one engine produced every result; no `scope`, as a report covers a namespace, not one object.
import {
  byScope,
  LABELS,
  REPORT_NAME,
  resultEntries,
  SOURCE,
  summary,
  type ReportOptions,
} from './policy-report.js';
import type { AuditedObject } from './results.js';

export const OPENREPORTS_API = 'openreports.io/v1alpha1';

export function openReports(audited: AuditedObject[], { now }: ReportOptions) {
  const { namespaces, cluster } = byScope(audited);
  const reports: Record<string, unknown>[] = namespaces.map(({ namespace, audited }) => {
    const results = resultEntries(audited, now);
    return {
      apiVersion: OPENREPORTS_API,
      kind: 'Report',
      metadata: { name: REPORT_NAME, namespace, labels: LABELS },
      source: SOURCE,
      summary: summary(results),
      results,
    };
  });
  if (cluster.length > 0) {
    const results = resultEntries(cluster, now);
    reports.push({
      apiVersion: OPENREPORTS_API,
      kind: 'ClusterReport',
      metadata: { name: REPORT_NAME, labels: LABELS },
      source: SOURCE,
      summary: summary(results),
      results,
    });
  }
  return reports;
}
