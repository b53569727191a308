// What the guard knows about the cluster besides the object under review: AIStore CRs, PVs, PVCs,
// Nodes and StatefulSets. The webhook fills it from informer caches, the CLI from the manifest set.
// Built once per snapshot and indexed, so each review does map lookups, not scans.
import { isAIStore, type AIStoreCR } from './aistore.js';
import {
  claimRefOf,
  isObject,
  kindOf,
  nameOf,
  namespaceOf,
  type Node,
  type PersistentVolume,
  type StatefulSet,
} from './k8s.js';
import { nodesFromVolumes, schedulableNodes, type Placement } from './nodes.js';
import type { KubeObject } from './types.js';

export interface ContextOptions {
  /** Number of schedulable nodes when no Node objects are given (CLI `--nodes`): every target may use each. */
  nodeCount?: number;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

function push<T>(index: Map<string, T[]>, k: string, value: T): void {
  const list = index.get(k);
  if (list) list.push(value);
  else index.set(k, [value]);
}

export class ClusterContext {
  readonly aistores = new Map<string, AIStoreCR>();
  readonly statefulSets = new Map<string, StatefulSet>();
  readonly pvs: PersistentVolume[] = [];
  readonly nodes: Node[] = [];
  /** namespace/name of the PVCs in the context (the CLI's manifests; the webhook does not list claims). */
  private readonly claims = new Set<string>();
  private readonly pvsByClaim = new Map<string, PersistentVolume[]>();
  private readonly pvsByClaimNamespace = new Map<string, PersistentVolume[]>();
  private readonly aistoresByNamespace = new Map<string, AIStoreCR[]>();

  constructor(
    objects: Iterable<KubeObject> = [],
    readonly options: ContextOptions = {},
  ) {
    for (const obj of objects) this.add(obj);
  }

  private add(obj: KubeObject): void {
    if (!isObject(obj)) return;
    const ns = namespaceOf(obj);
    if (isAIStore(obj)) {
      this.aistores.set(key(ns, nameOf(obj)), obj);
      push(this.aistoresByNamespace, ns, obj);
      return;
    }
    switch (kindOf(obj)) {
      case 'StatefulSet':
        this.statefulSets.set(key(ns, nameOf(obj)), obj as StatefulSet);
        return;
      case 'Node':
        this.nodes.push(obj as Node);
        return;
      case 'PersistentVolumeClaim':
        this.claims.add(key(ns, nameOf(obj)));
        return;
      case 'PersistentVolume': {
        const pv = obj as PersistentVolume;
        this.pvs.push(pv);
        const ref = claimRefOf(pv);
        if (ref) {
          push(this.pvsByClaim, key(ref.namespace, ref.name), pv);
          push(this.pvsByClaimNamespace, ref.namespace, pv);
        }
        return;
      }
    }
  }

  private readonly memos = new Map<string, unknown>();

  /**
   * A value derived from this (immutable) snapshot, computed once. Bounded, since keys carry names
   * from requests and the empty context is never rebuilt.
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    if (this.memos.size >= 1000) this.memos.clear();
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  aistore(namespace: string, name: string): AIStoreCR | undefined {
    return this.aistores.get(key(namespace, name));
  }

  aistoresIn(namespace: string): AIStoreCR[] {
    return this.aistoresByNamespace.get(namespace) ?? [];
  }

  statefulSet(namespace: string, name: string): StatefulSet | undefined {
    return this.statefulSets.get(key(namespace, name));
  }

  /** PVs pre-bound (claimRef) to this claim. More than one is itself a finding. */
  pvsForClaim(namespace: string, claimName: string): PersistentVolume[] {
    return this.pvsByClaim.get(key(namespace, claimName)) ?? [];
  }

  /** PVs pre-bound to claims in this namespace. */
  pvsForNamespace(namespace: string): PersistentVolume[] {
    return this.pvsByClaimNamespace.get(namespace) ?? [];
  }

  /** Whether a claim of this name exists in the context or a PV is pre-bound to it. */
  claimInUse(namespace: string, claimName: string): boolean {
    return this.claims.has(key(namespace, claimName)) || this.pvsByClaim.has(key(namespace, claimName));
  }

  /**
   * How many nodes a pod with this placement can be scheduled on: from the Node objects, else the
   * CLI's node count (taken as already matching); undefined when nodes are unknown.
   */
  /** The node names PVs pin (kubernetes.io/hostname In): nodes that exist, whatever else does. */
  hostsOfVolumes(): string[] {
    return nodesFromVolumes(this.pvs).map(nameOf);
  }

  schedulableNodeCount(placement: Placement): number | undefined {
    if (this.nodes.length === 0) return this.options.nodeCount;
    return schedulableNodes(placement, this.nodes).length;
  }
}

export const EMPTY_CONTEXT = new ClusterContext();
