// A CR's target PVs as the context has them: what a PV review (and a CR's) is judged against. Kept
// per target set (context.ts memoForSet) and brought up to date by the set's own PV events, so that
// a review costs what its PV's neighbours cost, not what the whole deployment holds.
import {
  hasStateClaim,
  isClaimTemplateOf,
  isStateClaim,
  splitClaimName,
  stateTemplateName,
  targetOrdinal,
  targetStatefulSetName,
  type AIStoreCR,
} from './aistore.js';
import type { ClusterContext, LastSetMemo } from './context.js';
import { byName, claimGone, claimRefOf, isObject, nameOf, type PersistentVolume } from './k8s.js';

/**
 * PVs pre-bound to this CR's target claims, with the ordinal each claim belongs to. A PV under
 * review counts as it will be stored, replacing its cached version: the webhook and `check`
 * (whose input set contains the object) then see the same set.
 */
export interface TargetVolume {
  pv: PersistentVolume;
  claim: string;
  /** The claim template the claim name gives ('' when it gives none): split once, in the memo. */
  template: string;
  ordinal: number;
  /** The node its PV is on (ctx.pvHost: by hostname or a node-local driver's topology key). */
  host: string | undefined;
  /**
   * Pre-bound to the target's state claim (<ns>-<cr>-state-<cr>-target-N), not a data claim: it pins
   * the target to its node as a data PV does, but is no data disk (coverage, strays), and one left
   * Released by an earlier life is a provisioner's, never freed for reuse.
   */
  state: boolean;
}

function targetVolumeOf(
  ctx: ClusterContext,
  pv: PersistentVolume,
  crName: string,
  namespace: string,
): TargetVolume | undefined {
  const claim = claimRefOf(pv)?.name ?? '';
  // A data claim starts with the CR's name; the state claim with the namespace's.
  const state = isStateClaim(namespace, crName, claim);
  if (!state && !claim.startsWith(`${crName}-`)) return undefined;
  const ordinal = targetOrdinal(crName, claim);
  const template = splitClaimName(crName, claim)?.template ?? '';
  return ordinal === undefined ? undefined : { pv, claim, template, ordinal, host: ctx.pvHost(pv), state };
}

/**
 * Whether the target pods mount the state claim. The target StatefulSet's claim templates decide:
 * they never change (the apiserver refuses it), so after a live CR leaves spec.stateStorage.pvc (the
 * operator allows it: aistore_webhook.go validateStateStorageUpdate) the StatefulSet controller
 * still gives every pod its state claim. Without a StatefulSet known, the CR's own wish.
 */
export function stateClaimMounted(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  cr: AIStoreCR,
): boolean {
  return stateTemplatePresent(ctx, namespace, crName) ?? hasStateClaim(cr);
}

/** Whether the target StatefulSet has a state claim template: undefined with no StatefulSet (or templates) known. */
function stateTemplatePresent(ctx: ClusterContext, namespace: string, crName: string): boolean | undefined {
  const template = stateTemplate(ctx, namespace, crName);
  return template === undefined ? undefined : template !== null;
}

/** The storage class the target StatefulSet's state claim template asks for, when the context has it. */
export function stateTemplateClass(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
): string | undefined {
  const spec = stateTemplate(ctx, namespace, crName)?.spec;
  return isObject(spec) && typeof spec.storageClassName === 'string' ? spec.storageClassName : undefined;
}

/** The target StatefulSet's state claim template: undefined with no StatefulSet (or templates) known, null when it has none. */
function stateTemplate(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
): Record<string, unknown> | null | undefined {
  const templates: unknown = ctx.statefulSet(namespace, targetStatefulSetName(crName))?.spec
    ?.volumeClaimTemplates;
  if (!Array.isArray(templates)) return undefined;
  const name = stateTemplateName(namespace, crName);
  const found: unknown = templates.find(
    (t) => isObject(t) && isObject(t.metadata) && t.metadata.name === name,
  );
  return isObject(found) ? found : null;
}

