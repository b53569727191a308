// What the guard knows about the cluster besides the object under review: AIStore CRs, PVs, PVCs,
// Nodes and StatefulSets. The webhook keeps one context up to date from its informers (upsert and
// remove, a few map operations per event); the CLI builds one from its manifest set.
// Every query is an index lookup whose work is proportional to what it returns (the objects of one
// AIStore deployment), never to the cluster: a 5,000-node, 100,000-PV cluster costs a review what
// a 5-node one does. `visited` counts the objects queries touch, so a test can hold that.
import jsonpatch from 'fast-json-patch';
import { isAIStore, mountsOf, targetClaimEnd, targetCrCandidates, type AIStoreCR } from './aistore.js';
import {
  asText,
  byName,
  claimRefOf,
  HOSTNAME_KEY,
  isBeingDeleted,
  isDiscoveredDisk,
  isObject,
  kindOf,
  labelsOf,
  nameOf,
  namespaceOf,
  objectsOf,
  oneHost,
  pinnedHostnames,
  pvLabelTerms,
  recordOf,
  requiredTermsOf,
  selectorMatches,
  stringsOf,
  termHostname,
  type LabelSelector,
  type Node,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  type PersistentVolume,
  type StatefulSet,
} from './k8s.js';
import {
  autoScaleNodes,
  knownByNameOnly,
  matchesRequiredTerms,
  namedNodeLimit,
  narrowingRequirements,
  schedulableNodes,
  type Placement,
} from './nodes.js';
import { isOperatorTargetStatefulSet } from './recognise.js';
import type { KubeObject } from './types.js';

export interface ContextOptions {
  /** Number of schedulable nodes when no Node objects are given (CLI `--nodes`): every target may use each. */
  nodeCount?: number;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
/** Memo entries kept per context: keys carry values from requests, so the map must not grow unbounded. */
const MEMO_LIMIT = 1000;
/** The longest memoByNodes (and countNodes) key kept: a placement written by hand is far shorter. */
const MEMO_KEY_LIMIT = 4096;
/** The most node counts kept (countNodes): each AIStore deployment's placements, and a few a review gives. */
const NODE_COUNTS_KEPT = 64;

/**
 * A memoForSet record. `changed` is undefined while its value holds; once an event of its set came,
 * it names the PVs that came, went or changed since (empty when only the target StatefulSet did),
 * a Node event included when it may move the PV to another node (hostsMoved).
 */
interface SetMemo {
  value: object;
  hostsVersion: number;
  changed?: Set<string>;
}

/** What memoForSet hands `make` of a set's last record, while no record must be made afresh. */
export interface LastSetMemo<T> {
  value: T;
  /** The PVs (by name) that came, went or changed in the set since `value` was made. */
  changed: ReadonlySet<string>;
}

/** The CR a target StatefulSet (`<cr>-target`) belongs to, by its name. */
const crOfTargetStatefulSet = (name: string) =>
  name.endsWith('-target') ? name.slice(0, -'-target'.length) : undefined;

/** A bucket of one: most claims have one PV, and a Map costs some 200 bytes more than this. */
class Single<T> {
  constructor(
    readonly k: string,
    readonly value: T,
  ) {}
}

/** A map of keyed buckets, each a map by object key, so an object leaves its bucket in O(1). */
class Buckets<T> {
  private readonly buckets = new Map<string, Map<string, T> | Single<T>>();

  add(bucket: string, k: string, value: T): void {
    const found = this.buckets.get(bucket);
    if (!found || (found instanceof Single && found.k === k)) this.buckets.set(bucket, new Single(k, value));
    else if (found instanceof Single)
      this.buckets.set(
        bucket,
        new Map([
          [found.k, found.value],
          [k, value],
        ]),
      );
    else found.set(k, value);
  }

  delete(bucket: string, k: string): void {
    const found = this.buckets.get(bucket);
    if (found instanceof Single) {
      if (found.k === k) this.buckets.delete(bucket);
    } else if (found?.delete(k) && found.size === 0) this.buckets.delete(bucket);
  }

  /** The bucket's objects, keyed; an empty map when there are none. */
  get(bucket: string): ReadonlyMap<string, T> {
    const found = this.buckets.get(bucket);
    if (found instanceof Single) return new Map([[found.k, found.value]]);
    return found ?? EMPTY;
  }

  values(bucket: string): T[] {
    const found = this.buckets.get(bucket);
    if (found instanceof Single) return [found.value];
    return found ? [...found.values()] : [];
  }

  isEmpty(): boolean {
    return this.buckets.size === 0;
  }

