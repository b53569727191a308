// wgpolicyk8s.io/v1alpha2 PolicyReports, the format Kyverno and Kubewarden have written and their UIs,
// Policy Reporter and kubectl plugins read: one PolicyReport per namespace, one ClusterPolicyReport
// for the cluster-scoped PersistentVolumes. Results name the policy "ais-guard" and the rule id.
// The result entries and the grouping are shared with the OpenReports form (openreports.ts), whose
// results have the same fields.
import { RULE_DOC_BASE } from '../policy/index.js';
import type { AuditedObject, Result, RuleResult } from './results.js';

export const REPORT_API = 'wgpolicyk8s.io/v1alpha2';
export const REPORT_NAME = 'ais-guard';
export const SOURCE = 'ais-guard';
const CATEGORY = 'AIStore multi-target layout';
/** The report specs' results: ours, and `error` (the policy could not be evaluated) for an unjudged fail. */
export type ReportResult = Result | 'error';
const reportResult = (r: RuleResult): ReportResult => (r.unjudged ? 'error' : r.result);
const SEVERITY: Record<ReportResult, string | undefined> = {
  fail: 'high',
  warn: 'medium',
  pass: undefined,
  error: undefined,
};

export interface ReportOptions {
  /** When the audit ran (seconds since the epoch). */
  now: number;
  /** Reports written even with no results: where an earlier run's report must be cleared. */
  clear?: ReportScopes;
}

/** Where reports are: namespaces (one report each) and the cluster (one for the PVs). */
export interface ReportScopes {
  namespaces: string[];
  cluster: boolean;
}

export function resultEntries(audited: AuditedObject[], now: number) {
  return audited.flatMap(({ object, results }) =>
    results.map((r) => {
      const result = reportResult(r);
      return {
        source: SOURCE,
        policy: SOURCE,
        rule: r.rule,
        category: CATEGORY,
        ...(SEVERITY[result] && { severity: SEVERITY[result] }),
        result,
        // Both specs: "warn: the requirements are not met and the policy is not scored" (Kyverno
        // writes warn only for policies annotated scored "false"); fail, error and pass count.
        scored: result !== 'warn',
        message: r.message,
        timestamp: { seconds: now, nanos: 0 },
        resources: [
          {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: object.metadata?.name,
            ...(object.metadata?.namespace && { namespace: object.metadata.namespace }),
            ...(typeof (object.metadata as { uid?: unknown })?.uid === 'string' && {
              uid: (object.metadata as { uid: string }).uid,
            }),
          },
        ],
        ...(r.fix && { properties: { fix: r.fix, path: r.path ?? '', doc: `${RULE_DOC_BASE}#${r.rule}` } }),
      };
    }),
  );
}

export function summary(entries: { result: ReportResult }[]) {
  const count = (r: ReportResult) => entries.filter((e) => e.result === r).length;
  return { pass: count('pass'), fail: count('fail'), warn: count('warn'), error: count('error'), skip: 0 };
}

export const LABELS = { 'app.kubernetes.io/managed-by': 'ais-guard' };

/**
 * The most JSON a report's results may take: etcd refuses an object over its --max-request-bytes
 * (1.5 MiB by default, "request is too large"), and one AIStore of 200 targets x 8 mounts gives
 * ~2 MB of results. A MiB leaves room for the rest of the object and its managedFields.
 */
export const MAX_RESULT_BYTES = 1024 * 1024;
export const OMITTED = 'ais-guard.io/omitted-results';
const RANK: Record<ReportResult, number> = { fail: 0, error: 0, warn: 1, pass: 2 };

/** The results, or as many as fit MAX_RESULT_BYTES: fails and errors first, then warnings, then passes; in their order. */
function withinBudget<T extends { result: ReportResult }>(results: T[]): T[] {
  const sizes = results.map((r) => JSON.stringify(r).length + 1);
  if (sizes.reduce((a, b) => a + b, 0) <= MAX_RESULT_BYTES) return results;
  const byRank = results
    .map((_, i) => i)
    .sort((a, b) => RANK[results[a]!.result] - RANK[results[b]!.result] || a - b);
  const kept = new Set<number>();
  let total = 0;
  for (const i of byRank) {
    if (total + sizes[i]! > MAX_RESULT_BYTES) break;
    total += sizes[i]!;
    kept.add(i);
  }
  return results.filter((_, i) => kept.has(i));
}

/** The judged objects by namespace (sorted), and the cluster-scoped ones (PVs) apart. */
export function byScope(audited: AuditedObject[]) {
  const judged = audited.filter((a) => a.results.length > 0);
  const byNamespace = new Map<string, AuditedObject[]>();
  const cluster: AuditedObject[] = [];
  for (const a of judged) {
    const ns = a.object.metadata?.namespace;
    // Pushed, not spread into a new array: a copy per object was quadratic in a namespace's objects
    // (atk54: 20,000 target claims 18 s, 30,000 51 s).
    if (ns) (byNamespace.get(ns) ?? byNamespace.set(ns, []).get(ns)!).push(a);
    else cluster.push(a);
  }
  const namespaces = [...byNamespace.keys()].sort().map((namespace) => ({
    namespace,
    audited: byNamespace.get(namespace) as AuditedObject[],
  }));
  return { namespaces, cluster };
}

/** What sets one report format apart: its API, its kinds, any report-level fields. */
export interface ReportFormat {
  apiVersion: string;
  kind: string;
  clusterKind: string;
  extra?: Record<string, unknown>;
}

/** One report per namespace with findings, and one cluster-wide report for the PVs, in `format`. */
export function reportsIn(format: ReportFormat, audited: AuditedObject[], { now, clear }: ReportOptions) {
  const { namespaces, cluster } = byScope(audited);
  for (const namespace of clear?.namespaces ?? [])
    if (!namespaces.some((n) => n.namespace === namespace)) namespaces.push({ namespace, audited: [] });
  namespaces.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
  const report = (kind: string, metadata: Record<string, unknown>, of: AuditedObject[]) => {
    const all = resultEntries(of, now);
    const results = withinBudget(all);
    const omitted = all.length - results.length;
    return {
      apiVersion: format.apiVersion,
      kind,
      metadata: {
        name: REPORT_NAME,
        ...metadata,
        labels: LABELS,
        ...(omitted > 0 && {
          annotations: {
            [OMITTED]: `${omitted} of ${all.length} results (passes first) left out to stay under etcd's object size limit; the summary counts them all, and ais-guard audit -o json lists them`,
          },
        }),
      },
      ...format.extra,
      summary: summary(all),
      results,
    };
  };
  const reports: Record<string, unknown>[] = namespaces.map(({ namespace, audited }) =>
    report(format.kind, { namespace }, audited),
  );
  if (cluster.length > 0 || clear?.cluster) reports.push(report(format.clusterKind, {}, cluster));
  return reports;
}

export const policyReports = (audited: AuditedObject[], options: ReportOptions) =>
  reportsIn(
    { apiVersion: REPORT_API, kind: 'PolicyReport', clusterKind: 'ClusterPolicyReport' },
    audited,
    options,
  );
