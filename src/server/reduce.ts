// What the informers keep of each object: only the fields the rules read, in a fresh compact
// object made on arrival (list pages and watch events alike), so the informer's cache and the
// context share one small object. A Node's status (30-50 image entries, conditions, heartbeats)
// is most of its size and status updates are most of the watch traffic: without it, those updates
// change nothing the context indexes. Low-cardinality strings (access modes, class names, label
// keys, operators) are interned: 100,000 PVs then share one "ReadWriteOnce".
import type { KubernetesObject } from '@kubernetes/client-node';

export type Cached = KubernetesObject & { spec?: unknown; status?: unknown; [key: string]: unknown };
type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Interned strings, bounded in count and length: past either bound a string is kept as it came
 * (correct, just not shared). Short only, since the table outlives the objects that brought them.
 */
const INTERN_LIMIT = 50_000;
const INTERN_MAX_LENGTH = 64;
const interned = new Map<string, string>();
function intern<T>(value: T): T {
  if (typeof value !== 'string' || value.length > INTERN_MAX_LENGTH) return value;
  const found = interned.get(value);
  if (found !== undefined) return found as T;
  if (interned.size < INTERN_LIMIT) interned.set(value, value);
  return value;
}

/** A plain JSON value copied with every string interned (for small, repetitive parts: affinity, taints). */
function internDeep(value: unknown): unknown {
  if (typeof value === 'string') return intern(value);
  if (Array.isArray(value)) return value.map(internDeep);
  if (isRecord(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[intern(k)] = internDeep(v);
    return out;
  }
  return value;
}

/**
 * One shared copy of equal small structures (PVs of one node carry the same node affinity; most
 * PVs the same capacity and access modes). Cached objects are read-only (rules change copies), so
 * sharing is safe. The table outlives the objects that brought them, so what it keeps is bounded by
 * an estimate of their heap as well as by count: only a structure of at most SHARE_MAX_LENGTH
 * characters of JSON is kept, and only while the estimates total at most SHARE_BUDGET (atk54: 5,000
 * PVs, each with its own 400-host affinity, deleted again, left 115-312 MB in it). Past them a value
 * is copied, not shared.
 */
const SHARE_MAX_LENGTH = 1_024;
const SHARE_BUDGET = 8 << 20;
let sharedBytes = 0;
const sharedValues = new Map<string, unknown>();
function shared(value: unknown): unknown {
  const k = JSON.stringify(value);
  const found = sharedValues.get(k);
  if (found !== undefined) return found;
  const copy = internDeep(value);
  const bytes = k.length <= SHARE_MAX_LENGTH ? heapEstimate(k) : Infinity;
  if (sharedBytes + bytes <= SHARE_BUDGET && sharedValues.size < INTERN_LIMIT) {
    sharedValues.set(k, copy);
    sharedBytes += bytes;
  }
  return copy;
}

/**
 * What a shared structure holds on the heap, roughly: its JSON text (the table's key, up to two bytes
 * a character) and its copy, about 48 bytes for each object, array and entry ("{", "[", "," each
 * start one; measured: 300 empty terms in ~1 KiB of JSON held ~14 KB, not 1 KiB: rvw54).
 */
function heapEstimate(json: string): number {
  let parts = 1;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x7b || c === 0x5b || c === 0x2c) parts++;
  }
  return 2 * json.length + 48 * parts;
}

/** Keeps only these keys of a record (absent ones stay absent), as a new object. */
function pick(record: unknown, keys: readonly string[], each: (v: unknown) => unknown = (v) => v): Json {
  const out: Json = {};
  if (!isRecord(record)) return out;
  for (const k of keys) if (record[k] !== undefined) out[k] = each(record[k]);
  return out;
}

/** A copy of the whole object, written by kubectl apply: large, and read by no rule. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function internRecord(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (k !== LAST_APPLIED) out[intern(k)] = intern(v);
  return out;
}

/**
 * metadata: what ListWatch keys and resumes by (name, namespace, resourceVersion) and what rules
 * read (labels, annotations, ownerReferences; uid only where an ownerReference may point to it).
 */
function metadataOf(obj: Cached, keys: readonly string[]): Json {
  const metadata = pick(obj.metadata, keys);
  if (metadata.labels !== undefined) metadata.labels = internRecord(metadata.labels);
  if (metadata.annotations !== undefined) metadata.annotations = internRecord(metadata.annotations);
  if (metadata.namespace !== undefined) metadata.namespace = intern(metadata.namespace);
  return metadata;
}