  has(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  /** The bucket's object of key `k`, if it holds one. */
  find(bucket: string, k: string): T | undefined {
    const found = this.buckets.get(bucket);
    return found instanceof Single ? (found.k === k ? found.value : undefined) : found?.get(k);
  }

  /** How many objects the bucket holds, without listing them. */
  count(bucket: string): number {
    const found = this.buckets.get(bucket);
    return found instanceof Single ? 1 : (found?.size ?? 0);
  }

  keys(): IterableIterator<string> {
    return this.buckets.keys();
  }
}
const EMPTY: ReadonlyMap<string, never> = new Map<string, never>();

/** The parts of a Node the rules read: a change elsewhere (status, heartbeats) changes no answer. */
function nodeSignature(node: Node): string {
  const spec: unknown = node.spec;
  return JSON.stringify([
    labelsOf(node),
    isObject(spec) ? spec.taints : undefined,
    isObject(spec) ? spec.unschedulable : undefined,
  ]);
}

/** The class of a disk the local static provisioner published and no claim has yet, if it is one. */
function freeDiskClass(pv: PersistentVolume, ref: unknown): string | undefined {
  const storageClass = pv.spec?.storageClassName;
  return !ref && typeof storageClass === 'string' && storageClass && isDiscoveredDisk(pv)
    ? storageClass
    : undefined;
}

/** The volume a Bound claim holds (a claim pre-bound by volumeName alone is not Bound yet). */
function boundVolumeOf(claim: KubeObject): string | undefined {
  const { spec, status } = claim as { spec?: unknown; status?: unknown };
  if (!isObject(status) || status.phase !== 'Bound' || !isObject(spec)) return undefined;
  return typeof spec.volumeName === 'string' && spec.volumeName !== '' ? spec.volumeName : undefined;
}

/** `key=value`. Values come from unvalidated objects too: a non-string one never matches a label. */
const labelKey = (k: string, v: unknown) => `${k}=${asText(v)}`;

/**
 * The labels (`key=value`) a PV's terms ask a node to carry by `In`, on keys that name no zone, where
 * a term leaves no one hostname (k8s.ts termHostname: none, two, or none in common): those whose
 * Nodes ClusterContext.termNodeHost reads to find the PV's node.
 */
function nodeLabelPins(pv: PersistentVolume): string[] {
  const pins: string[] = [];
  for (const term of pvLabelTerms(requiredTermsOf(pv))) {
    if (termHostname(term) !== undefined) continue;
    for (const req of objectsOf<NodeSelectorRequirement>(term.matchExpressions))
      if (req.operator === 'In' && typeof req.key === 'string' && !isZoneKey(req.key))
        for (const v of stringsOf(req.values)) pins.push(labelKey(req.key, v));
  }
  return pins;
}

/** The most candidate Nodes pvAdmitsNoNode looks at. */
const TOPOLOGY_WALK = 64;

/**
 * A label naming a zone or region (topology.kubernetes.io/zone, a CSI driver's
 * topology.ebs.csi.aws.com/zone, the Hetzner Cloud driver's csi.hetzner.cloud/location): never a
 * node pin, however few Nodes carry a value today. A heuristic on the key's last segment: a driver
 * that pins a volume to a place many nodes share names it so.
 */
const isZoneKey = (key: string) => /zone|region|location/i.test(key.slice(key.lastIndexOf('/') + 1));

/** What a PV's binding changes: read from the object by rules, never by an index or a memo. */
const BINDING_STATE = new Set([
  '/metadata/resourceVersion',
  '/spec/claimRef/uid',
  '/status',
  '/status/phase',
]);

/**
 * How a PV watch event's object differs from the cached one: in nothing a rule reads (its
 * resourceVersion: a relist hands every PV over again), only in its binding state (a claimRef uid and
 * phase once its claim is gone), which changes no index key, or in more. fast-json-patch's compare
 * walks every field (a reduced PV is a few dozen): ~2 µs per PV event.
 */
function pvChange(known: object, next: object): 'none' | 'binding' | 'more' {
  const ops = jsonpatch.compare(known, next);
  if (!ops.every((op) => BINDING_STATE.has(op.path))) return 'more';
  return ops.every((op) => op.path === '/metadata/resourceVersion') ? 'none' : 'binding';
}

export class ClusterContext {
  readonly aistores = new Map<string, AIStoreCR>();
  readonly statefulSets = new Map<string, StatefulSet>();
  /** CRs with a useHostPath mount: their targets write host directories no PV stands for. Few. */
  private readonly hostPathCRs = new Map<string, AIStoreCR>();
  private readonly nodeByName = new Map<string, { node: Node; signature: string }>();
  /** Node names by label `key=value`; the Node itself is read from nodeByName (one copy to swap). */
  private readonly nodesByLabel = new Buckets<string>();
  /** Node names by label key, whatever the value: where a required `Exists` starts. */
  private readonly nodesByLabelKey = new Buckets<string>();
  /** Nodes known by name only (nodes.ts knownByNameOnly: `check --nodes-file` with bare names). */
  private readonly namesOnly = new Set<string>();
  private readonly pvByName = new Map<string, PersistentVolume>();
  private readonly pvsByClaim = new Buckets<PersistentVolume>();
  /** PVs pre-bound to a claim named as one of a CR's targets' (aistore.ts targetCrCandidates), by namespace and CR. */
  private readonly pvsByTargetCR = new Buckets<PersistentVolume>();
  private readonly pvsByHost = new Buckets<PersistentVolume>();
  /**
   * The PVs of targetPvsByHost's kind with a term that leaves no one hostname, by each label
   * `key=value` such a term asks a node to carry (nodeLabelPins): the Nodes termNodeHost reads to
   * find the PV's node. Empty where every PV is pinned by one hostname.
   */
  private readonly pvsByNodeLabel = new Buckets<PersistentVolume>();
  /** The PVs of pvsByHost pre-bound to a claim named as a target's (`…-target-<N>`). */
  private readonly targetPvsByHost = new Buckets<PersistentVolume>();
  /** Free disks the local static provisioner published (no claimRef yet), by storage class. */
  private readonly freeDisksByClass = new Buckets<PersistentVolume>();
  /**
   * The same disks by class and label (`<class>\0<key>=<value>`) and by class and label key
   * (`<class>\0<key>`): where a mount's selector finds its candidates (hasFreeDiscoveredDisk).
   */
  private readonly freeDisksByClassLabel = new Buckets<PersistentVolume>();
  private readonly aistoresByNamespace = new Buckets<AIStoreCR>();
  /** The CRs by name, keyed by namespace: where a claim named for a CR's targets may be made. */
  private readonly aistoresByName = new Buckets<AIStoreCR>();
  /**
   * By CR name, the namespaces where PVs are pre-bound to claims named for that CR's targets
   * (pvsByTargetCR) and no AIStore of that name is: where a CR's claims may have been pre-bound one
   * namespace away. Kept up to date by PV and CR events, so a review never walks other namespaces'.
   */
  private readonly nsWithTargetPvsNoCR = new Buckets<string>();
  /** namespace/name of the PVCs in the context (the CLI's manifests; the webhook does not watch claims). */
  private readonly claims = new Set<string>();
  /**
   * The PV each Bound claim of the context holds (spec.volumeName): audit lists claims whole but
   * PVs reduced as the webhook caches them (server/reduce.ts keeps no phase or uid of a Bound PV),
   * so a live PV is told Bound by its claim.
   */
  private readonly boundVolumes = new Map<string, string>();
  /** Values derived from the whole content, valid while `version` is `memoVersion`. */
  private memos = new Map<string, unknown>();
  private memoVersion = 0;
  /** memoForSet's records, by namespace then CR name. */
  private setMemos = new Map<string, Map<string, SetMemo>>();
  private setMemoCount = 0;
  private nodeMemo = new Map<string, unknown>();
  /** countNodes' counts, by what they count. */
  private nodeCounts = new Map<string, { holds: (node: Node) => boolean; count: number }>();
  /** hasFreeDiscoveredDisk's answers, kept while the free disks stay the same. */
  private freeDiskMemo = new Map<string, boolean>();
  private nodeList: Node[] | undefined;
  private pvList: PersistentVolume[] | undefined;
  /** Bumped on a Node change that can change an answer about nodes (labels, taints, cordon, set of nodes). */
  private nodeVersionCount = 0;
  /** Bumped when a Node change may move PVs that hostsMoved cannot name: every set record goes. */
  private hostsVersionCount = 0;
  /** Bumped on every change of the context's content. */
  private versionCount = 0;
  /** Objects that queries have touched so far: the per-review cost, counted for tests. */
  visited = 0;

  constructor(
    objects: Iterable<KubeObject> = [],
    readonly options: ContextOptions = {},
  ) {
    for (const obj of objects) this.upsert(obj);
  }

