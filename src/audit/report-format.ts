// Which report kinds `audit` writes: wgpolicyk8s.io PolicyReports, openreports.io Reports, or both.
// `auto` (the default) follows the cluster: OpenReports when it serves them (the format Kyverno and
// Kubewarden are moving to; a cluster serving both is mid-migration, and writing both would show every
// result twice in Policy Reporter, which reads both), else PolicyReports (what the guard wrote before,
// and what a cluster serving only wgpolicyk8s.io reads).
import { OPENREPORTS_API, openReports } from './openreports.js';
import { policyReports, REPORT_API, type ReportOptions, type ReportScopes } from './policy-report.js';
import type { AuditedObject } from './results.js';

export const REPORT_FORMATS = ['auto', 'policyreport', 'openreports', 'both'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type ReportKind = 'policyreport' | 'openreports';

export const REPORT_APIS: Record<ReportKind, string> = {
  policyreport: REPORT_API,
  openreports: OPENREPORTS_API,
};

/** What to install when a kind's API is not served. */
export const REPORT_CRDS: Record<ReportKind, string> = {
  policyreport:
    'the PolicyReport CRDs (policyreports and clusterpolicyreports.wgpolicyk8s.io, shipped by Kyverno and the wg-policy prototypes)',
  openreports:
    'the OpenReports CRDs (reports and clusterreports.openreports.io, from github.com/openreports/reports-api or Kyverno)',
};

export function reportKinds(format: ReportFormat, served: ReadonlySet<ReportKind>): ReportKind[] {
  if (format === 'both') return ['policyreport', 'openreports'];
  if (format !== 'auto') return [format];
  return served.has('openreports') ? ['openreports'] : ['policyreport'];
}

/** The plural resource names of each kind's namespaced and cluster-scoped report. */
export const REPORT_RESOURCES: Record<ReportKind, [string, string]> = {
  policyreport: ['policyreports', 'clusterpolicyreports'],
  openreports: ['reports', 'clusterreports'],
};

/**
 * The reports of each kind; `clear` names, per kind, the scopes an earlier run wrote a report to,
 * which get an empty one when this run finds nothing there.
 */
export function buildReports(
  audited: AuditedObject[],
  kinds: ReportKind[],
  options: Omit<ReportOptions, 'clear'> & { clear?: Partial<Record<ReportKind, ReportScopes>> },
): Record<string, unknown>[] {
  const build = { policyreport: policyReports, openreports: openReports };
  return kinds.flatMap((kind) => build[kind](audited, { now: options.now, clear: options.clear?.[kind] }));
}
