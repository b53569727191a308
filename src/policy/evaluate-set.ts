// A set of objects judged together, as `check`, `audit` and `plan` judge manifests and live objects:
// every object a CREATE, the set (and `given` objects, such as Nodes) its cluster context.
import { isAIStore } from './aistore.js';
import { ClusterContext, type ContextOptions } from './context.js';
import { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.js';
import type { KubeObject } from './types.js';

export interface SetOptions extends Pick<EvaluateOptions, 'modes'>, ContextOptions {
  /** Part of the context, not judged (Node objects from check --nodes-file). */
  given?: KubeObject[];
  /**
   * The objects are live (audit): the others are judged beside each CR as stored, which the
   * operator rendered them from, not as the guard would admit that CR if created now.
   */
  live?: boolean;
}

/**
 * The evaluations of `objects`, in their order. The AIStore CRs first: the other objects
 * (StatefulSets, pods, claims, PVs) then see each CR as the guard admits it, its own changes made
 * (a multi-target CR gets disablePodAntiAffinity: true), as they would see it stored in a cluster;
 * those of a `live` set see the CR as it is stored.
 */
export function evaluateSet(objects: KubeObject[], options: SetOptions = {}): Evaluation[] {
  const context = (set: KubeObject[]) =>
    new ClusterContext([...(options.given ?? []), ...set], { nodeCount: options.nodeCount });
  const create = (object: KubeObject, ctx: ClusterContext) =>
    evaluate({ operation: 'CREATE', object }, ctx, { modes: options.modes });
  const asWritten = context(objects);
  const crs = objects.map((o) => (isAIStore(o) ? create(o, asWritten) : undefined));
  const changed = !options.live && crs.some((e) => e !== undefined && e.patch.length > 0);
  const admitted = changed ? context(objects.map((o, i) => crs[i]?.object ?? o)) : asWritten;
  return objects.map((o, i) => crs[i] ?? create(o, admitted));
}