  /** Changes whenever the content does: a key for anything derived from the whole context. */
  get version(): number {
    return this.versionCount;
  }

  /** Changes whenever an answer about nodes can (not on status-only Node updates). */
  get nodeVersion(): number {
    return this.nodeVersionCount;
  }

  /** Adds an object, or replaces the one of the same kind and name. Other kinds are ignored. */
  upsert(obj: KubeObject): void {
    if (!isObject(obj)) return;
    const ns = namespaceOf(obj);
    const name = nameOf(obj);
    if (isAIStore(obj)) {
      this.aistores.set(key(ns, name), obj);
      this.aistoresByNamespace.add(ns, name, obj);
      this.aistoresByName.add(name, ns, obj);
      this.nsWithTargetPvsNoCR.delete(name, ns);
      if (mountsOf(obj).some((m) => m.useHostPath)) this.hostPathCRs.set(key(ns, name), obj);
      else this.hostPathCRs.delete(key(ns, name));
      this.versionCount++;
      return;
    }
    switch (kindOf(obj)) {
      case 'StatefulSet':
        // Only the operator's target StatefulSets, whatever the source: the webhook watches only
        // those (a label selector), and check and audit must count replicas the same way it does.
        if (isOperatorTargetStatefulSet(obj)) this.statefulSets.set(key(ns, name), obj as StatefulSet);
        else if (!this.statefulSets.delete(key(ns, name))) return;
        this.targetSetChanged(ns, crOfTargetStatefulSet(name));
        this.versionCount++;
        return;
      case 'Node':
        return this.upsertNode(obj as Node, name);
      case 'PersistentVolume': {
        const known = this.pvByName.get(name);
        // A phase change (most PV events in a busy cluster): the fresher object takes the old one's
        // place under the same index keys (the informer caches it: one copy, not two), and no new
        // version, so the memos stay valid. Rules read the binding state from the object itself, so
        // the target sets that hold it have it read again.
        const change = known === undefined ? 'more' : pvChange(known, obj);
        if (change !== 'more') {
          if (change === 'binding') this.targetSetsChanged(obj as PersistentVolume, name);
          return this.addPV(obj as PersistentVolume, name);
        }
        if (known) this.targetSetsChanged(known, name);
        this.targetSetsChanged(obj as PersistentVolume, name);
        this.removePV(name);
        this.addPV(obj as PersistentVolume, name);
        this.versionCount++;
        return;
      }
      case 'PersistentVolumeClaim': {
        this.claims.add(key(ns, name));
        const volume = boundVolumeOf(obj);
        if (volume === undefined) this.boundVolumes.delete(key(ns, name));
        else this.boundVolumes.set(key(ns, name), volume);
        this.versionCount++;
        return;
      }
    }
  }

  /** Forgets the object of this kind and name, if known. */
  remove(obj: KubeObject): void {
    if (!isObject(obj)) return;
    const ns = namespaceOf(obj);
    const name = nameOf(obj);
    if (isAIStore(obj)) {
      this.aistores.delete(key(ns, name));
      this.aistoresByNamespace.delete(ns, name);
      this.aistoresByName.delete(name, ns);
      this.hostPathCRs.delete(key(ns, name));
      if (this.pvsByTargetCR.has(key(ns, name))) this.nsWithTargetPvsNoCR.add(name, ns, ns);
    } else {
      switch (kindOf(obj)) {
        case 'StatefulSet':
          this.statefulSets.delete(key(ns, name));
          this.targetSetChanged(ns, crOfTargetStatefulSet(name));
          break;
        case 'Node':
          this.removeNode(name);
          break;
        case 'PersistentVolume': {
          const known = this.pvByName.get(name);
          if (known) this.targetSetsChanged(known, name);
          this.removePV(name);
          break;
        }
        case 'PersistentVolumeClaim':
          this.claims.delete(key(ns, name));
          this.boundVolumes.delete(key(ns, name));
          break;
        default:
          return;
      }
    }
    this.versionCount++;
  }

  private upsertNode(node: Node, name: string): void {
    const signature = nodeSignature(node);
    const known = this.nodeByName.get(name);
    // Same labels, taints and cordon (a status update, most Node events): nothing any rule reads
    // changed. The fresher object replaces the old one (the informer caches it: one copy, not two),
    // with no index work and no new version: under node heartbeats that would empty memo() on
    // nearly every review.
    if (known?.signature === signature) {
      known.node = node;
      this.nodeList = undefined;
      return;
    }
    this.versionCount++;
    const last = known?.node;
    const before = last && labelsOf(last);
    const after = labelsOf(node);
    // Only what changed is taken out and put in: a key taken out of a Map and put back leaves a
    // dead entry in its chain until the table is compacted, and a Node relabelled again and again
    // then costs a lookup of that key a walk of thousands (0.5 us in a Map of 1,000, 6 us of 10,000).
    if (known) Object.assign(known, { node, signature });
    else this.nodeByName.set(name, { node, signature });
    if (knownByNameOnly(node)) this.namesOnly.add(name);
    else this.namesOnly.delete(name);
    const has = (labels: Readonly<Record<string, string>> | undefined, k: string, v: string) =>
      labels !== undefined && Object.hasOwn(labels, k) && labels[k] === v;
    // A Node that joins moves PVs onto it; one whose labels changed may move them (hostsMoved).
    let moved = before === undefined;
    for (const [k, v] of Object.entries(before ?? {}))
      if (!has(after, k, v)) {
        moved = true;
        this.nodesByLabel.delete(labelKey(k, v), name);
        if (!Object.hasOwn(after, k)) this.nodesByLabelKey.delete(k, name);
      }
    for (const [k, v] of Object.entries(after))
      if (!has(before, k, v)) {
        moved = true;
        this.nodesByLabel.add(labelKey(k, v), name, name);
        this.nodesByLabelKey.add(k, name, name);
      }
    this.nodesChanged();
    this.nodeCountsMoved(last, node);
    if (moved) this.hostsMoved(name, before, after);
  }

  private removeNode(name: string): void {
    const known = this.nodeByName.get(name);
    if (!known) return;
    this.nodeByName.delete(name);
    this.namesOnly.delete(name);
    const labels = labelsOf(known.node);
    for (const [k, v] of Object.entries(labels)) {
      this.nodesByLabel.delete(labelKey(k, v), name);
      this.nodesByLabelKey.delete(k, name);
    }
    this.nodesChanged();
    this.nodeCountsMoved(known.node, undefined);
    this.hostsMoved(name, labels, undefined);
  }

  private nodesChanged(): void {
    this.nodeVersionCount++;
    this.nodeList = undefined;
    if (this.nodeMemo.size > 0) this.nodeMemo = new Map();
  }

