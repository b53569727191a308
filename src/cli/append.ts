/**
 * Appends each list's items to `list`, one push each. `list.push(...items)` passes every item as an
 * argument, and past ~125,000 of them (a manifest stream or a cluster's PVs that large) it throws
 * "Maximum call stack size exceeded" (test/cli/many-objects.test.ts).
 */
export function append<T>(list: T[], ...lists: readonly (readonly T[])[]): void {
  for (const items of lists) for (const item of items) list.push(item);
}
