// `audit --apply`: writes the reports with server-side apply (field manager "ais-guard"), so a rerun
// replaces the previous results and nothing else; an earlier report where nothing is found now is
// applied empty (reportScopes says where they are). The report CRDs (PolicyReport, OpenReports) come
// with Kyverno, the wg-policy prototypes or reports-api, not with the guard: which ones the cluster
// serves is asked first, and a missing one is said before anything is written (no half-done batch).
// A report the apiserver refuses then (a namespace being deleted, a quota, a tenant's admission
// policy) is that report's failure only: the others are still written, as `kubectl apply -f` does.
import { PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { failureOf, gaveUp, objectApiWithin, within, type Deadline } from '../k8s/deadline.js';
import { getJsonPatiently, KubeRequestError, patiently } from '../k8s/kubeconfig.js';
import { LABELS, REPORT_NAME, type ReportScopes } from './policy-report.js';
import {
  REPORT_APIS,
  REPORT_CRDS,
  REPORT_RESOURCES,
  type ReportFormat,
  type ReportKind,
} from './report-format.js';

/** Whether the cluster serves this API group-version; asked again on 429, as the lists are. */
async function served(kc: KubeConfig, api: string): Promise<boolean> {
  try {
    await getJsonPatiently(kc, `/apis/${api}`);
    return true;
  } catch (err) {
    if (err instanceof KubeRequestError && err.statusCode === 404) return false;
    throw err;
  }
}

/**
 * Of the report kinds `format` may write, those whose API group-version the cluster serves
 * (discovery). Only those are asked: an API the format does not need cannot fail the run.
 */
export async function servedKinds(kc: KubeConfig, format: ReportFormat): Promise<Set<ReportKind>> {
  const kinds =
    format === 'auto' || format === 'both' ? (Object.keys(REPORT_APIS) as ReportKind[]) : [format];
  const found = await Promise.all(kinds.map((k) => served(kc, REPORT_APIS[k])));
  return new Set(kinds.filter((_, i) => found[i]));
}

/** Why the chosen kinds cannot be written, or undefined when every one is served. */
export function missingCrds(
  format: ReportFormat,
  kinds: ReportKind[],
  servedKinds: ReadonlySet<ReportKind>,
): string | undefined {
  if (format === 'auto' && servedKinds.size === 0)
    return `neither ${REPORT_APIS.openreports} nor ${REPORT_APIS.policyreport} is served: install ${REPORT_CRDS.openreports} or ${REPORT_CRDS.policyreport}, or use -o report and keep the YAML`;
  const missing = kinds.filter((k) => !servedKinds.has(k));
  if (missing.length === 0) return undefined;
  return missing
    .map((k) => `${REPORT_APIS[k]} is not served: install ${REPORT_CRDS[k]}`)
    .join('; ')
    .concat(', or use -o report and keep the YAML');
}

/** A report as the run names it: "PolicyReport ns/ais-guard", "ClusterReport ais-guard". */
const nameOf = (report: KubernetesObject) =>
  `${report.kind} ${report.metadata?.namespace ? `${report.metadata.namespace}/` : ''}${report.metadata?.name}`;

/** One report's outcome: `error` is why the apiserver refused it, absent when it was applied. */
export interface Applied {
  name: string;
  error?: unknown;
}

/**
 * How long one request of the apply may go unanswered: the apiserver's own --request-timeout
 * (60 s by default), which bounds its admission webhooks too, so a slow but working apiserver is
 * never given up on before it would answer itself.
 */
const APPLY_TIMEOUT_MS = 60_000;

/**
 * Applies each report on its own, in turn, each asked again on 429 (patiently: server-side apply of
 * the same object may be sent twice). One refused does not stop the rest: the reports are in
 * namespace order, and one tenant's namespace being deleted would otherwise leave every later
 * namespace's report, and the cluster one, stale for good. Nor does one left unanswered.
 */
export async function applyReports(
  kc: KubeConfig,
  reports: Record<string, unknown>[],
  when: Deadline = within(APPLY_TIMEOUT_MS),
): Promise<Applied[]> {
  const client = objectApiWithin(kc, when);
  const outcomes: Applied[] = [];
  for (const report of reports as unknown as KubernetesObject[]) {
    try {
      await patiently(() =>
        client.patch(report, undefined, undefined, 'ais-guard', true, PatchStrategy.ServerSideApply),
      );
      outcomes.push({ name: nameOf(report) });
    } catch (error) {
      outcomes.push({
        name: nameOf(report),
        error: gaveUp(error) ? new Error(failureOf(error, when.ms)) : error,
      });
    }
  }
  return outcomes;
}

const MANAGED = encodeURIComponent(`app.kubernetes.io/managed-by=${LABELS['app.kubernetes.io/managed-by']}`);

/** The names of the items of a list, with their namespaces ('' for cluster-scoped ones). */
async function listed(kc: KubeConfig, path: string): Promise<{ name?: string; namespace?: string }[]> {
  const list = (await getJsonPatiently(kc, `${path}?labelSelector=${MANAGED}`)) as {
    items?: { metadata?: { name?: string; namespace?: string } }[];
  };
  return (list.items ?? []).map((i) => i.metadata ?? {});
}

/**
 * Where earlier runs wrote this kind's reports: a rerun must clear those it finds nothing for,
 * or a namespace whose AIStore objects are gone keeps its last FAIL results for good.
 */
export async function reportScopes(kc: KubeConfig, kind: ReportKind): Promise<ReportScopes> {
  const [namespaced, clustered] = REPORT_RESOURCES[kind].map((r) => `/apis/${REPORT_APIS[kind]}/${r}`);
  const [inNamespaces, inCluster] = await Promise.all([
    listed(kc, namespaced as string),
    listed(kc, clustered as string),
  ]);
  const ours = (m: { name?: string }) => m.name === REPORT_NAME;
  return {
    namespaces: [...new Set(inNamespaces.filter(ours).map((m) => m.namespace ?? ''))].filter(Boolean).sort(),
    cluster: inCluster.some(ours),
  };
}
