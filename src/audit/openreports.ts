// openreports.io/v1alpha1 Reports, the successor of the wgpolicyk8s.io PolicyReport that Kyverno and
// Kubewarden are moving to (github.com/openreports/reports-api, apis/openreports.io/v1alpha1:
// Report, ClusterReport, ReportResult). Same layout as the PolicyReports: one Report per namespace,
// one ClusterReport for the PVs, named ais-guard. The result entries are the PolicyReport ones: the
// OpenReports ReportResult keeps their field names (policy, rule, result pass|fail|warn|error|skip,
// severity, resources, properties as strings). What is new is the report-level `source`, set here
// because one engine produced every result; no `scope`, as a report covers a namespace, not one object.
import { reportsIn, SOURCE, type ReportOptions } from './policy-report.js';
import type { AuditedObject } from './results.js';

export const OPENREPORTS_API = 'openreports.io/v1alpha1';

export const openReports = (audited: AuditedObject[], options: ReportOptions) =>
  reportsIn(
    { apiVersion: OPENREPORTS_API, kind: 'Report', clusterKind: 'ClusterReport', extra: { source: SOURCE } },
    audited,
    options,
  );