  /**
   * A Node joined, left or changed its labels (what pvHost reads of nodes; taints and cordon it does
   * not): the target sets of the PVs whose node it may change read those PVs again, as after their
   * own events, and nothing else. A PV's node is found by the Node that answers to its hostname
   * (nodeOfHost: by hostname label, else by name), or by the Nodes carrying a label its terms ask for
   * (termNodeHost); this Node answered to `name` and its hostname labels, and carried `before` and
   * `after`. When another Node answers to one of those hostnames too, nodeOfHost chooses between
   * them for PVs that name neither: every set record is made afresh, as it was on any Node change.
   */
  private hostsMoved(
    name: string,
    before: Readonly<Record<string, string>> | undefined,
    after: Readonly<Record<string, string>> | undefined,
  ): void {
    if (this.setMemoCount === 0) return;
    const hosts = new Set([name, before?.[HOSTNAME_KEY], after?.[HOSTNAME_KEY]]);
    hosts.delete(undefined);
    for (const host of hosts as Set<string>) {
      const answering = this.nodesByLabel.get(labelKey(HOSTNAME_KEY, host));
      if ((host !== name && this.nodeByName.has(host)) || [...answering.keys()].some((n) => n !== name)) {
        this.hostsVersionCount++;
        return;
      }
      for (const [pvName, pv] of this.targetPvsByHost.get(host)) this.targetSetsChanged(pv, pvName);
    }
    if (this.pvsByNodeLabel.isEmpty()) return;
    for (const labels of [before, after])
      for (const [k, v] of Object.entries(labels ?? {}))
        for (const [pvName, pv] of this.pvsByNodeLabel.get(labelKey(k, v)))
          this.targetSetsChanged(pv, pvName);
  }

  private addPV(pv: PersistentVolume, name: string): void {
    this.pvByName.set(name, pv);
    this.pvList = undefined;
    const ref = claimRefOf(pv);
    if (ref) {
      this.pvsByClaim.add(key(ref.namespace, ref.name), name, pv);
      for (const crName of targetCrCandidates(ref.namespace, ref.name)) {
        this.pvsByTargetCR.add(key(ref.namespace, crName), name, pv);
        if (!this.aistores.has(key(ref.namespace, crName)))
          this.nsWithTargetPvsNoCR.add(crName, ref.namespace, ref.namespace);
      }
    }
    const targetLike = ref !== undefined && targetClaimEnd(ref.name) !== undefined;
    for (const host of pinnedHostnames(requiredTermsOf(pv))) {
      this.pvsByHost.add(host, name, pv);
      if (targetLike) this.targetPvsByHost.add(host, name, pv);
    }
    if (targetLike) for (const label of nodeLabelPins(pv)) this.pvsByNodeLabel.add(label, name, pv);
    // Being deleted, a free disk binds no claim (k8s.ts isBeingDeleted).
    const free = isBeingDeleted(pv) ? undefined : freeDiskClass(pv, ref);
    if (free) {
      this.freeDiskMemo.clear();
      this.freeDisksByClass.add(free, name, pv);
      for (const [k, v] of Object.entries(labelsOf(pv))) {
        this.freeDisksByClassLabel.add(`${free}\0${labelKey(k, v)}`, name, pv);
        this.freeDisksByClassLabel.add(`${free}\0${k}`, name, pv);
      }
    }
  }

  private removePV(name: string): void {
    const pv = this.pvByName.get(name);
    if (!pv) return;
    this.pvByName.delete(name);
    this.pvList = undefined;
    const ref = claimRefOf(pv);
    if (ref) {
      this.pvsByClaim.delete(key(ref.namespace, ref.name), name);
      for (const crName of targetCrCandidates(ref.namespace, ref.name)) {
        this.pvsByTargetCR.delete(key(ref.namespace, crName), name);
        if (!this.pvsByTargetCR.has(key(ref.namespace, crName))) {
          this.nsWithTargetPvsNoCR.delete(crName, ref.namespace);
          // A deployment torn down: its record would hold its PVs until the set is asked for again.
          this.forgetTargetSet(ref.namespace, crName);
        }
      }
    }
    for (const host of pinnedHostnames(requiredTermsOf(pv))) {
      this.pvsByHost.delete(host, name);
      this.targetPvsByHost.delete(host, name);
    }
    for (const label of nodeLabelPins(pv)) this.pvsByNodeLabel.delete(label, name);
    const free = isBeingDeleted(pv) ? undefined : freeDiskClass(pv, ref);
    if (free) {
      this.freeDiskMemo.clear();
      this.freeDisksByClass.delete(free, name);
      for (const [k, v] of Object.entries(labelsOf(pv))) {
        this.freeDisksByClassLabel.delete(`${free}\0${labelKey(k, v)}`, name);
        this.freeDisksByClassLabel.delete(`${free}\0${k}`, name);
      }
    }
  }

  /** The Node of this name, if known. */
  node(name: string): Node | undefined {
    const found = this.nodeByName.get(name);
    if (found) this.visited++;
    return found?.node;
  }

  /**
   * The Node a PV's node affinity pins by `host`: the one whose kubernetes.io/hostname label has
   * that value, as the scheduler matches it (kubelet --hostname-override and some clouds' node
   * names make it differ from the Node's name), else the Node of that name (a Node given without
   * that label: the kubelet always sets it, a hand-written node list may not).
   */
  nodeOfHost(host: string): Node | undefined {
    const labelled = this.nodesLabelled({ [HOSTNAME_KEY]: host });
    if (labelled.length === 1) return labelled[0];
    const named = this.node(host);
    // A Node whose label names another host is not this one: the scheduler reads the label.
    return named && labelsOf(named)[HOSTNAME_KEY] === undefined ? named : undefined;
  }

  /**
   * The node a PV is on, by the host (kubernetes.io/hostname) that names it: the one node every term
   * of its required node affinity admits, as the scheduler places its pod (component-helpers
   * storage/volume/helpers.go CheckNodeAffinity in the VolumeBinding filter: the Node's labels,
   * whatever the key; matchFields is not read, k8s.ts pvLabelTerms). A term pins a node by hostname (k8s.ts termHostname: the node need not be
   * known, it may have gone or be yet to join) or by a node-local driver's topology key (OpenEBS
   * LVM: openebs.io/nodename; termNodeHost). Terms naming two nodes, or one that pins no single node
   * (a zone, a node yet to join), give none: the pod may go elsewhere. What every rule asks of a
   * PV's node; k8s.ts pvHostname is the same for callers with no Nodes.
   */
  pvHost(pv: PersistentVolume): string | undefined {
    return oneHost(pvLabelTerms(requiredTermsOf(pv)), (term) => {
      const h = termHostname(term) ?? this.termNodeHost(term);
      // A term its own Node fails admits nothing: the others decide (terms are ORed).
      return h !== undefined && !this.hostMeets(h, term) ? null : h;
    });
  }

