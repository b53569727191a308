// A list read in pages (limit/continue), as client-go's pager reads one (k8s.io/client-go/tools/pager
// ListPager.list, FullListIfExpired), for every list the guard makes: serve's informers and audit's
// one-shot reads. A page answered 429 is asked again (getJsonPatiently), not the whole list: of a
// 100,000-PV list's 200 pages, one throttled page in a hundred left a list that restarted from page
// one almost never finishing (outside attack atk54: serve stayed unready). A continue token that
// expired mid-list (410: older than etcd's compaction, on a large, slow list) falls back to ONE list
// without limit or continue: restarting the paged list would expire again on a list that outlives
// the compaction interval every time, and the full list is read at one resourceVersion and cannot.
// It is the one answer held whole (100,000 PVs: a few hundred MB of JSON, as client-go holds it).
import type { KubeConfig } from '@kubernetes/client-node';
import { getJsonPatiently, KubeRequestError } from './kubeconfig.js';

export interface PagedListOptions<T> {
  /** Items per page. */
  limit: number;
  labelSelector?: string;
  signal?: AbortSignal;
  /**
   * Maps each item as its page arrives, so only what is kept stays in memory (a 100,000-PV list
   * then holds the reduced PVs and one page, not 100,000 whole ones).
   */
  shape: (item: Record<string, unknown>) => T;
}

export interface PagedList<T> {
  items: T[];
  /** The list's resourceVersion, from which a watch goes on. */
  resourceVersion?: string;
}

class ExpiredContinue extends Error {}

/** Every item of the list at `path`; errors as getJson throws them (KubeRequestError). */
export async function listPaged<T>(
  kc: KubeConfig,
  path: string,
  options: PagedListOptions<T>,
): Promise<PagedList<T>> {
  try {
    return await listOnce(kc, path, options, true);
  } catch (err) {
    if (!(err instanceof ExpiredContinue)) throw err;
    return listOnce(kc, path, options, false);
  }
}

/** The list, in pages when `paged`, else in one answer taken whole. */
async function listOnce<T>(
  kc: KubeConfig,
  path: string,
  { limit, labelSelector, signal, shape }: PagedListOptions<T>,
  paged: boolean,
): Promise<PagedList<T>> {
  const items: T[] = [];
  let next: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const query = new URLSearchParams(paged ? { limit: String(limit) } : {});
    if (labelSelector) query.set('labelSelector', labelSelector);
    if (next) query.set('continue', next);
    type Page = { metadata?: { continue?: string; resourceVersion?: string }; items?: unknown[] | null };
    let page: Page;
    try {
      const asked = String(query);
      page = (await getJsonPatiently(kc, asked ? `${path}?${asked}` : path, { signal })) as Page;
    } catch (err) {
      if (err instanceof KubeRequestError && err.statusCode === 410 && next)
        throw new ExpiredContinue(err.message, { cause: err });
      throw err;
    }
    for (const item of page.items ?? [])
      if (typeof item === 'object' && item !== null) items.push(shape(item as Record<string, unknown>));
    resourceVersion = page.metadata?.resourceVersion;
    const previous = next;
    next = (paged && page.metadata?.continue) || undefined;
    // A proxy or aggregated API that echoes the token would page forever.
    if (next !== undefined && next === previous)
      throw new Error(`GET ${path}: the apiserver answered the same continue token twice`);
  } while (next);
  return { items, resourceVersion };
}
