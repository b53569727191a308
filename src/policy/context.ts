// What the guard knows about the cluster besides the object under review: AIStore CRs, PVs, PVCs,
// Nodes and StatefulSets. The webhook fills it from informer caches, the CLI from the manifest set.
// Built once per snapshot and indexed, so each review does map lookups, not scans.
import { isAIStore, type AIStoreCR } from './aistore.js';
import {
  claimRefOf,
  isObject,
  kindOf,
  labelsOf,
  nameOf,
  namespaceOf,
  type Node,
  type PersistentVolume,
  type StatefulSet,
} from './k8s.js';
import type { KubeObject } from './types.js';

export interface ContextOptions {
  /** Number of schedulable nodes when no Node objects are given (CLI `--nodes`). */
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

  /** How many known nodes carry all these labels; undefined when nodes are unknown. */
  nodesMatching(nodeSelector: Record<string, string>): number | undefined {
    if (this.nodes.length === 0) return this.options.nodeCount;
    return this.nodes.filter((n) => Object.entries(nodeSelector).every(([k, v]) => labelsOf(n)[k] === v))
      .length;
  }
}

export const EMPTY_CONTEXT = new ClusterContext();