/** Which of a CR's target PVs to list (targetVolumes). */
export interface VolumeQuery {
  /** A PV under review: it stands for the cached PV of its name, as it will be stored. */
  reviewed?: PersistentVolume;
  /** The PVs held by a deleted claim's uid (k8s.ts claimGone), no target's disk until freed. */
  gone?: boolean;
  /**
   * The CR, when known: only claims of its own claim templates count. A CR re-created with another
   * mount path leaves PVs for the old mount's claims (cleanupMetadata, or the claims kept), which
   * no pod of the new StatefulSet ever claims (operator target/volumes.go newTargetPVCs).
   */
  cr?: AIStoreCR;
}

/** The key of targetVolumes' filtered lists when no CR is given. */
const NO_CR = {};

/** The CR's target PVs: its disks, or with `gone` the PVs a deleted claim still holds. */
export function targetVolumes(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  query: VolumeQuery = {},
): TargetVolume[] {
  return listOf(ctx, volumeSet(ctx, namespace, crName, query));
}

/** Where a reviewed PV is: the kept PVs it can meet are of its claim, of its target, or on its node. */
export interface VolumeSpot {
  claim?: string;
  ordinal?: number;
  host?: string;
}

/** The PVs a reviewed PV meets, and whether a PV name is among the CR's target PVs at all. */
export interface VolumesNear {
  /** The kept PVs (the reviewed one's namesake left out) of its claim, target or node, by name. */
  near: TargetVolume[];
  /** The reviewed PV, or one of the CR's kept target PVs (claims not gone), near it or not. */
  inSet(name: string): boolean;
}

/**
 * Lists this short are walked: an index per target set would cost more memory than the walk costs
 * time (check holds every set of its input: 12,500 CRs of 8 PVs each took 80 MB more indexed).
 */
const WALKED = 64;

/**
 * targetVolumes cut to those sharing the reviewed PV's claim, target or node: a review of one PV
 * meets its neighbours, so check, plan and audit, which review every PV of a set, stay linear in the
 * set (10,000 PVs, each walking the whole list: quadratic), and a webhook review of one PV costs the
 * same in a deployment of any size. Claims gone are not asked for here.
 */
export function targetVolumesNear(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  query: Omit<VolumeQuery, 'gone'> & { reviewed: PersistentVolume },
  spot: VolumeSpot,
): VolumesNear {
  const { kept } = volumeSet(ctx, namespace, crName, query);
  const self = nameOf(query.reviewed);
  const inSet = (name: string) => name === self || named(kept.list, name) !== undefined;
  const meets = ({ pv, claim, ordinal, host }: TargetVolume) =>
    (claim === spot.claim || ordinal === spot.ordinal || (host !== undefined && host === spot.host)) &&
    nameOf(pv) !== self;
  if (kept.list.length <= WALKED) {
    ctx.visited += kept.list.length;
    return { near: kept.list.filter(meets), inSet };
  }
  const index = (kept.index ??= indexOf(kept.list));
  const found = new Set<TargetVolume>();
  const add = (at: TargetVolume[] | undefined) => at?.forEach((v) => found.add(v));
  if (spot.claim !== undefined) add(index.byClaim.get(spot.claim));
  if (spot.ordinal !== undefined) add(index.byOrdinal.get(spot.ordinal));
  if (spot.host !== undefined) add(index.byHost.get(spot.host));
  ctx.visited += found.size;
  // In the list's order, as the walk gives them.
  return { near: [...found].filter(meets).sort((a, b) => byName(a.pv, b.pv)), inSet };
}

/** A kept list's entries by claim, target and node. */
interface VolumeIndex {
  byClaim: Map<string, TargetVolume[]>;
  byOrdinal: Map<number, TargetVolume[]>;
  byHost: Map<string, TargetVolume[]>;
}

function indexOf(list: readonly TargetVolume[]): VolumeIndex {
  const index: VolumeIndex = { byClaim: new Map(), byOrdinal: new Map(), byHost: new Map() };
  for (const volume of list) reindex(index, volume, 'add');
  return index;
}

/** Puts a volume into the index's three maps, or takes it out of them. */
function reindex(index: VolumeIndex, volume: TargetVolume, how: 'add' | 'delete'): void {
  const update = <K>(map: Map<K, TargetVolume[]>, key: K) => {
    const at = map.get(key);
    if (how === 'add') {
      if (at) at.push(volume);
      else map.set(key, [volume]);
    } else if (at?.includes(volume)) {
      at.splice(at.indexOf(volume), 1);
      if (at.length === 0) map.delete(key);
    }
  };
  update(index.byClaim, volume.claim);
  update(index.byOrdinal, volume.ordinal);
  if (volume.host !== undefined) update(index.byHost, volume.host);
}