  /**
   * A term's hostname pin holds of its Node: the term's other requirements are ANDed with it, so a
   * known Node that fails them is admitted by none of it (a node not known is taken at its word).
   */
  private hostMeets(host: string, term: NodeSelectorTerm): boolean {
    const node = this.nodeOfHost(host);
    // A Node known by name only has unknown labels: only its hostname, which it answers to, is judged.
    if (node === undefined || knownByNameOnly(node)) return true;
    const labels = labelsOf(node);
    if (labels[HOSTNAME_KEY] !== undefined) return matchesRequiredTerms([term], node);
    // A Node written without its hostname label still has it in the cluster (every kubelet sets it).
    return matchesRequiredTerms([term], {
      ...node,
      metadata: { ...node.metadata, labels: { ...labels, [HOSTNAME_KEY]: host } },
    });
  }

  /**
   * The host of the one known Node a term admits when it is a node pin: some `key In values` of it
   * whose every value is carried by exactly one known Node (a value no Node carries may be a node yet
   * to join, one carried by several is no node's name), on a key that names no zone or region (a
   * zone holding one Node today is no node pin: a zonal volume attaches to any node of the zone).
   * Once per node version.
   */
  private termNodeHost(term: NodeSelectorTerm): string | undefined {
    if (this.nodeByName.size === 0) return undefined;
    return this.memoByNodes(`term-node ${JSON.stringify(term)}`, () => {
      for (const req of objectsOf<NodeSelectorRequirement>(term.matchExpressions)) {
        if (req.operator !== 'In' || typeof req.key !== 'string' || isZoneKey(req.key)) continue;
        const buckets = [...new Set(stringsOf(req.values))].map((v) =>
          this.nodesByLabel.get(labelKey(req.key, v)),
        );
        if (buckets.length === 0 || buckets.some((b) => b.size !== 1)) continue;
        this.visited += buckets.length;
        const admitted = buckets
          .flatMap((b) => [...b.keys()])
          .map((name) => this.nodeByName.get(name)?.node)
          .filter((n): n is Node => n !== undefined && matchesRequiredTerms([term], n));
        const [node] = admitted;
        return admitted.length === 1 && node ? (labelsOf(node)[HOSTNAME_KEY] ?? nameOf(node)) : undefined;
      }
      return undefined;
    });
  }

  /**
   * Nodes are known and a PV's required node affinity admits none of them (CheckNodeAffinity:
   * labels only): its node is gone for good or yet to join, whatever key pins it. Told from the label
   * index (affinityBuckets), and for Nodes known by name only from their names
   * (mayAdmitNameOnlyNode); false when the terms do not narrow the nodes or more than
   * TOPOLOGY_WALK candidates would have to be looked at. Once per node version.
   */
  pvAdmitsNoNode(pv: PersistentVolume): boolean {
    const terms = pvLabelTerms(requiredTermsOf(pv));
    if (this.nodeByName.size === 0 || terms.length === 0) return false;
    const buckets = this.affinityBuckets(terms);
    if (!buckets) return false;
    return this.memoByNodes(`pv-no-node ${JSON.stringify(terms)}`, () => {
      if (this.mayAdmitNameOnlyNode(terms)) return false;
      let walked = 0;
      for (const bucket of buckets)
        for (const name of bucket.keys()) {
          if (++walked > TOPOLOGY_WALK) return false;
          this.visited++;
          const known = this.nodeByName.get(name);
          if (known && matchesRequiredTerms(terms, known.node)) return false;
        }
      return true;
    });
  }

  /**
   * Some term may admit a Node known by name only: its labels are unknown (the label index has none
   * of it), so only a term's hostname requirements are judged, against its name, as hostMeets and
   * nodes.ts placementExcludes judge it. A term with no `kubernetes.io/hostname In` may admit any
   * such Node; one with it, only those it lists (a lookup per value).
   */
  private mayAdmitNameOnlyNode(terms: NodeSelectorTerm[]): boolean {
    if (this.namesOnly.size === 0) return false;
    return terms.some((term) => {
      const byHost = objectsOf<NodeSelectorRequirement>(term.matchExpressions).filter(
        (r) => r.key === HOSTNAME_KEY,
      );
      const listed = byHost.find((r) => r.operator === 'In');
      if (!listed) return true;
      return stringsOf(listed.values).some(
        (name) =>
          this.namesOnly.has(name) &&
          matchesRequiredTerms([{ matchExpressions: byHost }], {
            kind: 'Node',
            metadata: { name, labels: { [HOSTNAME_KEY]: name } },
          }),
      );
    });
  }

  /**
   * The node a PV names that the cluster does not have (Nodes known): its hostname when that is
   * missing (hostMissing), else, when its terms admit no known Node, the values they pin it by. A
   * claim bound to it waits for good, or until that node joins.
   */
  pvMissingNode(pv: PersistentVolume): string | undefined {
    const host = this.pvHost(pv);
    if (host !== undefined) return this.hostMissing(host) ? host : undefined;
    if (!this.pvAdmitsNoNode(pv)) return undefined;
    // Named by its In values (openebs.io/nodename In [node-9]: node-9); terms with none, by their keys.
    const reqs = pvLabelTerms(requiredTermsOf(pv)).flatMap((t) =>
      objectsOf<NodeSelectorRequirement>(t.matchExpressions),
    );
    const values = reqs.filter((r) => r.operator === 'In').flatMap((r) => stringsOf(r.values));
    const keys = reqs.map((r) => asText(r.key));
    return [...new Set(values)].join(' or ') || `labelled ${[...new Set(keys)].join(', ')}`;
  }

  /**
   * Nodes are known and none is `host`: a node replaced or gone for good, whose PVs pin their claims
   * (volumeName, immutable) and pods to a node that does not come back.
   */
  hostMissing(host: string): boolean {
    return this.nodeByName.size > 0 && !this.nodeOfHost(host);
  }

  /** Every Node. A scan of the cluster: for the CLI and reports, not for a review. Cached until nodes change. */
  get nodes(): readonly Node[] {
    this.nodeList ??= [...this.nodeByName.values()].map((n) => n.node);
    return this.nodeList;
  }

  /** Every PV. A scan of the cluster: for the CLI and reports, not for a review. */
  get pvs(): readonly PersistentVolume[] {
    this.pvList ??= [...this.pvByName.values()];
    return this.pvList;
  }

