// What the informers keep of each object: only the fields the rules read. A Node's status (30-50
// image entries, conditions, heartbeats) is most of its size, and status updates are most of the
// watch traffic; dropping it also makes those updates no-ops for the context (see ClusterContext's
// node signature). Reduced in place, on the very object ListWatch caches, so the cache and the
// context share one small object.
import type { KubernetesObject } from '@kubernetes/client-node';

type Obj = KubernetesObject & { spec?: unknown; status?: unknown; [key: string]: unknown };
type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps only these keys of a record, in place; absent keys stay absent. */
function keep(record: Json, keys: readonly string[]): void {
  for (const k of Object.keys(record)) if (!keys.includes(k)) delete record[k];
}

/** metadata.* read by ListWatch (name, namespace, resourceVersion) or by the rules. */
const METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'labels',
  'annotations',
  'ownerReferences',
] as const;
/** A copy of the whole object, written by kubectl apply: large, and read by no rule. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function reduceMetadata(obj: Obj, keys: readonly string[] = METADATA): void {
  const metadata = obj.metadata as Json | undefined;
  if (!isRecord(metadata)) return;
  keep(metadata, keys);
  const annotations = metadata.annotations;
  if (isRecord(annotations)) delete annotations[LAST_APPLIED];
}

/** Node: name, labels, taints, unschedulable (what nodeSelector, tolerations and cordon decide). */
function reduceNode(obj: Obj): void {
  reduceMetadata(obj, ['name', 'uid', 'resourceVersion', 'labels']);
  delete obj.status;
  if (isRecord(obj.spec)) keep(obj.spec, ['taints', 'unschedulable']);
}

/** PV: claimRef, the disk path, node affinity, capacity, class and modes; no status (phase is read by no rule). */
function reducePersistentVolume(obj: Obj): void {
  reduceMetadata(obj);
  delete obj.status;
  const spec = obj.spec;
  if (!isRecord(spec)) return;
  keep(spec, [
    'claimRef',
    'local',
    'hostPath',
    'nodeAffinity',
    'capacity',
    'storageClassName',
    'accessModes',
    'persistentVolumeReclaimPolicy',
  ]);
  if (isRecord(spec.claimRef)) keep(spec.claimRef, ['namespace', 'name', 'uid']);
}

/** StatefulSet: metadata and spec (replicas, template, claim templates); status churns and is read by no rule. */
function reduceStatefulSet(obj: Obj): void {
  reduceMetadata(obj);
  delete obj.status;
}

/**
 * Shapes a cached object in place: items of a list of built-in kinds come without apiVersion and
 * kind (the list carries them), and the context sorts objects by kind; then only what rules read
 * is kept. Idempotent: ListWatch may hand the same object over twice (listed, then updated).
 */
export function reduce(obj: Obj, apiVersion: string, kind: string): void {
  obj.apiVersion ??= apiVersion;
  obj.kind ??= kind;
  switch (kind) {
    case 'Node':
      return reduceNode(obj);
    case 'PersistentVolume':
      return reducePersistentVolume(obj);
    case 'StatefulSet':
      return reduceStatefulSet(obj);
    default:
      // AIStore CRs: few, and read whole (spec and the operator's status).
      if (isRecord(obj.metadata)) delete obj.metadata.managedFields;
  }
}
