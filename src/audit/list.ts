// One-shot reads of the cluster for `audit` and `plan --from-cluster/--diff-cluster`: plain JSON
// through the kubeconfig (src/k8s/kubeconfig.ts's getJson), lists fetched in pages so a cluster
// with thousands of pods or volumes is never one giant answer (but for the one fallback pager.ts says).
import type { KubeConfig } from '@kubernetes/client-node';
import { getJsonPatiently, KubeRequestError } from '../k8s/kubeconfig.js';
import { listPaged } from '../k8s/pager.js';
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
 * Every item of a list, page by page (src/k8s/pager.ts: 429s asked again, an expired continue token
 * answered by one whole list); a 404 of an optional list (a CRD not installed) is undefined.
 */
export async function listAll(
  kc: KubeConfig,
  path: string,
  options: ListOptions,
): Promise<KubeObject[] | undefined> {
  try {
    const { items } = await listPaged(kc, path, {
      limit: PAGE,
      labelSelector: options.labelSelector,
      shape: (raw) => {
        const item = raw as KubeObject;
        item.apiVersion ??= options.apiVersion;
        item.kind ??= options.kind;
        if (item.metadata) delete (item.metadata as { managedFields?: unknown }).managedFields;
        return options.shape ? options.shape(item) : item;
      },
    });
    return items;
  } catch (err) {
    if (err instanceof KubeRequestError && err.statusCode === 404 && options.optional) return undefined;
    throw err;
  }
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
