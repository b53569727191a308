// Typed views of the few Kubernetes fields the rules read. Everything is optional on purpose.
import type { KubeObject } from './types.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey?: string;
  namespaces?: string[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  podAffinity?: unknown;
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}

export interface Container {
  name?: string;
  ports?: ContainerPort[];
}

export interface Volume {
  name?: string;
  persistentVolumeClaim?: { claimName?: string };
  hostPath?: { path?: string };
}

export interface PodSpec {
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  hostNetwork?: boolean;
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

export interface Pod extends KubeObject {
  spec?: PodSpec;
}

export interface StatefulSet extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
    volumeClaimTemplates?: { metadata?: { name?: string }; spec?: PvcSpec }[];
  };
}

export interface PvcSpec {
  accessModes?: string[];
  storageClassName?: string;
  volumeName?: string;
  resources?: { requests?: { storage?: string | number } };
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: PvcSpec;
}

export interface PersistentVolume extends KubeObject {
  spec?: {
    storageClassName?: string;
    capacity?: { storage?: string | number };
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    hostPath?: { path?: string };
    local?: { path?: string };
    claimRef?: { namespace?: string; name?: string };
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  };
}

export interface Node extends KubeObject {
  metadata?: KubeObject['metadata'];
}

export const HOSTNAME_KEY = 'kubernetes.io/hostname';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function kindOf(obj: KubeObject): string {
  return typeof obj.kind === 'string' ? obj.kind : '';
}

export function groupOf(obj: KubeObject): string {
  const api = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return api.includes('/') ? api.slice(0, api.indexOf('/')) : '';
}

export function nameOf(obj: KubeObject): string {
  return typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
}

export function labelsOf(obj: { metadata?: { labels?: unknown } } | undefined): Record<string, string> {
  const labels = obj?.metadata?.labels;
  return isObject(labels) ? (labels as Record<string, string>) : {};
}

/** Does a label selector select this label set? (Kubernetes semantics; an empty selector selects all.) */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The single hostname a node-selector term list pins, if it pins exactly one. */
export function pinnedHostnames(terms: NodeSelectorTerm[] | undefined): string[] {
  const hosts = new Set<string>();
  for (const term of terms ?? []) {
    for (const req of [...(term.matchExpressions ?? []), ...(term.matchFields ?? [])]) {
      const isHost = req.key === HOSTNAME_KEY || req.key === 'metadata.name';
      if (isHost && req.operator === 'In') for (const v of req.values ?? []) hosts.add(v);
    }
  }
  return [...hosts];
}