/** A volumeSet as a list: the kept PVs with the reviewed one in its kept namesake's place. */
export function listOf(ctx: ClusterContext, { kept, self, mine }: VolumeSet): TargetVolume[] {
  const out = self === undefined ? [...kept.list] : kept.list.filter((v) => nameOf(v.pv) !== self);
  if (mine) out.push(mine);
  ctx.visited += out.length;
  return out;
}

/** A CR's target PVs as the context has them, filtered for one query's CR and `gone`. */
interface KeptVolumes {
  /** By PV name (setVolumesOf's order): a name is found by halving (named). */
  list: TargetVolume[];
  /** targetVolumesNear's index of `list`, when longer than WALKED. */
  index?: VolumeIndex;
  /** How many of `list` are on each node for each target, made with the first `sharing`. */
  hosts?: Hosts;
  /** detectLayout's sharing of these, by the target count it was judged for. */
  sharing?: Map<number | undefined, Sharing>;
}

/**
 * What the context gives one target set (namespace, CR name), kept until the set's PVs, target
 * StatefulSet or nodes change, and then brought up to date from itself (setVolumesOf).
 */
interface SetVolumes {
  /** The context's PVs named as the set's target claims, by PV name, each as the context has it now. */
  all: TargetVolume[];
  /** Whether the target StatefulSet has a state claim template (undefined: no StatefulSet or templates known). */
  stateTemplated: boolean | undefined;
  /** The filtered lists per CR object (NO_CR without one), of PVs whose claim is there, and gone. */
  byCR: [WeakMap<object, KeptVolumes>, WeakMap<object, KeptVolumes>];
  /**
   * The last record's filtered lists and what changed since, to bring each up to date the first time
   * it is asked for again (keptOf) rather than filter `all` anew. Those not asked for again are held
   * (with the PV objects they name) until the next record.
   */
  carried?: { byCR: SetVolumes['byCR']; stateTemplated: boolean | undefined; changes: Change[] };
  /**
   * The filtered list when `all` is empty, whatever the CR and `gone` (a set with no pre-bound PV: every
   * review without a cluster, and a dynamically provisioned set): no list, map or WeakMap entry is
   * made per review for nothing. Its sharing is never kept on it (sharingOfSet): it is shared by
   * every CR of the name for the whole record, and a map by size would grow with each size a
   * request gives.
   */
  none: KeptVolumes;
}

/** A PV of the set that came, went or changed: its entry before and after (none: not one of the set's). */
interface Change {
  name: string;
  before?: TargetVolume;
  after?: TargetVolume;
}

/**
 * targetVolumes' parts: the context's PVs (`kept`), the reviewed PV's name (`self`), which stands for
 * the kept one of that name, and its own entry (`mine`) when it counts.
 */
export interface VolumeSet {
  kept: KeptVolumes;
  self?: string;
  mine?: TargetVolume;
  /** The context has no PV named as the set's target claims, whatever `gone` (kept is then empty too). */
  none: boolean;
}

export function volumeSet(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  { reviewed, gone = false, cr }: VolumeQuery,
): VolumeSet {
  // The PVs walked are those named as this CR's target claims (an index), not the namespace's; a
  // review asks several times, and the record is kept across events of other sets.
  const set = ctx.memoForSet(namespace, crName, (last?: LastSetMemo<SetVolumes>) =>
    setVolumesOf(ctx, namespace, crName, last),
  );
  // A PV whose claim is gone (k8s.ts claimGone) is no target's disk, and one of another claim
  // template than the CR's is none of this CR's.
  const counts = (v: TargetVolume) =>
    claimGone(v.pv) === gone &&
    (cr === undefined ||
      (v.state ? (set.stateTemplated ?? hasStateClaim(cr)) : isClaimTemplateOf(cr, v.template)));
  let kept = set.none;
  if (set.all.length > 0) {
    // Filtered once per CR object: check, plan and audit ask for every PV of a set against one CR,
    // which would otherwise filter the whole list again per PV (quadratic).
    const byCR = set.byCR[gone ? 1 : 0];
    const crKey = cr ?? NO_CR;
    kept = byCR.get(crKey) ?? keptOf(set, gone, crKey, counts);
    byCR.set(crKey, kept);
  }
  const none = set.all.length === 0;
  if (reviewed === undefined) return { kept, none };
  const self = nameOf(reviewed);
  const mine =
    claimRefOf(reviewed)?.namespace === namespace
      ? targetVolumeOf(ctx, reviewed, crName, namespace)
      : undefined;
  return { kept, self, mine: mine && counts(mine) ? mine : undefined, none };
}