  private visit<T>(items: T[]): T[] {
    this.visited += items.length;
    return items;
  }

  /**
   * A value derived from the context's content (its PVs, CRs, StatefulSets), computed once per
   * version: a review asks several times, and the next event drops it. Bounded, since keys carry
   * names from requests.
   */
  memo<T>(memoKey: string, compute: () => T): T {
    if (this.memoVersion !== this.versionCount) {
      this.memoVersion = this.versionCount;
      if (this.memos.size > 0) this.memos = new Map();
    }
    if (this.memos.has(memoKey)) {
      this.visited++;
      return this.memos.get(memoKey) as T;
    }
    if (this.memos.size >= MEMO_LIMIT) this.memos = new Map();
    const value = compute();
    this.memos.set(memoKey, value);
    return value;
  }

  /**
   * A record of values derived from one target set (namespace, CR name), which `make` gives. It may
   * read only the set's part of the context: the PVs pre-bound to its target claims
   * (pvsForTargetsOf, binding state included), its target StatefulSet, and of the nodes only the
   * node each of those PVs is on (pvHost). So it is kept until one of those changes, not dropped on
   * every event, and `make` is handed the last record with the PVs changed since (a Node event
   * names those it may move: hostsMoved), to bring it up to date rather than make it anew: a bulk
   * apply of one deployment's PVs, status churn elsewhere, or a node joining the cluster would
   * otherwise remake a large set's record on nearly every review. When a Node event cannot name
   * the PVs it moves, `make` starts afresh; when the set's last PV goes, so does the record. By two
   * map lookups on the names as they are, not by a key string: a review asks for the same set
   * several times (target-volumes.ts volumeSet, six times on a CR's CREATE), and joining and hashing
   * a fresh key each time cost more than the answer it found. Bounded as memo() is.
   */
  memoForSet<T extends object>(
    namespace: string,
    crName: string,
    make: (last: LastSetMemo<T> | undefined) => T,
  ): T {
    let byName = this.setMemos.get(namespace);
    const known = byName?.get(crName);
    const carried = known?.hostsVersion === this.hostsVersionCount;
    if (known !== undefined && carried && known.changed === undefined) {
      this.visited++;
      return known.value as T;
    }
    if (known === undefined && this.setMemoCount >= MEMO_LIMIT) {
      this.setMemos = new Map();
      this.setMemoCount = 0;
      byName = undefined;
    }
    if (byName === undefined) this.setMemos.set(namespace, (byName = new Map()));
    const value = make(
      carried ? { value: known.value as T, changed: known.changed ?? new Set() } : undefined,
    );
    byName.set(crName, { value, hostsVersion: this.hostsVersionCount });
    if (known === undefined) this.setMemoCount++;
    return value;
  }

  private forgetTargetSet(namespace: string, crName: string): void {
    if (this.setMemos.get(namespace)?.delete(crName)) this.setMemoCount--;
  }

  /** A target set's memoForSet record no longer holds: for the PV `pvName` when given. */
  private targetSetChanged(namespace: string, crName: string | undefined, pvName?: string): void {
    if (crName === undefined) return;
    const known = this.setMemos.get(namespace)?.get(crName);
    if (known === undefined) return;
    known.changed ??= new Set();
    if (pvName !== undefined) known.changed.add(pvName);
  }

  /** The target sets whose claims this PV is pre-bound to may be (the pvsByTargetCR keys it has). */
  private targetSetsChanged(pv: PersistentVolume, name: string): void {
    const ref = claimRefOf(pv);
    if (ref === undefined) return;
    for (const crName of targetCrCandidates(ref.namespace, ref.name))
      this.targetSetChanged(ref.namespace, crName, name);
  }

  aistore(namespace: string, name: string): AIStoreCR | undefined {
    this.visited++;
    return this.aistores.get(key(namespace, name));
  }

  /**
   * The AIStore CRs of every namespace with a useHostPath mount (a handful in any cluster), by
   * namespace/name: rules name the first that fits, and the index keeps the order events came in,
   * which a replica that listed them (or `check` on `kubectl get` output) does not share.
   */
  aistoresWritingHostPaths(): AIStoreCR[] {
    return this.visit([...this.hostPathCRs.values()].sort(byNamespaceAndName));
  }

  /** The namespace's AIStore CRs in name order, as messages name them (see aistoresWritingHostPaths). */
  aistoresIn(namespace: string): AIStoreCR[] {
    return this.visit(this.aistoresByNamespace.values(namespace).sort(byName));
  }

  /**
   * The AIStore CRs of this name in every namespace, in namespace order, when there are at most
   * `most`; undefined past that (many teams naming theirs alike), without listing them.
   */
  aistoresNamed(name: string, most: number): AIStoreCR[] | undefined {
    this.visited++;
    if (this.aistoresByName.count(name) > most) return undefined;
    return this.visit(this.aistoresByName.values(name).sort(byNamespaceAndName));
  }

  statefulSet(namespace: string, name: string): StatefulSet | undefined {
    this.visited++;
    return this.statefulSets.get(key(namespace, name));
  }

  /** The PV of this name as last seen: its binding state (uid, phase) is fresher than a memo's copy. */
  pv(name: string): PersistentVolume | undefined {
    this.visited++;
    return this.pvByName.get(name);
  }

  /** PVs pre-bound (claimRef) to this claim. More than one is itself a finding. */
  pvsForClaim(namespace: string, claimName: string): PersistentVolume[] {
    // In name order, as messages name them: the index keeps the order events came in.
    return this.visit(this.pvsByClaim.values(key(namespace, claimName)).sort(byName));
  }

  /**
   * The namespaces, in order, where PVs are pre-bound to claims named as CR `crName`'s targets may be
   * (pvsForTargetsOf) and no AIStore of that name is known.
   */
  targetPvNamespacesWithoutCR(crName: string): string[] {
    return this.visit(this.nsWithTargetPvsNoCR.values(crName).sort());
  }

  /** Whether any PV is pre-bound to this claim. */
  claimBound(namespace: string, claimName: string): boolean {
    this.visited++;
    return this.pvsByClaim.has(key(namespace, claimName));
  }

  /**
   * PVs pre-bound to claims in this namespace named as target claims of CR `crName` may be: a
   * superset of its target PVs (target-volumes.ts targetVolumeOf decides), never the namespace's other PVs.
   */
  pvsForTargetsOf(namespace: string, crName: string): PersistentVolume[] {
    return this.visit(this.pvsByTargetCR.values(key(namespace, crName)));
  }

  /** The PV of this name if it is among pvsForTargetsOf(namespace, crName). */
  pvForTargetsOf(namespace: string, crName: string, name: string): PersistentVolume | undefined {
    this.visited++;
    return this.pvsByTargetCR.find(key(namespace, crName), name);
  }

