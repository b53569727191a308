// Fuzz inputs for a running guard, each one a request body (text, since truncated, deeply nested
// and invalid UTF-8 bodies cannot be built with JSON.stringify). Case i is a pure function of i and
// the run's seed, so a failure names the case that reproduces it.
//  - systematic: every field of every seed review (wrapper and object) replaced by a value of each
//    other JSON type, in turn;
//  - random: fast-check values at random paths, removed fields, random JSON, truncated bodies,
//    unicode and very long strings, deep nesting, random bytes, plain seeds with new uids.
import fc from 'fast-check';
import { paths, replaceAt } from '../../support/mutate.js';

export type Review = { request: Record<string, unknown> } & Record<string, unknown>;
type Path = (string | number)[];

/** A value of every JSON type, and a few that tend to break code that assumed a type. */
export const JUNK: unknown[] = [null, 0, -1.5, 1e308, true, '', '\u0000💥', [], {}, [{}]];

export interface Case {
  body: string | Buffer;
  /** The strategy, for the report. */
  kind: string;
}

export interface Seeds {
  reviews: Review[];
  /** Every path in each review, computed once. */
  paths: Path[][];
}

export function seeds(reviews: Review[]): Seeds {
  return { reviews, paths: reviews.map((r) => paths(r)) };
}

export function systematicCount(s: Seeds): number {
  return s.paths.reduce((n, p) => n + p.length * JUNK.length, 0);
}

/** The i-th (seed, path, junk) combination. */
export function systematic(s: Seeds, i: number): Case {
  for (let r = 0; r < s.reviews.length; r++) {
    const here = (s.paths[r] as Path[]).length * JUNK.length;
    if (i < here) {
      const path = (s.paths[r] as Path[])[Math.floor(i / JUNK.length)] as Path;
      const junk = JUNK[i % JUNK.length];
      return { body: JSON.stringify(replaceAt(s.reviews[r], path, junk)) ?? 'null', kind: 'wrong-type' };
    }
    i -= here;
  }
  throw new Error('systematic case out of range');
}

const one = <T>(arb: fc.Arbitrary<T>, seed: number): T => fc.sample(arb, { seed, numRuns: 1 })[0] as T;

/** Paths to string values inside the review (names, labels, paths, uids). */
function stringPaths(review: unknown): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, at: Path) => {
    if (typeof v === 'string') out.push(at);
    else if (Array.isArray(v)) v.forEach((x, k) => walk(x, [...at, k]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(review, []);
  return out;
}

function removeAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
  else delete cur[last];
  return copy;
}

/** A unicode or very long string: names, namespaces, labels, mount paths, uids. */
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('a', 'é', '💥', '\u202e', '-', '/'),
      fc.constantFrom(64, 254, 4_096, 4_096, 70_000),
    )
    .map(([c, n]) => c.repeat(n)),
);

const DEEP = '"__ais_guard_deep__"';

function deep(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The i-th random case (i counts from 0 within the random part). */
export function random(s: Seeds, i: number, runSeed: number): Case {
  const seed = runSeed * 1_000_003 + i;
  const pick = <T>(arr: readonly T[], salt: number): T =>
    arr[Math.abs((seed * 31 + salt) | 0) % arr.length] as T;
  const r = pick([...s.reviews.keys()], 1);
  const review = s.reviews[r] as Review;
  const all = s.paths[r] as Path[];
  const uid = `fuzz-${runSeed}-${i}`;
  const withUid = (v: unknown) => replaceAt(v, ['request', 'uid'], uid);
  const at = pick(all, 2);
  switch (i % 20) {
    case 0:
    case 1:
    case 2: {
      // A plain seed with a fresh uid, as CREATE or as written (many well-formed reviews).
      const op = pick(['CREATE', 'CREATE', review.request.operation], 3);
      return { body: JSON.stringify(replaceAt(withUid(review), ['request', 'operation'], op)), kind: 'seed' };
    }
    case 3:
    case 4:
    case 5:
    case 6: {
      // One to three random values at random paths.
      let v: unknown = withUid(review);
      const n = 1 + (i % 3);
      for (let k = 0; k < n; k++) {
        const value = one(fc.oneof(fc.anything(), fc.jsonValue(), fc.constantFrom(...JUNK)), seed + k);
        v = replaceAt(v, pick(paths(v), 10 + k), value);
      }
      return { body: JSON.stringify(v) ?? 'null', kind: 'random-value' };
    }
    case 7:
    case 8: {
      // Fields removed: what the policy reads may simply be missing.
      let v: unknown = withUid(review);
      for (let k = 0; k < 1 + (i % 4); k++) {
        const p = paths(v).filter((x) => x.length > 0);
        if (p.length) v = removeAt(v, pick(p, 20 + k));
      }
      return { body: JSON.stringify(v) ?? 'null', kind: 'removed-field' };
    }
    case 9:
      return {
        body: JSON.stringify(one(fc.oneof(fc.jsonValue(), fc.anything()), seed)) ?? 'null',
        kind: 'random-json',
      };
    case 10:
    case 11: {
      const text = JSON.stringify(withUid(review));
      return { body: text.slice(0, Math.abs(seed) % text.length), kind: 'truncated' };
    }
    case 12:
    case 13:
    case 14:
    case 15: {
      // Unicode and very long strings: name and namespace (in the object and the request alike,
      // so the review stays coherent), the uid, or any string in the review.
      const value = one(weirdString, seed);
      let v: Record<string, unknown> = withUid(review) as Record<string, unknown>;
      const target = pick(['name', 'namespace', 'uid', 'any', 'any'], 4);
      if (target === 'name' || target === 'namespace') {
        v = replaceAt(v, ['request', 'object', 'metadata', target], value) as Record<string, unknown>;
        v = replaceAt(v, ['request', target], value) as Record<string, unknown>;
      } else if (target === 'uid') v = replaceAt(v, ['request', 'uid'], value) as Record<string, unknown>;
      else v = replaceAt(v, pick(stringPaths(v), 5), value) as Record<string, unknown>;
      return { body: JSON.stringify(v), kind: 'unicode-long' };
    }
    case 16:
    case 17: {
      // Deep nesting, well below and far above what a recursive walk survives.
      const depth = pick([16, 200, 30_000], 6);
      const text = JSON.stringify(replaceAt(withUid(review), at, '__ais_guard_deep__'));
      return { body: text.replace(DEEP, deep(depth, pick(['array', 'object'] as const, 7))), kind: 'deep' };
    }
    case 18: {
      // Raw bytes: invalid UTF-8, control characters, nothing like JSON.
      const bytes = one(fc.uint8Array({ maxLength: 512 }), seed);
      return { body: Buffer.from(bytes), kind: 'bytes' };
    }
    default: {
      // The wrapper itself wrong: another apiVersion or kind, no request, request.object of another kind.
      const variants: [Path, unknown][] = [
        [['apiVersion'], 'admission.k8s.io/v1beta1'],
        [['kind'], 'AdmissionResponse'],
        [['request'], undefined],
        [['request', 'object', 'kind'], 'ConfigMap'],
        [['request', 'operation'], 'DELETE'],
        [['request', 'operation'], 'CONNECT'],
        [['request', 'subResource'], 'status'],
        [['request', 'dryRun'], true],
      ];
      const [path, value] = pick(variants, 8);
      return { body: JSON.stringify(replaceAt(withUid(review), path, value)), kind: 'wrapper' };
    }
  }
}
