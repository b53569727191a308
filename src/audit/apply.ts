// `audit --apply`: writes the reports with server-side apply (field manager "ais-guard"), so a rerun
// replaces the previous results and nothing else. The PolicyReport CRDs come with Kyverno or the
// wg-policy prototypes, not with the guard: without them, say so instead of failing half-way.
import {
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { getJson, KubeRequestError } from '../k8s/kubeconfig.js';
import { REPORT_API } from './policy-report.js';

export type ApplyOutcome = { applied: string[] } | { missingCrd: string };

async function served(kc: KubeConfig): Promise<boolean> {
  try {
    await getJson(kc, `/apis/${REPORT_API}`);
    return true;
  } catch (err) {
    if (err instanceof KubeRequestError && err.statusCode === 404) return false;
    throw err;
  }
}

export async function applyReports(
  kc: KubeConfig,
  reports: Record<string, unknown>[],
): Promise<ApplyOutcome> {
  if (!(await served(kc)))
    return {
      missingCrd: `${REPORT_API} is not served: install the PolicyReport CRDs (policyreports and clusterpolicyreports.wgpolicyk8s.io, shipped by Kyverno and the wg-policy prototypes), or use -o policyreport and keep the YAML`,
    };
  const client = KubernetesObjectApi.makeApiClient(kc);
  const applied: string[] = [];
  for (const report of reports as unknown as KubernetesObject[]) {
    await client.patch(report, undefined, undefined, 'ais-guard', true, PatchStrategy.ServerSideApply);
    applied.push(
      `${report.kind} ${report.metadata?.namespace ? `${report.metadata.namespace}/` : ''}${report.metadata?.name}`,
    );
  }
  return { applied };
}