/**
 * A set's record: read afresh from the context, or the last one brought up to date by reading again
 * only the PVs that changed. Its list is by PV name, not the index's order (the order events came in):
 * a message that names one PV of several, or the first node two targets share, must read the same in
 * the webhook, after a relist, and in `check` (test/server/cache-property.test.ts).
 */
function setVolumesOf(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  last: LastSetMemo<SetVolumes> | undefined,
): SetVolumes {
  const stateTemplated = stateTemplatePresent(ctx, namespace, crName);
  const record = (all: TargetVolume[], carried?: SetVolumes['carried']): SetVolumes => ({
    all,
    stateTemplated,
    byCR: [new WeakMap(), new WeakMap()],
    ...(carried && { carried }),
    none: { list: [] },
  });
  // Read afresh as well when most of the set changed (a relist after a dropped watch).
  if (last === undefined || last.changed.size > last.value.all.length / 2) {
    const all: TargetVolume[] = [];
    for (const pv of ctx.pvsForTargetsOf(namespace, crName)) {
      const volume = targetVolumeOf(ctx, pv, crName, namespace);
      if (volume) all.push(volume);
    }
    return record(all.sort((a, b) => byName(a.pv, b.pv)));
  }
  const changes = [...last.changed].sort().map((name): Change => {
    const pv = ctx.pvForTargetsOf(namespace, crName, name);
    return {
      name,
      before: named(last.value.all, name),
      after: pv && targetVolumeOf(ctx, pv, crName, namespace),
    };
  });
  const { all, byCR } = last.value;
  const carried = { byCR, stateTemplated: last.value.stateTemplated, changes };
  return record(withChanges(all, changes), carried);
}

/**
 * A filtered list not yet asked for in this record: the last record's brought up to date when it had
 * one (the same CR object, `gone`, and state template), else `all` filtered. What the last one had
 * made from its list (index, hosts, sharing) moves over and is brought up to date with it: the last
 * record is gone, and the list is asked for once per record (volumeSet keeps it).
 */
function keptOf(
  set: SetVolumes,
  gone: boolean,
  crKey: object,
  counts: (v: TargetVolume) => boolean,
): KeptVolumes {
  const carried = set.carried;
  const lists =
    carried && carried.stateTemplated === set.stateTemplated ? carried.byCR[gone ? 1 : 0] : undefined;
  const last = lists?.get(crKey);
  if (carried === undefined || lists === undefined || last === undefined)
    return { list: set.all.filter(counts) };
  lists.delete(crKey);
  if (carried.changes.length === 0) return last;
  // An entry is in the last list exactly when it counted then, and `counts` gives the same answers
  // for it now (the same CR, `gone` and state template; an entry's PV object never changes).
  const left = carried.changes.flatMap(({ before }) => (before && counts(before) ? [before] : []));
  const came = carried.changes.flatMap(({ after }) => (after && counts(after) ? [after] : []));
  const kept: KeptVolumes = { list: withChanges(last.list, carried.changes, counts) };
  if (last.index) {
    // Those that came first: a PV read again in its place (its binding state, its Node's event)
    // then never empties its keys' entries. A key taken out of a Map and put back costs a Map of
    // 10,000 keys some 6 us (its table is compacted), against 0.5 us at 1,000.
    for (const volume of came) reindex(last.index, volume, 'add');
    for (const volume of left) reindex(last.index, volume, 'delete');
    kept.index = last.index;
  }
  const hosts = last.hosts;
  if (hosts) {
    kept.hosts = hosts;
    // Those that came first: a PV changed in place (its binding state) then neither grows nor
    // shrinks its node's targets.
    const grown = came.flatMap(({ host, ordinal }) =>
      host && countHost(hosts, { host, ordinal }, +1) ? [host] : [],
    );
    let shrunk = false;
    for (const volume of left) shrunk = countHost(hosts, volume, -1) || shrunk;
    // A node losing a target can change which node is shared first: counted anew when asked.
    if (!shrunk && last.sharing)
      kept.sharing = new Map(
        [...last.sharing].map(([size, sharing]) => [
          size,
          grown.reduce((s, host) => withOrdinal(s, ordinalsOn(hosts, host), host, size), sharing),
        ]),
      );
  }
  return kept;
}

