// Returning a large list's memory. Listing a big cluster (100,000 PVs, 5,000 Nodes) decodes
// hundreds of MB of pages that are garbage the moment each object is reduced; V8 collects them,
// but keeps the pages it grew into, and its memory reducer, which would hand them back, waits for
// a low allocation rate it only measures at collections: an idle webhook does not collect, so RSS
// stayed at the list's peak (Node 24: 349 MB, of which the cache is ~120 MB; bench --scale).
// V8's "last-resort" full collection (the one it runs before giving up on memory) compacts and
// releases those pages: 208-219 MB after it (a bare sync, and the scale bench), in one pause of
// ~200 ms at that size. It runs once every kind is listed, before the guard reports ready, and
// only when the lists since the last collection brought many objects: a re-list of the AIStore CRs
// is not worth a pause. At most once per interval, so a flapping apiserver cannot turn it into a
// pause every few seconds.
//
// The collection needs --expose-gc (the image's ENTRYPOINT and `npm start` pass it); without it
// this does nothing and memory is returned whenever V8 decides to. The "last-resort" option is
// Node 24's V8 (the image's runtime); Node 20's returns nothing with it (measured: a few ms, RSS
// unchanged), which costs nothing either.

/** What V8's gc() accepts under --expose-gc; older V8s ignore the options they do not know. */
type ExposedGc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface MemoryReleaseOptions {
  /** The collector; `globalThis.gc` when Node runs with --expose-gc. */
  gc?: ExposedGc;
  /** Objects listed since the last collection that make the next one worthwhile. */
  minObjects?: number;
  /** At most one collection per this many ms; a request inside it runs at its end. */
  minIntervalMs?: number;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => void;
  /** After each collection, with its pause, for the log. */
  onCollected?: (pauseMs: number) => void;
  /** A collection that threw: logged, never fatal (the memory is then returned later, by V8). */
  onError?: (err: unknown) => void;
}

export const MEMORY_RELEASE_INTERVAL_MS = 60_000;
/** Below this, the lists' garbage is a few MB: V8's own collections are enough. */
export const MEMORY_RELEASE_MIN_OBJECTS = 10_000;

/** Returns "lists of this many objects just completed": collects now, later, or not at all. */
export function memoryReleaser(opts: MemoryReleaseOptions = {}): (listedObjects: number) => void {
  const gc = opts.gc ?? (globalThis as { gc?: ExposedGc }).gc;
  if (typeof gc !== 'function') return () => {};
  const minObjects = opts.minObjects ?? MEMORY_RELEASE_MIN_OBJECTS;
  const minIntervalMs = opts.minIntervalMs ?? MEMORY_RELEASE_INTERVAL_MS;
  const now = opts.now ?? Date.now;
  const schedule =
    opts.schedule ??
    ((fn: () => void, ms: number) => {
      setTimeout(fn, ms).unref();
    });
  let lastAt = -Infinity;
  let pending = false;
  let owed = 0;
  const collect = () => {
    pending = false;
    owed = 0;
    lastAt = now();
    try {
      const started = performance.now();
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
      opts.onCollected?.(performance.now() - started);
    } catch (err) {
      opts.onError?.(err);
    }
  };
  return (listedObjects) => {
    owed += listedObjects;
    if (owed < minObjects || pending) return;
    const wait = lastAt + minIntervalMs - now();
    if (wait <= 0) return collect();
    pending = true;
    schedule(collect, wait);
  };
}
