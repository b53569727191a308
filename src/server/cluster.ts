// The webhook's view of the cluster: AIStore CRs, PVs, Nodes and StatefulSets, listed and then
// watched by client-node informers and kept in memory, so that a review never waits on the apiserver.
// Each event updates one live ClusterContext in place (a few index operations): nothing is rebuilt,
// least of all on a review's path. Objects are reduced on arrival to what the rules read (reduce.ts).
// PVCs are not cached: no rule reads them from the cluster (claims are named from the AIStore CR and
// matched against the PVs' claimRefs), and a busy cluster has many.
import { ListWatch, Watch, type KubeConfig } from '@kubernetes/client-node';
import { listPaged } from '../k8s/pager.js';
import { ClusterContext, TARGET_COMPONENT_SELECTOR, type KubeObject } from '../policy/index.js';
import { reduced, type Cached } from './reduce.js';

export { detectKubeConfig } from '../k8s/kubeconfig.js';

export { noCluster, type ClusterSource, type KindStatus } from './cluster-source.js';
import type { ClusterSource, KindStatus } from './cluster-source.js';

export interface KubeClusterOptions {
  logger?: { info(o: object, msg?: string): void; warn(o: object, msg?: string): void };
  syncTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * A watch with no event and no bookmark for this long is presumed dead and restarted (resuming
   * from its last version). client-node has no watch timeout: a connection that goes silent
   * without closing (a lost NAT entry, a half-dead proxy) was noticed only by TCP keepalive, after
   * about 11 minutes of a stale cache. The apiserver sends a bookmark about every minute.
   */
  watchIdleTimeoutMs?: number;
  /**
   * Called when every kind is listed, after the first sync and after each re-list, with the number
   * of objects listed since the previous call (memory.ts decides whether that is worth a collection).
   */
  afterListed?: (listedObjects: number) => void;
}

export interface Resource {
  /** The key in `status().kinds`: the resource's plural. */
  name: string;
  path: string;
  apiVersion: string;
  kind: string;
  /** A CRD may not be installed (yet): a 404 then means "none", not "broken". */
  optional?: boolean;
  /** Only these objects are listed and watched. */
  labelSelector?: string;
}

/** Items per list page: a 100,000-PV list then never sits in memory as one JSON body. */
const LIST_PAGE = 500;

/** The least time between two lists of a kind not served that reviews ask for (listNowIfNotServed). */
const LIST_NOW_EVERY_MS = 1_000;

/** What the informers list and watch; `ais-guard doctor` asks RBAC for exactly these. */
export const RESOURCES: Resource[] = [
  {
    name: 'aistores',
    path: '/apis/ais.nvidia.com/v1beta1/aistores',
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    optional: true,
  },
  {
    name: 'persistentvolumes',
    path: '/api/v1/persistentvolumes',
    apiVersion: 'v1',
    kind: 'PersistentVolume',
  },
  { name: 'nodes', path: '/api/v1/nodes', apiVersion: 'v1', kind: 'Node' },
  {
    name: 'statefulsets',
    path: '/apis/apps/v1/statefulsets',
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    // Rules read only the operator's target StatefulSets: the watch selects target ones, the
    // context keeps those with operator evidence (recognise.ts isOperatorTargetStatefulSet; not
    // the managed-by label alone, which StatefulSets made before operator v3.3.0 never get).
    labelSelector: TARGET_COMPONENT_SELECTOR,
  },
];

type Logger = NonNullable<KubeClusterOptions['logger']>;
const SILENT: Logger = { info() {}, warn() {} };

interface Settings {
  logger: Logger;
  retryBaseMs: number;
  retryMaxMs: number;
  watchIdleTimeoutMs: number;
}

export function kubeCluster(kc: KubeConfig, opts: KubeClusterOptions = {}): ClusterSource {
  return new InformerCluster(kc, opts);
}