  /** PVs whose node affinity pins this node (kubernetes.io/hostname In). */
  pvsOnHost(host: string): PersistentVolume[] {
    return this.visit(this.pvsByHost.values(host));
  }

  /**
   * The PVs of pvsOnHost pre-bound to a claim named as a target's (`…-target-<N>`): the disks of the
   * node a target may hold, without walking the node's other PVs.
   */
  targetPvsOnHost(host: string): PersistentVolume[] {
    return this.visit(this.targetPvsByHost.values(host));
  }

  /**
   * Whether the local static provisioner has a free disk of this class (published, no claimRef yet)
   * that a claim with this selector may bind: the scheduler binds a claim of the class to one on the
   * node its pod goes to, so none is made by hand. Not whether that disk is on a node the targets may
   * use, nor one per claim: a hint that the class is served so, not a count.
   *
   * The selector is the mount's, which the operator copies into every claim of its template
   * (api/aistore/v1beta1/aistore_types.go Mount.BuildPVC); Kubernetes binds a claim that has one only
   * to a PV whose labels it matches (component-helpers storage/volume/pv_helpers.go
   * FindMatchingVolume: `selector != nil && !selector.Matches(labels.Set(volume.Labels))`), and a
   * selector that does not parse to none. Candidates come from the smallest index bucket of the
   * selector's own labels (a multi-value In: the union of its values'), all of them looked at: the
   * answer is kept until the free disks change, so reviews under churn do not walk them again.
   */
  hasFreeDiscoveredDisk(storageClass: string | undefined, selector?: unknown): boolean {
    this.visited++;
    if (storageClass === undefined || !this.freeDisksByClass.has(storageClass)) return false;
    if (selector === undefined || selector === null) return true;
    if (!isObject(selector)) return false;
    // Every candidate is looked at, so the answer is the same whatever order the disks were indexed
    // in (events, or a list by name: two replicas, a restart, `check`); kept until a free disk
    // comes, goes or changes, which is rare beside the reviews asking.
    const memoKey = `${storageClass}\0${JSON.stringify(selector)}`;
    const known = this.freeDiskMemo.get(memoKey);
    if (known !== undefined) return known;
    const found = this.findFreeDisk(storageClass, selector);
    if (memoKey.length <= MEMO_KEY_LIMIT) {
      if (this.freeDiskMemo.size >= MEMO_LIMIT) this.freeDiskMemo.clear();
      this.freeDiskMemo.set(memoKey, found);
    }
    return found;
  }

  private findFreeDisk(storageClass: string, selector: Record<string, unknown>): boolean {
    // The candidates: the smallest of the selector's own buckets. A multi-value In is the union of
    // its values' buckets, disjoint (a PV has one value per key); all empty, nothing can match.
    let candidates: readonly ReadonlyMap<string, PersistentVolume>[] = [
      this.freeDisksByClass.get(storageClass),
    ];
    let count = candidates[0]?.size ?? 0;
    const narrow = (buckets: readonly string[]) => {
      const found = buckets.map((b) => this.freeDisksByClassLabel.get(`${storageClass}\0${b}`));
      const size = found.reduce((n, f) => n + f.size, 0);
      if (size < count) [candidates, count] = [found, size];
    };
    for (const [k, v] of Object.entries(recordOf(selector.matchLabels))) narrow([labelKey(k, v)]);
    const expressions: unknown = selector.matchExpressions;
    for (const e of Array.isArray(expressions) ? expressions : []) {
      if (!isObject(e) || typeof e.key !== 'string') continue;
      const key = e.key;
      const values: unknown = e.values;
      if (e.operator === 'In' && Array.isArray(values) && values.length > 0)
        narrow([...new Set(values.map((v) => labelKey(key, v)))]);
      else if (e.operator === 'In' || e.operator === 'Exists') narrow([key]);
    }
    for (const bucket of candidates)
      for (const pv of bucket.values()) {
        this.visited++;
        if (selectorMatches(selector as LabelSelector, labelsOf(pv))) return true;
      }
    return false;
  }

  /**
   * The Nodes carrying every label of the selector, found from the smallest label's index bucket:
   * work proportional to the nodes with that label, not to the cluster.
   */
  nodesLabelled(nodeSelector: Record<string, string>): Node[] {
    const wanted = Object.entries(nodeSelector).map(([k, v]) => labelKey(k, v));
    if (wanted.length === 0) return this.visit([...this.nodes]);
    let smallest: ReadonlyMap<string, string> | undefined;
    const buckets: ReadonlyMap<string, string>[] = [];
    for (const w of wanted) {
      const bucket = this.nodesByLabel.get(w);
      if (bucket.size === 0) return [];
      buckets.push(bucket);
      if (!smallest || bucket.size < smallest.size) smallest = bucket;
    }
    const found: Node[] = [];
    for (const name of smallest?.keys() ?? []) {
      this.visited++;
      const known = this.nodeByName.get(name);
      if (known && buckets.every((b) => b.has(name))) found.push(known.node);
    }
    return found;
  }

  /**
   * How many Nodes `holds` is true of, counted once among `candidates` (a superset the index gives)
   * and then kept in step with Node events (nodeCountsMoved): a node joining, leaving or tainted
   * costs each kept count one call, not a walk of the cluster on the next review. `holds` must
   * read only what nodeSignature covers (labels, taints, cordon) and the node's name, and never
   * throw: it runs in upsert and remove (the placement's parts are read as nodes.ts reads untrusted
   * input). The counts hold their placements (at most NODE_COUNTS_KEPT, keys of MEMO_KEY_LIMIT).
   */
  private countNodes(countKey: string, holds: (node: Node) => boolean, candidates: () => Node[]): number {
    const known = this.nodeCounts.get(countKey);
    if (known) {
      this.visited++;
      return known.count;
    }
    let count = 0;
    for (const node of candidates()) if (holds(node)) count++;
    // Keys carry request input (tolerations, affinity terms): a large one is counted, not kept,
    // and each kept count costs every Node event a call.
    if (countKey.length > MEMO_KEY_LIMIT) return count;
    if (this.nodeCounts.size >= NODE_COUNTS_KEPT) this.nodeCounts.clear();
    this.nodeCounts.set(countKey, { holds, count });
    return count;
  }

  /** A Node changed what countNodes' predicates read: each kept count moves by what it held of it. */
  private nodeCountsMoved(before: Node | undefined, after: Node | undefined): void {
    for (const counted of this.nodeCounts.values())
      counted.count += (after && counted.holds(after) ? 1 : 0) - (before && counted.holds(before) ? 1 : 0);
  }

