// A small stand-in for kube-apiserver: list and watch of the four resources the webhook caches,
// plus the failures its informers must survive (dropped watches, 410 Gone, a CRD not installed),
// all set off by the test. Speaks plain HTTP on 127.0.0.1, port picked by the OS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type Resource = 'nodes' | 'persistentvolumes' | 'statefulsets' | 'aistores';

const RESOURCES: Record<Resource, { path: string; apiVersion: string; kind: string }> = {
  nodes: { path: '/api/v1/nodes', apiVersion: 'v1', kind: 'Node' },
  persistentvolumes: { path: '/api/v1/persistentvolumes', apiVersion: 'v1', kind: 'PersistentVolume' },
  statefulsets: { path: '/apis/apps/v1/statefulsets', apiVersion: 'apps/v1', kind: 'StatefulSet' },
  aistores: {
    path: '/apis/ais.nvidia.com/v1beta1/aistores',
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
  },
};
const ALL = Object.keys(RESOURCES) as Resource[];

export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    managedFields?: unknown[];
  };
  [key: string]: unknown;
}

interface Event {
  resource: Resource;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: StoredObject;
  version: number;
}

interface OpenWatch {
  resource: Resource;
  res: ServerResponse;
  bookmarks: boolean;
  selects(obj: StoredObject): boolean;
}

export interface ChangeOptions {
  /** Change the store without a watch event, as if etcd compaction had already dropped it: a
   * watch resuming from an older version is then answered 410 Gone and must relist. */
  quietly?: boolean;
}

