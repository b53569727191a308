// What the server needs from a cluster context provider, and the provider for "no cluster". Kept
// apart from the informer implementation so a server without a cluster never loads client-node.
import { EMPTY_CONTEXT, type ClusterContext } from '../policy/index.js';

export interface KindStatus {
  synced: boolean;
  connected: boolean;
  objects: number;
  lastError?: string;
  /** List/watch (re)starts after the first: reconnects, relists after 410 Gone, retries. */
  restarts: number;
}

export interface ClusterSource {
  /** Current context; rebuilt lazily (at most once per change burst), cheap when nothing changed. */
  context(): ClusterContext;
  /** True once every informer listed at least once. Stays true across a lost watch (the cache is kept and refreshed on reconnect). */
  synced(): boolean;
  status(): { mode: 'cluster' | 'none'; synced: boolean; kinds: Record<string, KindStatus> };
  /** Starts informers; resolves when all are synced or rejects after `syncTimeoutMs`; never throws synchronously. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * The apiserver sent an object of this resource for review, so its CRD is served: a kind the
   * cache thinks is not served is listed now, not at its next periodic look.
   */
  served(resource: string): void;
}

/** Judged from the request alone: an empty context that is always "synced". */
export function noCluster(): ClusterSource {
  return {
    context: () => EMPTY_CONTEXT,
    synced: () => true,
    status: () => ({ mode: 'none', synced: true, kinds: {} }),
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    served: () => undefined,
  };
}
