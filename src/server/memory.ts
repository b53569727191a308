// Returning a large list's memory. Listing a big cluster (100,000 PVs, 5,000 Nodes) decodes
// hundreds of MB of pages that are garbage the moment each object is reduced; V8 collects them,
// but keeps the pages it grew into, and its memory reducer, which would hand them back, waits for
// a low allocation rate it only measures at collections: an idle webhook does not collect, so RSS
// stayed at the list's peak (Node 24: 350 MB, of which the cache is ~110 MB; bench --scale).
// V8's "last-resort" full collection (the one it runs before giving up on memory) compacts and
// releases those pages: 208 MB after it, in one pause of ~200 ms at that size. It runs after a
// list completes, before the guard reports ready (or, for a later re-list, once), at most once
// per interval so a flapping apiserver cannot turn it into a pause every few seconds.
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
  /** At most one collection per this many ms; a request inside it runs at its end. */
  minIntervalMs?: number;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => void;
  /** After each collection, with its pause, for the log. */
  onCollected?: (pauseMs: number) => void;
}

export const MEMORY_RELEASE_INTERVAL_MS = 60_000;

/** Returns "a large list just completed": collects now, or once at the end of the interval. */
export function memoryReleaser(opts: MemoryReleaseOptions = {}): () => void {
  const gc = opts.gc ?? (globalThis as { gc?: ExposedGc }).gc;
  if (typeof gc !== 'function') return () => {};
  const minIntervalMs = opts.minIntervalMs ?? MEMORY_RELEASE_INTERVAL_MS;
  const now = opts.now ?? Date.now;
  const schedule =
    opts.schedule ??
    ((fn: () => void, ms: number) => {
      setTimeout(fn, ms).unref();
    });
  let lastAt = -Infinity;
  let pending = false;
  const collect = () => {
    pending = false;
    const started = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    opts.onCollected?.(performance.now() - started);
    lastAt = now();
  };
  return () => {
    const wait = lastAt + minIntervalMs - now();
    if (wait <= 0) return collect();
    if (pending) return;
    pending = true;
    schedule(collect, wait);
  };
}
