// A JSON value as the operator compares it once decoded into its Go types: equality.Semantic
// (k8s apimachinery) takes an empty slice or map as equal to nil, and a decoded "" of a plain string
// field is that field's zero value, as absent. Read by operator-fixed-fields (the webhook's compare
// of the fixed fields) and rollout.ts (the controller's compare of the target pod template).
import { isObject, setOwn } from './k8s.js';

/** Where the Go types of a value keep JSON's difference between written and absent. */
export interface GoTypes {
  /** Keys of a pointer to a struct: `{}` there decodes to a non-nil pointer, not to absent. */
  structPointers: ReadonlySet<string>;
  /**
   * Given: "" is the zero value of every string field but these keys (a *string, whose "" is set).
   * Absent: "" is kept as written (the types hold *string fields the guard does not list).
   */
  stringPointers?: ReadonlySet<string>;
}

/**
 * The value with what its Go types cannot tell from absent removed: a null, an empty list and an
 * empty map (but one under a `structPointers` key), and "" where `stringPointers` says so.
 */
export function settled(value: unknown, types: GoTypes, key?: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (value === '' && types.stringPointers && !(key !== undefined && types.stringPointers.has(key)))
    return undefined;
  if (Array.isArray(value))
    return value.length === 0 ? undefined : value.map((v) => settled(v, types) ?? null);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = settled(v, types, k);
    if (s !== undefined) setOwn(out, k, s);
  }
  return Object.keys(out).length > 0 || (key !== undefined && types.structPointers.has(key))
    ? out
    : undefined;
}