class InformerCluster implements ClusterSource {
  private readonly feeds: Feed[];
  private readonly syncTimeoutMs: number;
  /** Updated in place by every feed's events; reviews read it as it is. */
  private readonly live = new ClusterContext();
  private starting: Promise<void> | undefined;
  private stopped = false;
  private listedSinceReported = 0;
  private waiting: { resolve(): void; reject(err: Error): void; timer: NodeJS.Timeout } | undefined;

  constructor(kc: KubeConfig, opts: KubeClusterOptions) {
    this.syncTimeoutMs = opts.syncTimeoutMs ?? 60_000;
    const settings: Settings = {
      logger: opts.logger ?? SILENT,
      retryBaseMs: opts.retryBaseMs ?? 500,
      retryMaxMs: opts.retryMaxMs ?? 30_000,
      watchIdleTimeoutMs: opts.watchIdleTimeoutMs ?? 180_000,
    };
    const events: FeedEvents = {
      upsert: (obj) => this.live.upsert(obj),
      remove: (obj) => this.live.remove(obj),
      synced: (listed) => {
        this.listedSinceReported += listed;
        // Before the settle: the first sync's collection then runs before the guard is ready.
        if (this.synced()) {
          opts.afterListed?.(this.listedSinceReported);
          this.listedSinceReported = 0;
        }
        this.settleIfSynced();
      },
    };
    this.feeds = RESOURCES.map((resource) => new Feed(kc, resource, settings, events));
  }

  context(): ClusterContext {
    return this.live;
  }

  synced(): boolean {
    return this.feeds.every((feed) => feed.status.synced);
  }

  status() {
    const kinds = Object.fromEntries(this.feeds.map((feed) => [feed.resource.name, feed.snapshot()]));
    return { mode: 'cluster' as const, synced: this.synced(), kinds };
  }

  start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      if (this.stopped) return reject(new Error('the cluster source is stopped'));
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`cluster context not synced within ${this.syncTimeoutMs} ms: ${this.unsynced()}`));
      }, this.syncTimeoutMs);
      this.waiting = { resolve, reject, timer };
      for (const feed of this.feeds) feed.start();
      this.settleIfSynced();
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.settle(new Error('stopped before the cluster context synced'));
    await Promise.all(this.feeds.map((feed) => feed.stop()));
  }

  served(resource: string): void {
    this.feeds.find((feed) => feed.resource.name === resource)?.listNowIfNotServed();
  }

  private settleIfSynced(): void {
    if (this.synced()) this.settle();
  }

  private settle(err?: Error): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    if (err) waiting.reject(err);
    else waiting.resolve();
  }

  private unsynced(): string {
    return this.feeds
      .filter((feed) => !feed.status.synced)
      .map((feed) => `${feed.resource.name} (${feed.status.lastError ?? 'no answer yet'})`)
      .join(', ');
  }
}

/**
 * client-node's Watch plus what ListWatch needs here: bookmarks, hooks telling when a watch starts
 * (ListWatch calls it right after a list has filled the cache) and when it is established, and
 * close(), which aborts every watch it opened. ListWatch.stop() alone can leave one running: a
 * watch whose request was still in flight when stop() came is assigned after stop() ran.
 */
class ClosableWatch extends Watch {
  private readonly open = new Set<AbortController>();
  private closed = false;

  constructor(
    kc: KubeConfig,
    private readonly hooks: { starting(): void; established(): void },
    private readonly idleTimeoutMs: number,
    /** Maps each object a watch event carries before ListWatch caches it (reduce.ts). */
    private readonly shape: (obj: Cached) => Cached,
  ) {
    super(kc);
  }

