// One-shot reads of the cluster for `audit` and `plan --from-cluster/--diff-cluster`: plain JSON
// through the kubeconfig (src/k8s/kubeconfig.ts's getJson), lists fetched in pages so a cluster
// with thousands of pods or volumes is never one giant answer.
import type { KubeConfig } from '@kubernetes/client-node';
import { getJson, KubeRequestError } from '../k8s/kubeconfig.js';
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
}

/** Every item of a list, page by page; a 404 (a CRD not installed) is undefined, not an error. */
export async function listAll(
  kc: KubeConfig,
  path: string,
  options: ListOptions,
): Promise<KubeObject[] | undefined> {
  const items: KubeObject[] = [];
  let next: string | undefined;
  do {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (next) query.set('continue', next);
    let page: { metadata?: { continue?: string }; items?: KubeObject[] | null };
    try {
      page = (await getJson(kc, `${path}?${query}`)) as typeof page;
    } catch (err) {
      if (err instanceof KubeRequestError && err.statusCode === 404) return undefined;
      throw err;
    }
    for (const item of page.items ?? []) {
      item.apiVersion ??= options.apiVersion;
      item.kind ??= options.kind;
      if (item.metadata) delete (item.metadata as { managedFields?: unknown }).managedFields;
      items.push(options.shape ? options.shape(item) : item);
    }
    next = page.metadata?.continue || undefined;
  } while (next);
  return items;
}

export const AISTORES = '/apis/ais.nvidia.com/v1beta1/aistores';
export const AISTORE_VERSION = 'ais.nvidia.com/v1beta1';

/** One AIStore CR, or a clear reason why not. */
export async function getAIStore(kc: KubeConfig, namespace: string, name: string): Promise<KubeObject> {
  const path = `/apis/ais.nvidia.com/v1beta1/namespaces/${encodeURIComponent(namespace)}/aistores/${encodeURIComponent(name)}`;
  try {
    const cr = (await getJson(kc, path)) as KubeObject;
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