  /**
   * A value derived from the nodes alone, computed once per node version: Node status updates, which
   * arrive every few seconds per node, keep it.
   */
  memoByNodes<T>(memoKey: string, compute: () => T): T {
    // Keys carry request input (tolerations, affinity terms): a large one is computed, not kept.
    if (memoKey.length > MEMO_KEY_LIMIT) return compute();
    if (this.nodeMemo.has(memoKey)) {
      this.visited++;
      return this.nodeMemo.get(memoKey) as T;
    }
    if (this.nodeMemo.size >= MEMO_LIMIT) this.nodeMemo = new Map();
    const value = compute();
    this.nodeMemo.set(memoKey, value);
    return value;
  }

  /** Whether a claim of this name exists in the context or a PV is pre-bound to it. */
  claimInUse(namespace: string, claimName: string): boolean {
    this.visited++;
    return this.claims.has(key(namespace, claimName)) || this.pvsByClaim.has(key(namespace, claimName));
  }

  /** The PV a Bound claim of the context holds (its spec.volumeName), if the context has that claim. */
  claimHolds(namespace: string, claimName: string): string | undefined {
    this.visited++;
    return this.boundVolumes.get(key(namespace, claimName));
  }

  /** The node names PVs pin (kubernetes.io/hostname In), sorted: nodes that exist, whatever else does. */
  hostsOfVolumes(): string[] {
    // A key walk of the index, one per pinned node.
    return this.memo('volume-hosts', () => this.visit([...this.pvsByHost.keys()]).sort());
  }

  /**
   * How many nodes a pod with this placement can be scheduled on: from the Node objects, else the
   * CLI's node count (taken as already matching); undefined when nodes are unknown. Counted once among
   * the nodes the label index hands candidateNodes, then kept in step with Node events (countNodes).
   */
  schedulableNodeCount(placement: Placement): number | undefined {
    if (this.nodeByName.size === 0) {
      // Without Node objects, a required node affinity that names its nodes still bounds the count.
      const { nodeCount } = this.options;
      const limit = namedNodeLimit(placement);
      return limit === undefined ? nodeCount : Math.min(limit, nodeCount ?? limit);
    }
    return this.countNodes(
      `schedulable ${placementKey(placement)}`,
      (node) => schedulableNodes(placement, [node]).length > 0,
      () => this.candidateNodes(placement),
    );
  }

  /**
   * The nodes a placement may pick, a superset schedulableNodes filters, walked from the label index:
   * the smaller of the nodeSelector's rarest `key=value` bucket (every pair must hold) and the union
   * over the required node affinity's terms (ORed) of each term's smallest In/Exists bucket (a term's
   * requirements are ANDed: any one holds all it matches). Every node only when neither narrows it.
   * Either alone may be the whole cluster (kubernetes.io/os=linux; an Exists on a label every node
   * has): the other then keeps the walk to the deployment's nodes.
   */
  private candidateNodes(placement: Placement): Node[] {
    const bySelector = this.smallestSelectorBucket(placement.nodeSelector);
    const byAffinity = this.affinityBuckets(placement.requiredTerms);
    if (!bySelector && !byAffinity) return this.visit([...this.nodes]);
    const walk =
      bySelector && (!byAffinity || bySelector.size <= sizeOf(byAffinity)) ? [bySelector] : byAffinity!;
    const found = new Map<string, Node>();
    for (const bucket of walk)
      for (const name of bucket.keys()) {
        if (found.has(name)) continue;
        this.visited++;
        const known = this.nodeByName.get(name);
        if (known) found.set(name, known.node);
      }
    return [...found.values()];
  }

  /** The smallest `key=value` bucket of a nodeSelector's pairs; undefined when it has none. */
  private smallestSelectorBucket(
    nodeSelector: Record<string, string>,
  ): ReadonlyMap<string, string> | undefined {
    let smallest: ReadonlyMap<string, string> | undefined;
    for (const [k, v] of Object.entries(nodeSelector)) {
      const bucket = this.nodesByLabel.get(labelKey(k, v));
      if (!smallest || bucket.size < smallest.size) smallest = bucket;
    }
    return smallest;
  }

  /**
   * Buckets whose union holds every node required terms can match: of each term, the buckets of its
   * requirement with the fewest nodes (an In's values' buckets, an Exists' key bucket). Undefined
   * when the terms do not narrow the nodes (nodes.ts narrowingRequirements).
   */
  private affinityBuckets(terms: unknown): ReadonlyMap<string, string>[] | undefined {
    const narrowing = narrowingRequirements(terms);
    if (!narrowing) return undefined;
    const buckets: ReadonlyMap<string, string>[] = [];
    for (const requirements of narrowing) {
      let smallest: ReadonlyMap<string, string>[] | undefined;
      for (const { key: k, values } of requirements) {
        const found = values
          ? values.map((v) => this.nodesByLabel.get(labelKey(k, v)))
          : [this.nodesByLabelKey.get(k)];
        if (!smallest || sizeOf(found) < sizeOf(smallest)) smallest = found;
      }
      buckets.push(...(smallest ?? []));
    }
    return buckets;
  }

  /**
   * How many nodes the operator counts for an autoscaled target set with this placement (labels and
   * tolerated taints; target-count.ts): undefined when no Node objects are known. Kept as
   * schedulableNodeCount's is (countNodes).
   */
  autoScaleNodeCount(placement: Placement): number | undefined {
    if (this.nodeByName.size === 0) return undefined;
    return this.countNodes(
      `autoscale ${placementKey(placement)}`,
      (node) => autoScaleNodes(placement, [node]).length > 0,
      () => this.nodesLabelled(placement.nodeSelector),
    );
  }
}

/** How many node names the buckets hold, counting a name in two twice. */
const sizeOf = (buckets: readonly ReadonlyMap<string, string>[]) => buckets.reduce((n, b) => n + b.size, 0);

/** Namespace, then name: the order the apiserver lists namespaced objects in. */
function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const x = namespaceOf(a);
  const y = namespaceOf(b);
  return x < y ? -1 : x > y ? 1 : byName(a, b);
}

/** A memo key for a placement: the selector's pairs in key order, so equal selectors share it. */
function placementKey(placement: Placement): string {
  return JSON.stringify([
    // Pairs, not `key=value` strings: {"a=b": "c"} and {"a": "b=c"} are two selectors.
    Object.entries(placement.nodeSelector)
      .map(([k, v]) => [k, asText(v)])
      .sort(([a], [b]) => (a! < b! ? -1 : 1)),
    placement.tolerations ?? null,
    placement.requiredTerms ?? null,
  ]);
}

export const EMPTY_CONTEXT = new ClusterContext();
