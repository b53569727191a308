// One-shot reads of the cluster for `audit` and `plan --from-cluster/--diff-cluster`: plain JSON
// through the kubeconfig (src/k8s/kubeconfig.ts's getJson), lists fetched in pages so a cluster
// with thousands of pods or volumes is never one giant answer (but for the one fallback listAll says).
import type { KubeConfig } from '@kubernetes/client-node';
import { getJsonPatiently, KubeRequestError } from '../k8s/kubeconfig.js';
import type { KubeObject } from '../policy/index.js';

const PAGE = 500;

export interface ListOptions {
  labelSelector?: string;
  /** Items of built-in lists come without apiVersion and kind: fill them in, the policy sorts by kind. */
  apiVersion: string;
  kind: string;
  /**
   * Maps each item as its page arrives, so only what is kept stays in memory (a 100,000-PV list
   * then holds the reduced PVs and one page, not 100,000 whole ones).
   */
  shape?: (item: KubeObject) => KubeObject;
  /**
   * A CRD that may not be installed: a 404 is undefined, not an error. A built-in list answered 404
   * (a proxy, an aggregated API out of order) is an error: read as empty, it judged nothing silently.
   */
  optional?: true;
}

/**
 * Every item of a list, page by page; a 404 of an optional list (a CRD not installed) is undefined. As
 * client-go's pager (k8s.io/client-go/tools/pager ListPager.list, FullListIfExpired): a 429 is asked
 * again (getJsonPatiently), and a continue token that expired mid-list (410: older than etcd's
 * compaction, on a large, slow list) falls back to ONE list without limit or continue. Restarting the
 * paged list would expire again on a list that outlives the compaction interval every time; the full
 * list is read at one resourceVersion and cannot. It is the one answer held whole (100,000 PVs: a few
 * hundred MB of JSON, as client-go holds it): memory stays bounded by pages only while no token
 * expires.
 */
export async function listAll(
  kc: KubeConfig,
  path: string,
  options: ListOptions,
): Promise<KubeObject[] | undefined> {
  try {
    return await listOnce(kc, path, options, true);
  } catch (err) {
    if (!(err instanceof ExpiredContinue)) throw err;
    return listOnce(kc, path, options, false);
  }
}

class ExpiredContinue extends Error {}

/** The list, in pages of PAGE items when `paged`, else in one answer taken whole (as client-go does). */
async function listOnce(
  kc: KubeConfig,
  path: string,
  options: ListOptions,
  paged: boolean,
): Promise<KubeObject[] | undefined> {
  const items: KubeObject[] = [];
  let next: string | undefined;
  do {
    const query = new URLSearchParams(paged ? { limit: String(PAGE) } : {});
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (next) query.set('continue', next);
    let page: { metadata?: { continue?: string }; items?: KubeObject[] | null };
    try {
      const asked = String(query);
      page = (await getJsonPatiently(kc, asked ? `${path}?${asked}` : path)) as typeof page;
    } catch (err) {
      if (err instanceof KubeRequestError && err.statusCode === 404 && options.optional) return undefined;
      if (err instanceof KubeRequestError && err.statusCode === 410 && next)
        throw new ExpiredContinue(err.message, { cause: err });
      throw err;
    }
    for (const item of page.items ?? []) {
      item.apiVersion ??= options.apiVersion;
      item.kind ??= options.kind;
      if (item.metadata) delete (item.metadata as { managedFields?: unknown }).managedFields;
      items.push(options.shape ? options.shape(item) : item);
    }
    const previous = next;
    next = (paged && page.metadata?.continue) || undefined;
    // A proxy or aggregated API that echoes the token would page forever.
    if (next !== undefined && next === previous)
      throw new Error(`GET ${path}: the apiserver answered the same continue token twice`);
  } while (next);
  return items;
}

export const AISTORES = '/apis/ais.nvidia.com/v1beta1/aistores';
export const AISTORE_VERSION = 'ais.nvidia.com/v1beta1';

/** One AIStore CR, or a clear reason why not. */
export async function getAIStore(kc: KubeConfig, namespace: string, name: string): Promise<KubeObject> {
  const path = `/apis/ais.nvidia.com/v1beta1/namespaces/${encodeURIComponent(namespace)}/aistores/${encodeURIComponent(name)}`;
  try {
    const cr = (await getJsonPatiently(kc, path)) as KubeObject;
    if (cr.metadata) delete (cr.metadata as { managedFields?: unknown }).managedFields;
    return cr;
  } catch (err) {
    if (err instanceof KubeRequestError && err.statusCode === 404)
      throw new Error(
        `no AIStore ${namespace}/${name} in the cluster (or the AIStore CRD is not installed)`,
        {
          cause: err,
        },
      );
    throw err;
  }
}
