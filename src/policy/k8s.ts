// Typed views of the few Kubernetes fields the rules read. Everything is optional on purpose.
import { normalize } from 'node:path/posix';
import { clip } from './text.js';
import type { KubeObject } from './types.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey?: string;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
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
  env?: unknown;
}

export interface Volume {
  name?: string;
  persistentVolumeClaim?: { claimName?: string };
  hostPath?: { path?: string };
}

export interface PodSpec {
  nodeSelector?: Record<string, string>;
  /** Set by the scheduler's binding (or by the pod's creator, who then bypasses the scheduler). */
  nodeName?: unknown;
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
    volumeMode?: string;
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

/**
 * Kinds without a namespace (kustomize knows this from the schema): those that can appear in deploy/,
 * and those `check` meets beside an AIStore (Nodes, CSI drivers, admission policies). The apiserver
 * drops a namespace such an object names.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ClusterIssuer',
  'Node',
  'CSIDriver',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A CR section to read fields of: the object itself, or {} for anything else (absent, null, a list). */
export const objectOf = (value: unknown): Record<string, unknown> => (isObject(value) ? value : {});

/**
 * A deep copy of parsed JSON (objects, arrays, primitives). Several times faster than
 * structuredClone on admission objects, which matters: every AIStore object is copied once.
 * Iterative, with its own stack: a 3,000-deep array in a CR overflowed the call stack of the
 * recursive version and the review failed open (issue 15).
 */
/**
 * `out[key] = value`, as an own property whatever the key. Assigned, "__proto__" (an own key to
 * JSON.parse and the yaml library) sets the copy's prototype instead: the copy lost the key and read
 * the fields of its value as its own (a CR's targetSpec inherited a hostPort it did not have).
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const root: unknown = Array.isArray(value) ? new Array(value.length) : {};
  const pending: [from: object, to: Record<string, unknown> | unknown[]][] = [
    [value, root as object as never],
  ];
  while (pending.length > 0) {
    const [from, to] = pending.pop() as [object, Record<string, unknown> | unknown[]];
    if (Array.isArray(from)) {
      const out = to as unknown[];
      for (let i = 0; i < from.length; i++) out[i] = copyInto(from[i], pending);
    } else {
      const out = to as Record<string, unknown>;
      for (const key of Object.keys(from))
        setOwn(out, key, copyInto((from as Record<string, unknown>)[key], pending));
    }
  }
  return root as T;
}

function copyInto(v: unknown, pending: [object, Record<string, unknown> | unknown[]][]): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const copy = Array.isArray(v) ? new Array(v.length) : {};
  pending.push([v, copy as Record<string, unknown> | unknown[]]);
  return copy;
}

/**
 * A field's value as a message quotes it. Unvalidated input can hold anything where a string belongs,
 * and `${value}` throws on some JSON (an object with a "toString" key): strings as they are, other
 * values as clipped JSON, never an exception (test/policy/robustness.test.ts).
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return clip(JSON.stringify(value) ?? typeof value, 100);
  } catch {
    return typeof value;
  }
}

/** A string field as Go decodes it into a string: absent, null (or, unvalidated, any other type) is "". */
export const goString = (value: unknown): string => (typeof value === 'string' ? value : '');

export function kindOf(obj: KubeObject): string {
  return typeof obj.kind === 'string' ? obj.kind : '';
}

export function nameOf(obj: KubeObject): string {
  const meta: unknown = obj.metadata;
  return isObject(meta) && typeof meta.name === 'string' ? meta.name : '';
}

/**
 * Deleted and waiting on a finalizer. A PV lingers so (pv-protection) only while its claim is bound
 * to it (pv_protection_controller isBeingUsed): that claim, and the pod using it, may still write
 * its disk, so the disk stays taken; but it binds no claim made from now on (its claimRef uid is
 * the old claim's), so it is no PV to pin a new claim or pod to, and no rival of one pre-bound to
 * the same claim name.
 */
export function isBeingDeleted(obj: KubeObject): boolean {
  const meta: unknown = obj.metadata;
  return isObject(meta) && typeof meta.deletionTimestamp === 'string' && meta.deletionTimestamp !== '';
}

/** Objects in name order, by code unit (as Go sorts strings): the same on every machine and locale. */
export function byName(a: KubeObject, b: KubeObject): number {
  const x = nameOf(a);
  const y = nameOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** "Kind namespace/name" (or "Kind name" when cluster-scoped), as reports and notes name an object. */
export function kindAndName(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? '?'} ${typeof ns === 'string' && ns ? `${ns}/` : ''}${nameOf(obj)}`;
}

export function annotationsOf(obj: KubeObject): Record<string, string> {
  const meta: unknown = obj.metadata;
  return isObject(meta) ? recordOf(meta.annotations) : {};
}

/**
 * The provisioner a PV names as its maker (its annotation), if it has one: present counts, empty
 * too, as the PV controller reads it (metav1.HasAnnotation) and the webhook's conditions send it.
 */
function provisionerOf(pv: PersistentVolume): string | undefined {
  const by: unknown = annotationsOf(pv)['pv.kubernetes.io/provisioned-by'];
  return by === undefined || by === null ? undefined : asText(by);
}

/** Made by a provisioner for the claim it served (its annotation), not a disk pre-bound by hand. */
export const isProvisioned = (pv: PersistentVolume): boolean => provisionerOf(pv) !== undefined;

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

/**
 * The hostnames a PV's required node-selector terms pin with `kubernetes.io/hostname In`. Labels
 * only: Kubernetes matches a PV's node affinity against a Node built from the node's labels alone
 * (component-helpers storage/volume/helpers.go CheckNodeAffinity, called by the scheduler's
 * VolumeBinding plugin and by the kubelet before it mounts). That Node has no name, so
 * nodeaffinity.go nodeSelectorTerm.match skips matchFields (`len(nodeFields) > 0`): `matchFields
 * metadata.name` is not read for a PV and pins no node (pvLabelTerms). A pod's own node affinity
 * does honour matchFields (the scheduler's NodeAffinity plugin); nodes.ts judges pods' terms.
 */
export function pinnedHostnames(terms: unknown): string[] {
  const hosts = new Set<string>();
  for (const term of objectsOf<NodeSelectorTerm>(terms))
    for (const req of objectsOf<NodeSelectorRequirement>(term.matchExpressions))
      if (req.key === HOSTNAME_KEY && req.operator === 'In')
        for (const v of stringsOf(req.values)) hosts.add(v);
  return [...hosts];
}

/** Whether a PV's required node-selector terms ask for node fields (matchFields), which Kubernetes does not read for a PV. */
export function asksNodeFields(terms: unknown): boolean {
  return objectsOf<NodeSelectorTerm>(terms).some((t) => objectsOf(t.matchFields).length > 0);
}

/** A PV's claimRef when it names a claim (both name and namespace are strings). */
export function claimRefOf(
  pv: PersistentVolume,
): { namespace: string; name: string; uid: string | undefined } | undefined {
  const spec: unknown = pv.spec;
  const ref = isObject(spec) ? spec.claimRef : undefined;
  if (!isObject(ref) || typeof ref.name !== 'string' || !ref.name) return undefined;
  return {
    name: ref.name,
    namespace: typeof ref.namespace === 'string' ? ref.namespace : '',
    // Pins the PV to one claim object (rules/pv-claim-uid.ts); '' is none.
    uid: typeof ref.uid === 'string' && ref.uid !== '' ? ref.uid : undefined,
  };
}

/**
 * A disk the local static provisioner (sig-storage-local-static-provisioner) found on a node and
 * published as a PV (annotated local-volume-provisioner-<node>[-<uid>], named local-pv-<hash>), for
 * whichever claim of its class the scheduler binds to it on that node (WaitForFirstConsumer). Such
 * a disk outlives its claims and is freed and reused as a hand-made one is. Read from the annotation
 * and the name only, which binding never changes: the context keeps its memos across a PV's binding
 * changes (context.ts).
 */
export function isDiscoveredDisk(pv: PersistentVolume): boolean {
  const by = provisionerOf(pv);
  return (
    by !== undefined && (by.startsWith('local-volume-provisioner-') || nameOf(pv).startsWith('local-pv-'))
  );
}

/** Made by a provisioner for one claim (a dynamic class): annotated provisioned-by, not a discovered disk. */
export const isMadeForItsClaim = (pv: PersistentVolume): boolean =>
  isProvisioned(pv) && !isDiscoveredDisk(pv);

/** A PV's status.phase, when it has one (a manifest usually has none). */
export function phaseOf(pv: PersistentVolume): string | undefined {
  const status: unknown = pv.status;
  return isObject(status) && typeof status.phase === 'string' ? status.phase : undefined;
}

/**
 * The claim of the PV's claimRef uid is gone: the PV controller has Released it (or failed to
 * reclaim it) and binds it to no other claim of that name (pv_controller.go syncVolume; component-
 * helpers IsVolumeBoundToClaim compares the uid). Until someone clears the uid it is no target's
 * disk: not where a target's pod goes, not what its next claim binds, not a clash with its new PV.
 */
export function claimGone(pv: PersistentVolume): boolean {
  const phase = phaseOf(pv);
  return (phase === 'Released' || phase === 'Failed') && claimRefOf(pv)?.uid !== undefined;
}

/** A hand-made PV that can still bind the claim its claimRef names: what the guard binds a target to. */
export const canServeClaim = (pv: PersistentVolume): boolean =>
  !isProvisioned(pv) && !claimGone(pv) && !isBeingDeleted(pv);

/** A PV's required node-selector terms, whatever shape the input had. */
export function requiredTermsOf(pv: PersistentVolume): unknown {
  const affinity = pv.spec?.nodeAffinity;
  const required = isObject(affinity) ? affinity.required : undefined;
  return isObject(required) ? required.nodeSelectorTerms : undefined;
}

/**
 * Every host a PV pins by name (kubernetes.io/hostname In, any term): a PV pinned to two nodes may be
 * used on either, so it stands on its path of each (recognise.ts spareOnTargetDisk reads it so).
 */
export const pvPinnedHostnames = (pv: PersistentVolume): string[] => pinnedHostnames(requiredTermsOf(pv));

/** A PV whose required node affinity admits every node (none, or matchFields only): it pins no node. */
export const pvPinsNoNode = (pv: PersistentVolume): boolean => pvLabelTerms(requiredTermsOf(pv)).length === 0;

/**
 * A PV's required terms as CheckNodeAffinity judges them (component-helpers storage/volume/helpers.go):
 * against a Node built from labels alone, with no name, so nodeaffinity.go nodeSelectorTerm.match
 * skips matchFields (`len(nodeFields) > 0`; component-helpers v0.33.13 and v0.36.3): each term is
 * read by its matchExpressions alone. An empty term admits no node (isEmptyNodeSelectorTerm) and is
 * left out. A term of matchFields only then admits every node, and so does the PV (terms are ORed):
 * none are returned, as for a PV with no node affinity, which pins no node either.
 */
export function pvLabelTerms(terms: unknown): NodeSelectorTerm[] {
  const judged: NodeSelectorTerm[] = [];
  for (const term of objectsOf<NodeSelectorTerm>(terms)) {
    const exprs = objectsOf<NodeSelectorRequirement>(term.matchExpressions);
    if (exprs.length > 0) judged.push({ matchExpressions: exprs });
    else if (objectsOf(term.matchFields).length > 0) return [];
  }
  return judged;
}

/**
 * The one hostname a term admits by `kubernetes.io/hostname In` (its requirements are ANDed, so
 * that alone bounds it), if its hostname requirements leave exactly one.
 */
export function termHostname(term: NodeSelectorTerm): string | undefined {
  let hosts: string[] | undefined;
  for (const req of objectsOf<NodeSelectorRequirement>(term.matchExpressions))
    if (req.key === HOSTNAME_KEY && req.operator === 'In') {
      const values = stringsOf(req.values);
      hosts = hosts ? hosts.filter((h) => values.includes(h)) : [...new Set(values)];
    }
  return hosts?.length === 1 ? hosts[0] : undefined;
}

/**
 * The one host all of a PV's terms name (terms are ORed: one naming another host, or none, leaves
 * the pod free to go elsewhere). `hostOf` names a term's host, or null for a term that admits no
 * node at all and so leaves the choice to the others.
 */
export function oneHost(
  terms: NodeSelectorTerm[],
  hostOf: (term: NodeSelectorTerm) => string | undefined | null,
): string | undefined {
  let host: string | undefined;
  for (const term of terms) {
    const h = hostOf(term);
    if (h === null) continue;
    if (h === undefined || (host !== undefined && h !== host)) return undefined;
    host = h;
  }
  return host;
}

/**
 * The one node a PV is pinned to by its hostname label: every term that can admit a node names
 * that one alone. A term on another key (a driver's topology key) may admit another node, which the
 * scheduler may pick (terms are ORed): no single node then, as far as labels alone tell. With Nodes
 * known, ClusterContext.pvHost resolves such terms too; this is for callers with no context.
 */
export const pvHostname = (pv: PersistentVolume): string | undefined =>
  oneHost(pvLabelTerms(requiredTermsOf(pv)), termHostname);

/**
 * A PV's local or hostPath directory, normalised by POSIX rules ("//", "/./", "..", a trailing "/"):
 * two spellings of one directory are one disk. Undefined when the PV has neither.
 */
export function diskPathOf(pv: PersistentVolume): string | undefined {
  const spec: unknown = pv.spec;
  if (!isObject(spec)) return undefined;
  const source = isObject(spec.local) ? spec.local : isObject(spec.hostPath) ? spec.hostPath : undefined;
  return source && typeof source.path === 'string' ? normalDiskPath(source.path) : undefined;
}

export function normalDiskPath(path: string): string {
  const normal = normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Whether normalised path `inner` lies strictly inside directory `outer`. */
export const isInside = (inner: string, outer: string): boolean =>
  inner !== outer && inner.startsWith(outer === '/' ? '/' : `${outer}/`);

/**
 * Whether two normalised paths on one node share a directory tree: the same, or one inside the
 * other. A PV on a disk's mount point holds every directory on that disk; the local static
 * provisioner's cleanup of a released one empties the whole tree (deleter.go DeletePVs).
 */
export const pathsNest = (a: string, b: string): boolean => a === b || isInside(a, b) || isInside(b, a);

/** A PV's spec.capacity.storage as written (a quantity string or number), if any. */
export function capacityOf(pv: PersistentVolume): string | number | undefined {
  const spec: unknown = pv.spec;
  const capacity = isObject(spec) ? spec.capacity : undefined;
  const storage = isObject(capacity) ? capacity.storage : undefined;
  return typeof storage === 'string' || typeof storage === 'number' ? storage : undefined;
}

/** spec.replicas, defaulting to 1 as the apiserver does; undefined when it is not a count. */
export function replicasOf(sts: StatefulSet): number | undefined {
  const spec: unknown = sts.spec;
  const replicas: unknown = isObject(spec) ? spec.replicas : undefined;
  if (replicas === undefined || replicas === null) return 1;
  return typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : undefined;
}