const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const BASIC = ['name', 'namespace', 'resourceVersion', 'labels', 'annotations'] as const;

/** Node: name, labels, taints, unschedulable (what nodeSelector, tolerations and cordon decide). */
function nodeOf(obj: Cached): Cached {
  const spec = pick(obj.spec, ['taints', 'unschedulable'], internDeep);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: metadataOf(obj, ['name', 'resourceVersion', 'labels']),
    ...(Object.keys(spec).length > 0 && { spec }),
  };
}

/**
 * A PV whose claim of its claimRef.uid is gone (rules/pv-claim-uid.ts): Released, or Failed to be
 * reclaimed. Bound PVs, nearly all of them, keep neither uid nor phase: ~100 bytes each, and
 * their phase changes stay invisible to the context.
 */
const CLAIM_GONE = new Set(['Released', 'Failed']);

/** PV: claimRef, the disk path, node affinity, capacity, class, access and volume modes; uid and phase only off Bound. */
function persistentVolumeOf(obj: Cached): Cached {
  const spec = pick(obj.spec, [
    'claimRef',
    'local',
    'hostPath',
    'nodeAffinity',
    'capacity',
    'storageClassName',
    'accessModes',
    'persistentVolumeReclaimPolicy',
    'volumeMode',
  ]);
  const phase = isRecord(obj.status) ? obj.status.phase : undefined;
  const claimKeys = phase === 'Bound' ? ['namespace', 'name'] : ['namespace', 'name', 'uid'];
  if (spec.claimRef !== undefined) spec.claimRef = pick(spec.claimRef, claimKeys);
  if (isRecord(spec.claimRef) && spec.claimRef.namespace !== undefined)
    spec.claimRef.namespace = intern(spec.claimRef.namespace);
  if (spec.local !== undefined) spec.local = pick(spec.local, ['path']);
  if (spec.hostPath !== undefined) spec.hostPath = pick(spec.hostPath, ['path']);
  for (const k of ['nodeAffinity', 'capacity', 'accessModes'] as const)
    if (spec[k] !== undefined) spec[k] = shared(spec[k]);
  for (const k of ['storageClassName', 'persistentVolumeReclaimPolicy', 'volumeMode'] as const)
    if (spec[k] !== undefined) spec[k] = intern(spec[k]);
  // deletionTimestamp: a PV being deleted binds no claim (k8s.ts isBeingDeleted).
  const metadata = metadataOf(obj, ['name', 'resourceVersion', 'labels', 'deletionTimestamp']);
  // Of a PV's annotations rules read one (recognise.ts: dynamically provisioned PVs are not the
  // operator's concern); the controllers' bookkeeping ones are dropped.
  const annotations = isRecord(obj.metadata) ? obj.metadata.annotations : undefined;
  const provisioner = isRecord(annotations) ? annotations[PROVISIONED_BY] : undefined;
  if (provisioner !== undefined) metadata.annotations = { [PROVISIONED_BY]: intern(provisioner) };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata,
    spec,
    ...(typeof phase === 'string' && CLAIM_GONE.has(phase) && { status: { phase: intern(phase) } }),
  };
}

/** StatefulSet: metadata and spec (replicas, template, claim templates); status churns and is read by no rule. */
function statefulSetOf(obj: Cached): Cached {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    // deletionTimestamp: a StatefulSet being deleted makes no claims (claims.ts cachedSetClaims).
    metadata: metadataOf(obj, [...BASIC, 'uid', 'ownerReferences', 'deletionTimestamp']),
    spec: obj.spec,
  };
}

/**
 * The object to cache for one the apiserver sent. Items of a list of built-in kinds come without
 * apiVersion and kind (the list carries them), and the context sorts objects by kind: both are
 * set. AIStore CRs are few and read whole (spec and the operator's status), less managedFields.
 */
export function reduced(obj: Cached, apiVersion: string, kind: string): Cached {
  switch (kind) {
    case 'Node':
      return nodeOf(obj);
    case 'PersistentVolume':
      return persistentVolumeOf(obj);
    case 'StatefulSet':
      return statefulSetOf(obj);
    default: {
      const out: Cached = { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? kind };
      if (isRecord(obj.metadata)) out.metadata = { ...obj.metadata, managedFields: undefined };
      delete (out.metadata as Json | undefined)?.managedFields;
      return out;
    }
  }
}
