// Plain JSON values: equality (by the diff library's public API), and the value a JSON pointer names.
import jsonpatch from 'fast-json-patch';

/** Equal as JSON values (copies of one another count as equal). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  return Array.isArray(a) === Array.isArray(b) && jsonpatch.compare(a, b).length === 0;
}

/** A JSON Pointer to one place where two documents (both objects, or both arrays) differ, or undefined. */
export function somewhereDifferent(a: object, b: object): string | undefined {
  return jsonpatch.compare(a, b)[0]?.path;
}

/**
 * The value at `pointer`, or undefined when the way there is missing. Own properties only: the diff
 * library's getValueByPointer reads through the prototype, so a label key such as `constructor` or
 * `toString` (valid, and the apiserver sends it) named a function, and a rule formatting it threw.
 */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let at = document;
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    if (Array.isArray(at) && !/^(0|[1-9]\d*)$/.test(key)) return undefined; // not `length`
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