  override async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.closed) return aborted();
    this.hooks.starting();
    let ended = false;
    let controller: AbortController | undefined;
    let heard = Date.now();
    let events = 0;
    const opened = Date.now();
    let watchdog: NodeJS.Timeout | undefined;
    // An ERROR event other than 410 (which ListWatch answers with a relist) ends the stream, and
    // ListWatch would re-watch at once and forget why: it is this watch's failure, with its message.
    let failure: Error | undefined;
    const finish = (err: unknown) => {
      if (ended) return; // the watchdog already ended it; the abort that followed reports again
      ended = true;
      clearInterval(watchdog);
      if (controller) this.open.delete(controller);
      // ListWatch re-watches at once after a clean end: a server (or proxy) that ends every watch
      // as soon as it answers would be asked again hundreds of times a second, silently. Such a
      // watch is a failure, as client-go's reflector has it ("very short watch"): the feed backs
      // off and says why. An ERROR event (410 Gone) counts as an event: its relist is no failure.
      const short = Date.now() - opened < SHORT_WATCH_MS;
      if (!err && !this.closed && failure) err = failure;
      else if (!err && !this.closed && events === 0 && short)
        err = new Error(`watch ended by the server within ${SHORT_WATCH_MS} ms with no event`);
      done(err);
    };
    const heardFrom = (phase: string, apiObj: unknown, watchObj?: unknown) => {
      heard = Date.now();
      events++;
      const status = apiObj as { code?: unknown; message?: unknown } | undefined;
      if (phase === 'ERROR' && status?.code !== 410)
        failure = Object.assign(
          new Error(`watch ended with an error: ${String(status?.code)} ${String(status?.message)}`),
          { statusCode: typeof status?.code === 'number' ? status.code : undefined },
        );
      // BOOKMARK and ERROR events carry no object of the kind: left as they are.
      const object = OBJECT_EVENTS.has(phase) ? this.shape(apiObj as Cached) : apiObj;
      callback(phase, object, watchObj);
    };
    try {
      // Bookmarks move ListWatch's resume point forward while nothing changes (it takes the
      // version of every event, bookmarks included), so a reconnect after a quiet hour resumes
      // instead of meeting 410 Gone and relisting every PV and Node. They also prove the watch
      // alive to the watchdog below.
      controller = await super.watch(path, { ...query, allowWatchBookmarks: true }, heardFrom, finish);
    } catch (err) {
      // Credentials that cannot be applied (a failing exec plugin, say) make Watch throw, and
      // ListWatch does not catch it on a relist: report it as a broken watch instead.
      finish(err);
      return aborted();
    }
    if (!ended) {
      if (this.closed) controller.abort();
      else {
        this.open.add(controller);
        this.hooks.established();
        const open = controller;
        heard = Date.now();
        watchdog = setInterval(
          () => {
            if (Date.now() - heard < this.idleTimeoutMs) return;
            // A failure like a dropped connection: the feed restarts the watch from its last version.
            finish(
              new Error(`no event or bookmark for ${this.idleTimeoutMs} ms: watch presumed dead, restarted`),
            );
            open.abort();
          },
          Math.min(10_000, this.idleTimeoutMs / 4),
        );
        watchdog.unref();
      }
    }
    return controller;
  }

  close(): void {
    this.closed = true;
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }
}

const OBJECT_EVENTS = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/** A watch that ends cleanly sooner than this with no event is treated as failed (client-go: 1 s). */
const SHORT_WATCH_MS = 1_000;

function aborted(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}

interface FeedEvents {
  upsert(obj: KubeObject): void;
  remove(obj: KubeObject): void;
  /** A list completed and its items are cached (`listed` of them); the kind is synced. */
  synced(listed: number): void;
}

/**
 * One resource's informer, kept alive. ListWatch relists by itself after 410 Gone and re-watches
 * after a clean end of the stream, but after any other error (a dropped connection, a failed list)
 * it emits 'error' and stops for good: restarting it, with backoff, is this class's job.
 */