const keyOf = (obj: StoredObject) => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export class FakeApiServer {
  /** How a watch from a compacted version is refused: like the real apiserver (an ERROR event in a 200 stream) or with HTTP 410. */
  goneAs: 'event' | 'http' = 'event';
  readonly listCalls = Object.fromEntries(ALL.map((r) => [r, 0])) as Record<Resource, number>;
  /** Ends every watch as soon as it is answered (200 and no event), as a proxy that cuts streams does. */
  endWatchesAtOnce = false;
  /** When set, every watch is answered with one ERROR 500 event carrying this message, then ended. */
  failWatchesAtOnce: string | undefined;
  readonly watchCalls = Object.fromEntries(ALL.map((r) => [r, 0])) as Record<Resource, number>;
  private version = 1;
  private compactedAt = 0;
  private readonly store = new Map<Resource, Map<string, StoredObject>>(ALL.map((r) => [r, new Map()]));
  private history: Event[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly unserved = new Set<Resource>();
  private readonly forbidden = new Set<Resource>();
  private held: (() => void)[] | undefined;
  /**
   * Answers a list request itself when it returns a status code (with a Retry-After when it gives
   * one), as a throttling or compacted apiserver would; undefined lets the list be served.
   */
  refuseList:
    | ((resource: Resource, url: URL) => { code: 410 | 429 | 500; retryAfter?: number } | undefined)
    | undefined;
  private readonly snapshots = new Map<string, StoredObject[]>();
  private lastSnapshot = 0;

  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  private constructor() {}

  static async start(): Promise<FakeApiServer> {
    const fake = new FakeApiServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  kubeConfig(): KubeConfig {
    return kubeConfigFor(this.url);
  }

  /** The same kubeconfig as a file, for a child process (`serve --kubeconfig`); returns its path. */
  writeKubeConfig(file: string): string {
    writeFileSync(file, this.kubeConfig().exportConfig());
    return file;
  }

  /**
   * Stores many objects at once, as they were before any watch began: no events, no copies (the
   * caller must not change them afterwards). For the scale bench's cluster of 100,000 objects.
   */
  seed(resource: Resource, objects: Iterable<StoredObject>): void {
    const store = this.objectsOf(resource);
    for (const obj of objects) {
      obj.metadata = { ...obj.metadata, resourceVersion: String(++this.version) };
      store.set(keyOf(obj), obj);
    }
  }

  /** Creates or replaces an object; open watches get ADDED or MODIFIED. */
  put(resource: Resource, obj: StoredObject, options: ChangeOptions = {}): void {
    const objects = this.objectsOf(resource);
    const type = objects.has(keyOf(obj)) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.version) };
    objects.set(keyOf(stored), stored);
    this.record(resource, type, stored, options);
  }

  remove(resource: Resource, name: string, namespace?: string, options: ChangeOptions = {}): void {
    const objects = this.objectsOf(resource);
    const key = `${namespace ?? ''}/${name}`;
    const old = objects.get(key);
    if (!old) throw new Error(`no ${resource} ${key}`);
    objects.delete(key);
    const gone = structuredClone(old);
    gone.metadata = { ...gone.metadata, resourceVersion: String(++this.version) };
    this.record(resource, 'DELETED', gone, options);
  }

  /** A 404 for the resource's list and watch, as when its CRD is not installed; `true` serves it again. */
  serve(resource: Resource, served: boolean): void {
    if (served) this.unserved.delete(resource);
    else this.unserved.add(resource);
  }

  /** A 403 for the resource's list and watch, as when the guard's ClusterRole lacks it; `false` allows it again. */
  forbid(resource: Resource, forbidden: boolean): void {
    if (forbidden) this.forbidden.add(resource);
    else this.forbidden.delete(resource);
  }

  /** Ends the resource's open watches cleanly, as the apiserver does when it removes a CRD's storage. */
  endWatches(resource: Resource): void {
    for (const watch of this.watches) {
      if (watch.resource !== resource) continue;
      watch.res.end();
      this.watches.delete(watch);
    }
  }

  /** Cuts every watch connection without ending the chunked stream, as a lost network does. */
  dropWatches(): void {
    for (const watch of this.watches) watch.res.socket?.destroy();
    this.watches.clear();
  }

  /** Ends every open watch with an ERROR 410 event, as the apiserver does when a watcher falls too far behind. */
  expireWatches(): void {
    this.compactedAt = this.version;
    this.history = [];
    for (const watch of this.watches) this.refuseGone(watch.res, 0);
    this.watches.clear();
  }

  /** Ends every open watch with an ERROR event of this code (not 410), as the apiserver does when a watch breaks inside it. */
  failWatches(code: number, message: string): void {
    for (const watch of this.watches) {
      const status = statusObject(code, 'InternalError', message);
      watch.res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    }
    this.watches.clear();
  }

  /**
   * Tells the watches that asked for bookmarks the current version, as the apiserver does about once
   * a minute. Resolves once the bookmarks are handed to the sockets: a cut after that (dropWatches)
   * reaches the client behind them, in order, as TCP delivers it. (A cut before it drops them: a
   * chunk written is held until the next tick.)
   */
  bookmark(resource: Resource): Promise<void> {
    const { apiVersion, kind } = RESOURCES[resource];
    const object = { apiVersion, kind, metadata: { resourceVersion: String(this.version) } };
    const writes: Promise<void>[] = [];
    for (const watch of this.watches) {
      if (watch.resource === resource && watch.bookmarks)
        writes.push(
          new Promise((sent) =>
            watch.res.write(JSON.stringify({ type: 'BOOKMARK', object }) + '\n', () => sent()),
          ),
        );
    }
    return Promise.all(writes).then(() => undefined);
  }

  /** Leaves new watch requests unanswered until the returned function is called. */
  holdWatches(): () => void {
    const held: (() => void)[] = (this.held = []);
    return () => {
      this.held = undefined;
      for (const answer of held) answer();
    };
  }

  openWatches(resource?: Resource): number {
    return [...this.watches].filter((w) => resource === undefined || w.resource === resource).length;
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.res.end();
    this.watches.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private objectsOf(resource: Resource): Map<string, StoredObject> {
    return this.store.get(resource) as Map<string, StoredObject>;
  }

  private record(
    resource: Resource,
    type: Event['type'],
    object: StoredObject,
    options: ChangeOptions,
  ): void {
    if (options.quietly) {
      this.compactedAt = this.version;
      this.history = [];
      return;
    }
    const event: Event = { resource, type, object, version: this.version };
    this.history.push(event);
    for (const watch of this.watches)
      if (watch.resource === resource && watch.selects(object)) this.send(watch.res, event);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const resource = ALL.find((r) => RESOURCES[r].path === url.pathname);
    if (req.method !== 'GET' || !resource)
      return this.status(res, 404, 'NotFound', `no route ${url.pathname}`);
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    if (watch) this.watchCalls[resource]++;
    else this.listCalls[resource]++;
    if (this.forbidden.has(resource)) {
      const { kind } = RESOURCES[resource];
      const verb = watch ? 'watch' : 'list';
      return this.status(
        res,
        403,
        'Forbidden',
        `${resource} is forbidden: User "system:serviceaccount:ais-guard:ais-guard" cannot ${verb} resource "${resource}" (${kind}) at the cluster scope`,
      );
    }
    if (this.unserved.has(resource))
      return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const refused = watch ? undefined : this.refuseList?.(resource, url);
    if (refused) {
      const reason = { 410: 'Expired', 429: 'TooManyRequests', 500: 'InternalError' }[refused.code];
      if (refused.retryAfter !== undefined) res.setHeader('Retry-After', String(refused.retryAfter));
      return this.status(res, refused.code, reason, `${reason}: refused by the test`);
    }
    if (watch && this.held) this.held.push(() => this.watch(resource, url, res));
    else if (watch) this.watch(resource, url, res);
    else this.list(resource, url, res);
  }

  /** Lists like the apiserver: an equality labelSelector, and pages with limit and continue (an offset here). */
  private list(resource: Resource, url: URL, res: ServerResponse): void {
    const { apiVersion, kind } = RESOURCES[resource];
    const limit = Number(url.searchParams.get('limit') || 0);
    // A paged list reads one snapshot, taken by its first page and named by the continue token
    // ("<snapshot>:<offset>"), as the apiserver serves every page from one etcd revision.
    const [token, at] = (url.searchParams.get('continue') ?? '').split(':');
    const offset = Number(at || 0);
    let selected = token ? this.snapshots.get(token) : undefined;
    if (!selected) {
      selected = [...this.objectsOf(resource).values()].filter(selects(url));
      if (limit > 0 && limit < selected.length) this.snapshots.set(String(++this.lastSnapshot), selected);
    }
    const id = token || String(this.lastSnapshot);
    const page = limit > 0 ? selected.slice(offset, offset + limit) : selected;
    const more = limit > 0 && offset + limit < selected.length;
    if (!more) this.snapshots.delete(id);
    const items = page.map((obj) => {
      // Like the real apiserver, lists of built-in kinds do not repeat apiVersion/kind per item.
      if (resource === 'aistores') return obj;
      const { apiVersion: _a, kind: _k, ...rest } = obj;
      return rest;
    });
    this.json(res, 200, {
      apiVersion,
      kind: `${kind}List`,
      metadata: {
        resourceVersion: String(this.version),
        ...(more ? { continue: `${id}:${offset + limit}` } : {}),
      },
      items,
    });
  }

  private watch(resource: Resource, url: URL, res: ServerResponse): void {
    if (res.socket?.destroyed !== false) return; // the client gave up while the watch was held
    const from = Number(url.searchParams.get('resourceVersion') || this.version);
    if (from < this.compactedAt) {
      if (this.goneAs === 'http')
        return this.status(res, 410, 'Expired', `too old resource version: ${from}`);
      return this.refuseGone(res, from);
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const open: OpenWatch = {
      resource,
      res,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      selects: selects(url),
    };
    for (const event of this.history)
      if (event.resource === resource && event.version > from && open.selects(event.object))
        this.send(res, event);
    if (this.endWatchesAtOnce) return void res.end();
    if (this.failWatchesAtOnce) {
      const status = statusObject(500, 'InternalError', this.failWatchesAtOnce);
      return void res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    }
    this.watches.add(open);
    res.on('close', () => this.watches.delete(open));
  }

  private send(res: ServerResponse, event: Event): void {
    // Watch events, unlike list items, carry apiVersion and kind.
    const { apiVersion, kind } = RESOURCES[event.resource];
    res.write(JSON.stringify({ type: event.type, object: { ...event.object, apiVersion, kind } }) + '\n');
  }

  private refuseGone(res: ServerResponse, from: number): void {
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
    const status = statusObject(410, 'Expired', `too old resource version: ${from} (${this.compactedAt})`);
    res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, statusObject(code, reason, message));
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** The request's labelSelector (equality terms, comma-separated) as a predicate. */
function selects(url: URL): (obj: StoredObject) => boolean {
  const terms = (url.searchParams.get('labelSelector') ?? '')
    .split(',')
    .filter(Boolean)
    .map((term) => term.split('=') as [string, string]);
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return terms.every(([k, v]) => labels[k] === v);
  };
}

function statusObject(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** A kubeconfig for a test server at this URL, with no credentials. */
export function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'f', server: url, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'f', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}
