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

/**
 * A deep copy of parsed JSON (objects, arrays, primitives). Several times faster than
 * structuredClone on admission objects, which matters: every AIStore object is copied once.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = cloneJson((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * A field's value as a message quotes it. Unvalidated input can hold anything where a string belongs,
 * and `${value}` throws on some JSON (an object with a "toString" key): strings as they are, other
 * values as clipped JSON, never an exception (test/policy/robustness.test.ts).
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value) ?? typeof value;
    return json.length > 100 ? `${json.slice(0, 100)}…` : json;
  } catch {
    return typeof value;
  }
}

export function kindOf(obj: KubeObject): string {
  return typeof obj.kind === 'string' ? obj.kind : '';
}

export function groupOf(obj: KubeObject): string {
  const api = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return api.includes('/') ? api.slice(0, api.indexOf('/')) : '';
}

export function nameOf(obj: KubeObject): string {
  const meta: unknown = obj.metadata;
  return isObject(meta) && typeof meta.name === 'string' ? meta.name : '';
}

export function annotationsOf(obj: KubeObject): Record<string, string> {
  const meta: unknown = obj.metadata;
  return isObject(meta) ? recordOf(meta.annotations) : {};
}

export function namespaceOf(obj: KubeObject): string {
  const meta: unknown = obj.metadata;
  return isObject(meta) && typeof meta.namespace === 'string' ? meta.namespace : '';
}

export function labelsOf(obj: { metadata?: { labels?: unknown } } | undefined): Record<string, string> {
  const meta: unknown = obj?.metadata;
  return isObject(meta) ? recordOf(meta.labels) : {};
}

/**
 * The object at parent[key], created when absent. Undefined when something else is there: the
 * guard does not overwrite junk it cannot interpret (the apiserver's validation will reject it).
 */
export function objectAt(parent: unknown, key: string): Record<string, unknown> | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  if (value === undefined || value === null) return (parent[key] = {});
  return isObject(value) ? value : undefined;
}

/** The objects of an array field; anything else (junk from unvalidated input) reads as empty. */
export function objectsOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter(isObject) as T[]) : [];
}

export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function recordOf(value: unknown): Record<string, string> {
  return isObject(value) ? (value as Record<string, string>) : {};
}

/** Does a label selector select this label set? (Kubernetes semantics; an empty selector selects all.) */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!isObject(selector)) return false;
  for (const [k, v] of Object.entries(recordOf(selector.matchLabels))) if (labels[k] !== v) return false;
  for (const req of objectsOf<{ key: unknown; operator: unknown; values?: unknown }>(
    selector.matchExpressions,
  )) {
    const key = asText(req.key);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = stringsOf(req.values);
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] as string)) return false;
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

/** The hostnames a required node-selector term list pins with `In`. */
export function pinnedHostnames(terms: unknown): string[] {
  const hosts = new Set<string>();
  for (const term of objectsOf<NodeSelectorTerm>(terms)) {
    for (const req of [
      ...objectsOf<NodeSelectorRequirement>(term.matchExpressions),
      ...objectsOf<NodeSelectorRequirement>(term.matchFields),
    ]) {
      const isHost = req.key === HOSTNAME_KEY || req.key === 'metadata.name';
      if (isHost && req.operator === 'In') for (const v of stringsOf(req.values)) hosts.add(v);
    }
  }
  return [...hosts];
}

/** A PV's claimRef when it names a claim (both name and namespace are strings). */
export function claimRefOf(pv: PersistentVolume): { namespace: string; name: string } | undefined {
  const spec: unknown = pv.spec;
  const ref = isObject(spec) ? spec.claimRef : undefined;
  if (!isObject(ref) || typeof ref.name !== 'string' || !ref.name) return undefined;
  return { name: ref.name, namespace: typeof ref.namespace === 'string' ? ref.namespace : '' };
}

/** A PV's required node-selector terms, whatever shape the input had. */
export function requiredTermsOf(pv: PersistentVolume): unknown {
  const affinity = pv.spec?.nodeAffinity;
  const required = isObject(affinity) ? affinity.required : undefined;
  return isObject(required) ? required.nodeSelectorTerms : undefined;
}
