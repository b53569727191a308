// Plain JSON values, by the diff library's public API: equality, and the value a JSON pointer names.
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

/** The value at `pointer`, or undefined when the way there is missing (the library throws then). */
export function valueAt(document: unknown, pointer: string): unknown {
  try {
    return jsonpatch.getValueByPointer(document, pointer);
  } catch {
    return undefined;
  }
}
