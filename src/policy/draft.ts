// The copy rules change, and the patch from the input to it. Only what the mutating rules write is
// copied (the root, metadata and its annotations, spec, spec.targetSpec, spec.affinity); the rest is
// shared with the input, and the diff skips shared subtrees. A 3 MiB CR whose legacy field is moved
// thus costs a few small copies instead of a deep copy and a deep diff (which also overflowed the
// stack on deeply nested junk). Tests freeze their inputs: a rule writing outside these parts throws.
import jsonpatch from 'fast-json-patch';
import { sameJson } from './json.js';
import { cloneJson, isObject, setOwn } from './k8s.js';
import { pointer } from './rule.js';
import type { KubeObject, PatchOperation } from './types.js';

function shallow(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, value[key]);
  return out;
}

function copyChild(
  parent: Record<string, unknown>,
  key: string,
  deep = false,
): Record<string, unknown> | undefined {
  const child = parent[key];
  if (!isObject(child)) return undefined;
  const copy = deep ? cloneJson(child) : shallow(child);
  parent[key] = copy;
  return copy;
}

/** A copy the mutating rules may change (see the header for which parts are copied). */
export function writableCopy<T extends KubeObject>(object: T): T {
  const root = shallow(object);
  const meta = copyChild(root, 'metadata');
  if (meta) copyChild(meta, 'annotations');
  const spec = copyChild(root, 'spec');
  if (spec) {
    copyChild(spec, 'targetSpec');
    copyChild(spec, 'affinity', true);
  }
  return root as T;
}

/** The indices of `a` whose removal leaves `b`, when `b` is `a` with elements taken out; else undefined. */
function removedIndices(a: unknown[], b: unknown[]): number[] | undefined {
  if (b.length >= a.length) return undefined;
  const removed: number[] = [];
  let j = 0;
  // Compared as JSON, not by identity: the rule filtered a deep copy.
  for (let i = 0; i < a.length; i++) {
    if (j < b.length && sameJson(a[i], b[j])) j++;
    else removed.push(i);
  }
  return j === b.length ? removed : undefined;
}

/**
 * Both objects without the subtrees they share (same reference, so unchanged): the library's diff
 * of the pruned pair gives the same operations, in the same order, as the diff of the whole.
 * An array the draft only took elements out of (a rule filtered it) becomes "remove" operations of
 * those elements, pushed to `removals`, instead of the library's index-by-index rewrite of every
 * element after the first removed: the same result, and `check --fix` then deletes the removed
 * element's lines rather than rewriting its neighbours' values under their comments.
 */
function prune(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  path: string,
  removals: PatchOperation[],
): [Record<string, unknown>, Record<string, unknown>] {
  const pa: Record<string, unknown> = {};
  const pb: Record<string, unknown> = {};
  for (const key of Object.keys(a)) {
    const va = a[key];
    const has = Object.prototype.hasOwnProperty.call(b, key);
    const vb = has ? b[key] : undefined;
    if (has && va === vb) continue;
    const at = path + pointer(key);
    const removed = has && Array.isArray(va) && Array.isArray(vb) ? removedIndices(va, vb) : undefined;
    if (removed) {
      // Highest index first: each removal leaves the indices before it where they were.
      for (const i of removed.reverse()) removals.push({ op: 'remove', path: `${at}/${i}` });
    } else if (has && isObject(va) && isObject(vb)) {
      const [ca, cb] = prune(va, vb, at, removals);
      setOwn(pa, key, ca);
      setOwn(pb, key, cb);
    } else {
      setOwn(pa, key, va);
      if (has) setOwn(pb, key, vb);
    }
  }
  for (const key of Object.keys(b))
    if (!Object.prototype.hasOwnProperty.call(a, key)) setOwn(pb, key, b[key]);
  return [pa, pb];
}

/** RFC 6902 patch from `object` to its changed copy `draft`. */
export function patchBetween(object: KubeObject, draft: KubeObject): PatchOperation[] {
  const removals: PatchOperation[] = [];
  const [from, to] = prune(object, draft, '', removals);
  // The removals touch arrays the library's diff no longer sees: the order between the two is free.
  return [...(jsonpatch.compare(from, to) as PatchOperation[]), ...removals];
}