class Feed {
  readonly status: KindStatus = { synced: false, connected: false, restarts: 0, objects: 0 };
  private informer: ListWatch<Cached>;
  private watch: ClosableWatch;
  private lists = new AbortController();
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private healthySince: number | undefined;
  private starts = 0;
  /**
   * The current informer's objects, counted as it adds and deletes them: ListWatch.list() builds an
   * array of them all, one push() of a namespace's objects spread as arguments, which throws past
   * ~125,000 cluster-scoped PVs (test/server/cluster-many-objects.test.ts) and, below that, put a
   * 100,000-element array into the old generation at every /readyz and /metrics.
   */
  private cached = 0;
  /** Items of the list ListWatch has just taken (undefined once reported). */
  private listed: number | undefined;
  private absent = false;
  /** When a review last made this kind be listed (listNowIfNotServed). */
  private listedNowAt = -Infinity;
  private stopped = false;
  /**
   * The error last logged, until a watch is established again: a failure that repeats itself (a
   * ClusterRole without the resource: 403 on every retry; an apiserver down for an hour) is one
   * warning, not one every 15-30 s, and its end is one line. /readyz keeps the error meanwhile.
   */
  private warned: { error: string; retries: number } | undefined;

  constructor(
    private readonly kc: KubeConfig,
    readonly resource: Resource,
    private readonly settings: Settings,
    private readonly events: FeedEvents,
  ) {
    [this.informer, this.watch] = this.makeInformer();
  }

  snapshot(): KindStatus {
    return { ...this.status, objects: this.cached };
  }

  start(): void {
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.lists.abort();
    this.watch.close();
    await this.informer.stop();
    this.status.connected = false;
  }

  /**
   * Lists now rather than at the periodic look, when the kind was not served at the last one.
   * Only while that look is pending: then no list of this kind is in flight. At most once per
   * LIST_NOW_EVERY_MS: anyone who reaches the webhook can send AIStore reviews, and each would
   * otherwise make the guard list AIStores (~30 lists a second seen in an outside attack).
   */
  listNowIfNotServed(): void {
    if (!this.absent || this.stopped || !this.retry) return;
    const now = Date.now();
    if (now - this.listedNowAt < LIST_NOW_EVERY_MS) return;
    this.listedNowAt = now;
    clearTimeout(this.retry);
    this.retry = undefined;
    void this.run();
  }

  private shape(obj: Cached): Cached {
    return reduced(obj, this.resource.apiVersion, this.resource.kind);
  }