/**
 * A list by PV name with the entries named in `changes` (by name) taken out, and their `after` put in
 * their place where `keep` holds; only the changed PVs are read. A few changes are made in place: the
 * list is its last record's, which is gone (setVolumesOf, keptOf). A copy per event of a bulk apply
 * allocated two lists of the set's size per PV event, and above 16,000 PVs the collector made it
 * quadratic again. More changes are merged into a copy, in one pass.
 */
function withChanges(
  list: TargetVolume[],
  changes: readonly Change[],
  keep: (v: TargetVolume) => boolean = () => true,
): TargetVolume[] {
  if (changes.length > SPLICED) return merged(list, changes, keep);
  for (const { name, after } of changes) {
    const at = positionOf(list, name);
    const there = list[at] !== undefined && nameOf(list[at].pv) === name;
    const put = after !== undefined && keep(after);
    if (there && put) list[at] = after;
    else if (there) list.splice(at, 1);
    else if (put) list.splice(at, 0, after);
  }
  return list;
}

/** The most changes withChanges makes in place (each moves the list's tail). */
const SPLICED = 16;

/** withChanges into a new list, sized for what it may reach (an array grown by push is copied as it grows). */
function merged(
  list: readonly TargetVolume[],
  changes: readonly Change[],
  keep: (v: TargetVolume) => boolean,
): TargetVolume[] {
  const out = new Array<TargetVolume>(list.length + changes.length);
  let size = 0;
  let next = 0;
  const copyUpTo = (end: number) => {
    for (; next < end; next++) out[size++] = list[next] as TargetVolume;
  };
  for (const { name, after } of changes) {
    copyUpTo(positionOf(list, name, next));
    if (next < list.length && nameOf((list[next] as TargetVolume).pv) === name) next++;
    if (after && keep(after)) out[size++] = after;
  }
  copyUpTo(list.length);
  out.length = size;
  return out;
}

