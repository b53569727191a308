// A set of objects judged together, as `check`, `audit` and `plan` judge manifests and live objects:
// every object a CREATE, or an UPDATE of its stored version when one is given (a live CR: of itself),
// and the set (with `given` objects, such as Nodes) its cluster context.
import { isAIStore } from './aistore.js';
import { ClusterContext, type ContextOptions } from './context.js';
import { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.js';
import { asText, CLUSTER_SCOPED_KINDS } from './k8s.js';
import type { KubeObject } from './types.js';

export interface SetOptions extends Pick<EvaluateOptions, 'modes'>, ContextOptions {
  /** Part of the context, not judged (Node objects from check --nodes-file). */
  given?: KubeObject[];
  /**
   * The objects are live (audit). A CR is judged as the UPDATE from itself, unratcheted: what the
   * operator keeps as created (hostPort, anti-affinity) is said as fixed, with a fix a live CR can
   * take, and its violations are reported, not excused as "already so". The others are judged
   * beside each CR as stored, which the operator rendered them from, not as the guard would admit
   * that CR if created now.
   */
  live?: boolean;
  /**
   * The versions applied now (check --base): an object with the same kind, namespace and name is
   * judged as the UPDATE from that version, as the webhook judges the apply of a change; the others
   * as CREATEs. A stored version is taken as written: a live CR reached its layout by updates too,
   * which get none of the guard's CREATE changes, so assuming them (disablePodAntiAffinity: true)
   * would hide Pending targets. A stored object the set no longer has stays in the context:
   * `kubectl apply` deletes nothing, and a pruned PV stays while its claim is bound.
   */
  stored?: KubeObject[];
}

/**
 * group/kind/namespace/name, as the apiserver tells objects apart (a core Service and a Knative one of
 * one name are two); no namespace for a cluster-scoped kind (CLUSTER_SCOPED_KINDS), whose stray
 * namespace the apiserver drops. Undefined for an object without a name (it can only be created).
 */
export function identityOf(o: KubeObject): string | undefined {
  const name = o.metadata?.name;
  if (typeof name !== 'string' || name === '') return undefined;
  const kind = asText(o.kind);
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const ns = o.metadata?.namespace;
  const namespace = typeof ns === 'string' && !CLUSTER_SCOPED_KINDS.has(kind) ? ns : '';
  return `${group}/${kind}/${namespace}/${name}`;
}

function byIdentity(objects: KubeObject[] = []): Map<string, KubeObject> {
  const index = new Map<string, KubeObject>();
  for (const o of objects) {
    const id = identityOf(o);
    if (id !== undefined) index.set(id, o);
  }
  return index;
}

/** The stored objects `objects` does not have: still in the cluster while the change is applied. */
export function storedOnly(objects: KubeObject[], stored: KubeObject[] = []): KubeObject[] {
  if (stored.length === 0) return [];
  const kept = new Set(objects.map(identityOf));
  return stored.filter((o) => !kept.has(identityOf(o)));
}

/**
 * The evaluations of `objects`, in their order. The AIStore CRs first: the other objects
 * (StatefulSets, pods, claims, PVs) then see each CR as the guard admits it, its own changes made
 * (a multi-target CR gets disablePodAntiAffinity: true), as they would see it stored in a cluster;
 * those of a `live` set see the CR as it is stored.
 */
export function evaluateSet(objects: KubeObject[], options: SetOptions = {}): Evaluation[] {
  const stayed = storedOnly(objects, options.stored);
  const context = (set: KubeObject[]) =>
    new ClusterContext([...(options.given ?? []), ...stayed, ...set], { nodeCount: options.nodeCount });
  const stored = byIdentity(options.stored);
  const admit = (object: KubeObject, ctx: ClusterContext) => {
    const id = stored.size > 0 ? identityOf(object) : undefined;
    const oldObject = id === undefined ? undefined : stored.get(id);
    const subject = oldObject
      ? { operation: 'UPDATE' as const, object, oldObject }
      : { operation: 'CREATE' as const, object };
    return evaluate(subject, ctx, { modes: options.modes });
  };
  const asLive = (cr: KubeObject, ctx: ClusterContext) =>
    evaluate({ operation: 'UPDATE', object: cr, oldObject: cr }, ctx, {
      modes: options.modes,
      asStored: true,
    });
  const asWritten = context(objects);
  const judgeCR = options.live ? asLive : admit;
  const crs = objects.map((o) => (isAIStore(o) ? judgeCR(o, asWritten) : undefined));
  const changed = !options.live && crs.some((e) => e !== undefined && e.patch.length > 0);
  const admitted = changed ? context(objects.map((o, i) => crs[i]?.object ?? o)) : asWritten;
  return objects.map((o, i) => crs[i] ?? admit(o, admitted));
}