  private makeInformer(): [ListWatch<Cached>, ClosableWatch] {
    // What makeInformer() builds, with our Watch in place of client-node's.
    const watch: ClosableWatch = new ClosableWatch(
      this.kc,
      {
        starting: () => current() && this.watchStarting(),
        established: () => current() && this.watchEstablished(),
      },
      this.settings.watchIdleTimeoutMs,
      (obj) => this.shape(obj),
    );
    const informer: ListWatch<Cached> = new ListWatch<Cached>(
      this.resource.path,
      watch,
      () => this.list(),
      false,
      this.resource.labelSelector,
    );
    const current = (): boolean => !this.stopped && this.informer === informer;
    // ListWatch calls back with the very object it caches, already reduced (list() and the watch
    // shape it on arrival): the context holds the same object, not a copy.
    this.cached = 0; // a new ListWatch starts empty; the old one's events are not counted
    informer.on('add', (obj: Cached) => {
      if (!current()) return;
      this.cached++;
      this.events.upsert(obj);
    });
    informer.on('update', (obj: Cached) => current() && this.events.upsert(obj));
    informer.on('delete', (obj: Cached) => {
      if (!current()) return;
      this.cached--;
      this.events.remove(obj);
    });
    informer.on('connect', () => {
      // Emitted before every list or watch attempt; the first one is the start, not a restart.
      if (current() && this.starts++ > 0) this.status.restarts++;
    });
    informer.on('error', (err: unknown) => current() && this.failed(err));
    return [informer, watch];
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.informer.start();
    } catch (err) {
      this.failed(err);
    }
  }

  /**
   * Lists in pages (pager.ts: a throttled page asked again, an expired continue token answered by
   * one whole list), reducing each page's items as it arrives, so the memory a relist takes is one
   * page plus the reduced objects, not the whole list's JSON.
   */
  private async list() {
    const { items, resourceVersion } = await listPaged(this.kc, this.resource.path, {
      limit: LIST_PAGE,
      labelSelector: this.resource.labelSelector,
      signal: this.lists.signal,
      shape: (item) => this.shape(item as Cached),
    });
    this.listed = items.length;
    return { metadata: { resourceVersion }, items };
  }

  /** ListWatch has put the listed items in its cache and now watches from the list's version. */
  private watchStarting(): void {
    if (this.listed === undefined) return;
    const listed = this.listed;
    this.listed = undefined;
    if (this.absent) {
      this.absent = false;
      this.settings.logger.info({ resource: this.resource.name }, 'the resource is served now: watching it');
    }
    const first = !this.status.synced;
    this.status.synced = true;
    if (first) {
      this.settings.logger.info({ resource: this.resource.name, objects: this.cached }, 'listed');
    }
    this.events.synced(listed);
  }

  private watchEstablished(): void {
    this.status.connected = true;
    this.healthySince = Date.now();
    if (this.warned) {
      this.settings.logger.info(
        { resource: this.resource.name, failedBefore: this.warned.error, retries: this.warned.retries },
        'list/watch working again',
      );
      this.warned = undefined;
    }
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    const message = err instanceof Error ? err.message : String(err);
    if (statusCodeOf(err) === 404 && this.resource.optional) return this.notServed(message);
    this.status.connected = false;
    this.status.lastError = message;
    const delayMs = this.backoff();
    if (this.warned?.error === message) this.warned.retries++;
    else {
      this.warned = { error: message, retries: 0 };
      this.settings.logger.warn(
        { resource: this.resource.name, error: message, retryInMs: Math.round(delayMs) },
        'list/watch failed',
      );
    }
    this.retryIn(delayMs);
  }

  /**
   * The CRD is not installed, or was deleted: there are no such objects, and that is a known
   * state, so the kind counts as synced. A fresh informer drops what the old one cached and
   * relists from scratch; ListWatch alone would only ever re-watch from its last version.
   */
  private notServed(message: string): void {
    // The one ListWatch.list() left (see `cached`): only an optional resource, a CRD's, is ever not
    // served, and its objects are the AIStore CRs, far fewer than list() fails on.
    for (const obj of this.informer.list()) this.events.remove(obj);
    this.watch.close();
    void this.informer.stop();
    [this.informer, this.watch] = this.makeInformer();
    this.status.lastError = `${message} (is the CRD installed?)`;
    this.status.connected = true; // the apiserver answered
    if (!this.absent) {
      this.absent = true;
      this.settings.logger.warn(
        { resource: this.resource.name, error: message, retryEveryMs: this.settings.retryMaxMs },
        'the resource is not served: judging without it, and listing it again periodically',
      );
    }
    if (!this.status.synced) {
      this.status.synced = true;
      this.events.synced(0);
    }
    this.retryIn(jitter(this.settings.retryMaxMs));
  }

  private backoff(): number {
    const { retryBaseMs, retryMaxMs } = this.settings;
    // A watch that stayed up for a while was healthy: start the backoff over. One that breaks
    // right after connecting keeps it growing, so a flapping proxy is not hammered.
    if (this.healthySince !== undefined && Date.now() - this.healthySince >= retryMaxMs) this.failures = 0;
    this.healthySince = undefined;
    return jitter(Math.min(retryMaxMs, retryBaseMs * 2 ** this.failures++));
  }

  private retryIn(delayMs: number): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.run();
    }, delayMs);
  }
}

/** Between half and all of `ms`: replicas that lost the apiserver together do not return together. */
function jitter(ms: number): number {
  return ms / 2 + (Math.random() * ms) / 2;
}

function statusCodeOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