/** Where a PV named `name` is, or would go, in a list by PV name, looking from `from` on. */
function positionOf(list: readonly TargetVolume[], name: string, from = 0): number {
  let low = from;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (nameOf(list[mid]!.pv) < name) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The entry of the PV named `name` in a list by PV name. */
function named(list: readonly TargetVolume[], name: string): TargetVolume | undefined {
  const found = list[positionOf(list, name)];
  return found !== undefined && nameOf(found.pv) === name ? found : undefined;
}

/** The first node two targets' disks share, and whether two targets below the size share one. */
export interface Sharing {
  shared?: { host: string; ordinals: number[] };
  runningShare: boolean;
}

/** Per node, per target, how many PVs put that target's disks there. */
type Hosts = Map<string, Map<number, number>>;

/** Counts the volumes that are on a node; a count that goes 0 -> 1 or 1 -> 0 tells (the node's targets changed). */
function countHost(
  hosts: Hosts,
  { host, ordinal }: Pick<TargetVolume, 'host' | 'ordinal'>,
  by: 1 | -1,
): boolean {
  // An empty hostname (an `In [""]` the apiserver takes) names no node: no target is on it.
  if (!host) return false;
  const ordinals = hosts.get(host) ?? new Map<number, number>();
  const count = (ordinals.get(ordinal) ?? 0) + by;
  if (count > 0) ordinals.set(ordinal, count);
  else ordinals.delete(ordinal);
  if (ordinals.size > 0) hosts.set(host, ordinals);
  else hosts.delete(host);
  return count === (by > 0 ? 1 : 0);
}

export function hostsOf(volumes: Iterable<TargetVolume>, hosts: Hosts = new Map()): Hosts {
  for (const volume of volumes) countHost(hosts, volume, +1);
  return hosts;
}

/** The targets with a disk on a node, in order (and `more` with them). */
const ordinalsOn = (hosts: Hosts, host: string, more?: number) =>
  [...new Set([...(hosts.get(host)?.keys() ?? []), ...(more === undefined ? [] : [more])])].sort(
    (x, y) => x - y,
  );

/** Nodes whose disks two targets share, those of the lowest targets first; then by name. */
const byFirstTargets = (a: { host: string; ordinals: number[] }, b: { host: string; ordinals: number[] }) =>
  a.ordinals[1]! - b.ordinals[1]! || a.ordinals[0]! - b.ordinals[0]! || (a.host < b.host ? -1 : 1);

export function sharingOf(hosts: Hosts, size: number | undefined): Sharing {
  // Named by the node whose shared disks come first by target (the first targets a size runs), so
  // a re-created CR smaller than its earlier life hears of the targets it will have. Targets at or
  // past the size do not run: PVs that put only them beside another force nothing.
  return [...hosts.keys()].reduce(
    (sharing, host) => withOrdinal(sharing, ordinalsOn(hosts, host), host, size),
    sharingOfNone(size),
  );
}

/**
 * A sharing with one node's targets grown to `ordinals` (in order): a node's first two targets only
 * come earlier as it gains one, so it is first now if it was, or if it now comes before the first.
 */
function withOrdinal(sharing: Sharing, ordinals: number[], host: string, size: number | undefined): Sharing {
  const candidate = ordinals.length >= 2 ? { host, ordinals } : undefined;
  const { shared } = sharing;
  const first =
    candidate && (shared === undefined || shared.host === host || byFirstTargets(candidate, shared) < 0)
      ? candidate
      : shared;
  const runningShare =
    sharing.runningShare || (size !== undefined && ordinals.filter((n) => n < size).length >= 2);
  return first === shared && runningShare === sharing.runningShare
    ? sharing
    : { shared: first, runningShare };
}

/**
 * sharingOf no PV at all, without a map: nothing is shared, and a share runs only where no size
 * bounds the targets (sharingOf's rule over no host).
 */
const SHARING_OF_NONE: Readonly<Record<'sized' | 'unsized', Sharing>> = {
  sized: { runningShare: false },
  unsized: { runningShare: true },
};
const sharingOfNone = (size: number | undefined): Sharing =>
  size === undefined ? SHARING_OF_NONE.unsized : SHARING_OF_NONE.sized;

/** Target counts a kept list's sharing is kept for: the CR's, and a few a review gives (sharingOfSet). */
const SIZES_KEPT = 4;

/** Whether a reviewed PV puts its target where the kept PV of its name does (or neither counts). */
const sameSpot = (a: TargetVolume | undefined, b: TargetVolume | undefined) =>
  (a?.host === undefined && b?.host === undefined) || (a?.host === b?.host && a?.ordinal === b?.ordinal);

/**
 * The sharing of a reviewed set (the kept PVs, the reviewed one in its namesake's place) from the kept
 * PVs' own, which is kept: the reviewed PV adds its node's one target. Undefined when it moves a
 * namesake off a node, which only counting them all again tells (sharingOf over listOf).
 */
export function sharingOfSet(set: VolumeSet, size: number | undefined): Sharing | undefined {
  if (set.none) return sharingOfNone(size);
  const { kept, self, mine } = set;
  const namesake = self === undefined ? undefined : named(kept.list, self);
  if (namesake?.host !== undefined && !sameSpot(namesake, mine)) return undefined;
  kept.hosts ??= hostsOf(kept.list);
  kept.sharing ??= new Map();
  let own = kept.sharing.get(size);
  if (own === undefined) {
    // The size comes from requests too (a StatefulSet's replicas), and the record outlives them.
    if (kept.sharing.size >= SIZES_KEPT) kept.sharing.clear();
    kept.sharing.set(size, (own = sharingOf(kept.hosts, size)));
  }
  return !mine?.host || sameSpot(namesake, mine)
    ? own
    : withOrdinal(own, ordinalsOn(kept.hosts, mine.host, mine.ordinal), mine.host, size);
}
