// Planning around the PVs that exist (--diff, --diff-cluster): a target keeps the disks its PVs name
// while they still serve it (a PV's source cannot change, and a Bound target keeps its data there), a
// target missing some mounts' PVs gets them on free disks of its node, and the rest are placed on the
// disks no existing PV holds. What keeps a target from its PVs is said, never silently changed.
import {
  ClusterContext,
  claimGone,
  claimRefOf,
  dataClaimName,
  diskPathOf,
  hasClaimShape,
  isBeingDeleted,
  isDiscoveredDisk,
  isInside,
  isObject,
  keepOutOfDiscovery,
  kindOf,
  nameOf,
  normalDiskPath,
  pathsNest,
  pvPinnedHostnames,
  stateClaimName,
  stateTemplateName,
  targetOrdinal,
  type KubeObject,
  type PersistentVolume,
} from '../policy/index.js';
import { matchNode, placeTargets, unfit, type MountNeed, type Placement } from './assign.js';
import type { Disk, DiskNode } from './diskmap.js';

interface ExistingPv {
  node: string;
  /** Normalised; none for a volume that is no disk of the map (a CSI volume): it pins a node only. */
  path?: string;
  bound: boolean;
  /**
   * Held by a deleted claim's uid (Released, Failed) or being deleted: no claim binds it (k8s.ts
   * claimGone), so it pins no target while another of the target's PVs can serve; kept for the
   * redeploy on Retain disks, where freeing its uid is the fix.
   */
  gone: boolean;
}

/** Which of two PVs pre-bound to one claim stands for it: the Bound one, else one that can bind. */
const rank = (p: ExistingPv) => (p.bound ? 2 : p.gone ? 0 : 1);

/** An existing PV where it stands, whoever's. */
interface HeldPv {
  node: string;
  /** Normalised. */
  path: string;
  name: string;
  /** "ns/name" of its claimRef, if any. */
  claim?: string;
  /** Published by the local static provisioner (it publishes the disk again when deleted). */
  discovered: boolean;
}

export interface Existing {
  /**
   * By the name of the claim in the CR's namespace each is pre-bound to: the PV it is bound to
   * (status Bound) when there is one, else one that can bind it, else the first listed, so the
   * answer does not hang on order.
   */
  byClaim: Map<string, ExistingPv>;
  /** Every existing PV with a node and a path, by node: a disk's holders are among its node's PVs. */
  heldOn: Map<string, HeldPv[]>;
}

export const diskKey = (node: string, path: string) => `${node}:${normalDiskPath(path)}`;

/**
 * The PVs on a disk: on it, on a directory of it, or on a directory holding it (one filesystem, two
 * claims writing it: pv-target-binding refuses such a PV, and plan must not plan one).
 */
const holdersOf = (existing: Existing, disk: Disk): HeldPv[] =>
  (existing.heldOn.get(disk.node) ?? []).filter((h) => pathsNest(h.path, normalDiskPath(disk.path)));

export function existingDisks(objects: KubeObject[], namespace: string): Existing {
  const byClaim = new Map<string, ExistingPv>();
  const heldOn = new Map<string, HeldPv[]>();
  // A PV's node as check reads it (pv-target-binding: ctx.pvHost): by hostname, or by a node-local
  // CSI driver's topology key pinned to one of the Nodes given (OpenEBS LVM: openebs.io/nodename).
  // One context for all the PVs: the cost stays linear.
  const ctx = new ClusterContext(objects);
  for (const o of objects) {
    if (!isObject(o) || kindOf(o) !== 'PersistentVolume') continue;
    const pv = o as PersistentVolume;
    const ref = claimRefOf(pv);
    const node = ctx.pvHost(pv);
    const path = diskPathOf(pv);
    // A PV pinned to several hosts pins no node (pvHost), but may be used on each of them: it holds
    // its path on every one, as check judges it (no target PV may be planned there).
    const hosts = node ? [node] : pvPinnedHostnames(pv);
    if (path)
      for (const host of hosts) {
        const h: HeldPv = {
          node: host,
          path: normalDiskPath(path),
          name: nameOf(pv),
          ...(ref && { claim: `${ref.namespace}/${ref.name}` }),
          discovered: isDiscoveredDisk(pv),
        };
        const onHost = heldOn.get(host);
        if (onHost) onHost.push(h);
        else heldOn.set(host, [h]);
      }
    if (!node || ref?.namespace !== namespace) continue;
    const bound = isObject(pv.status) && pv.status.phase === 'Bound';
    const found: ExistingPv = {
      node,
      ...(path && { path }),
      bound,
      gone: claimGone(pv) || isBeingDeleted(pv),
    };
    const before = byClaim.get(ref.name);
    if (!before || rank(found) > rank(before)) byClaim.set(ref.name, found);
  }
  return { byClaim, heldOn };
}

/** How many disks (node and path) the existing PVs stand on. */
export const heldDiskCount = (existing: Existing) =>
  new Set([...existing.heldOn.values()].flat().map((h) => diskKey(h.node, h.path))).size;

export interface Layout {
  namespace: string;
  crName: string;
  /** The nodes the targets may use. */
  nodes: DiskNode[];
  needs: MountNeed[];
  targets: number;
  /** Targets a node may run: 1 for an autoscaled CR (the operator's hostname anti-affinity). */
  perNode: number;
  /** The directories the CR's useHostPath mounts write on every target node (hostPathDirs), normalised. */
  hostDirs: string[];
  /** Whether the targets claim a state volume too (spec.stateStorage.pvc): its PV pins the node as theirs do. */
  stateClaims: boolean;
}

/**
 * What a CR's useHostPath mounts write on every node its targets run on: <path>/<ns>/<cr>/target
 * (operator target/volumes.go appendHostPathDataVolumes). A data PV on a disk nesting with one puts
 * two targets on one filesystem, which pv-target-binding refuses (checkHostPathDirs).
 */
export function hostPathDirs(rawMounts: unknown, namespace: string, crName: string): string[] {
  if (!Array.isArray(rawMounts)) return [];
  return rawMounts.flatMap((m) =>
    isObject(m) && m.useHostPath === true && typeof m.path === 'string'
      ? [normalDiskPath(`${m.path}/${namespace}/${crName}/target`)]
      : [],
  );
}

/** Whether a disk holds (or lies inside) a directory the CR's useHostPath mounts write. */
export const holdsHostDir = (disk: Disk, hostDirs: string[]) =>
  hostDirs.some((dir) => pathsNest(dir, normalDiskPath(disk.path)));

/**
 * A PV of this CR's targets: its data claims by their whole shape, its state claims by their template
 * (another CR of the namespace, x-ais, ends its claims the same way).
 */
function isOwn(h: HeldPv, namespace: string, crName: string): boolean {
  const [ns, name] = (h.claim ?? '').split('/');
  if (ns !== namespace || name === undefined) return false;
  const state = name.startsWith(`${stateTemplateName(namespace, crName)}-`);
  return state ? targetOrdinal(crName, name) !== undefined : hasClaimShape(crName, name);
}

/** An existing PV where it stands, as the reader of an error knows it. */
function describeHolder(h: HeldPv): string {
  if (h.claim) return `PV ${h.name} of claim ${h.claim}`;
  if (h.discovered) return `PV ${h.name}, published by the local static provisioner`;
  return `PV ${h.name}, pre-bound to no claim`;
}

/**
 * The disks of `nodes` that PVs not of this CR's targets stand on (or nest with), each as
 * "<node>:<path> (<its first such PV>)", and what to do when the local static provisioner published
 * one: what a shortage names, so "held by existing PVs" says which and why.
 */
export function heldByOthers(
  existing: Existing,
  nodes: DiskNode[],
  namespace: string,
  crName: string,
): { disks: string[]; advice?: string } {
  let advice: string | undefined;
  const disks = nodes.flatMap((n) =>
    n.disks.flatMap((d) => {
      const holder = holdersOf(existing, d).find((h) => !isOwn(h, namespace, crName));
      if (!holder) return [];
      if (holder.discovered && advice === undefined)
        advice = `a disk the provisioner published stays held until it is out of its discovery; for ${diskKey(d.node, holder.path)}: ${keepOutOfDiscovery(holder.path)}, then delete PV ${holder.name}`;
      return [`${diskKey(d.node, d.path)} (${describeHolder(holder)})`];
    }),
  );
  return { disks, ...(advice !== undefined && { advice }) };
}

/** Another PV on a target's disk, and what to do about it. */
function intruder(h: HeldPv): string {
  if (h.claim) return `PV ${h.name} of claim ${h.claim}: both claims write one disk; delete or move that PV`;
  if (h.discovered)
    return `PV ${h.name}, which the local static provisioner published: any claim of its class can bind it, and the provisioner wipes the disk when it is released; ${keepOutOfDiscovery(h.path)}, then delete PV ${h.name}`;
  return `PV ${h.name}, pre-bound to no claim: any claim of its class can bind it; delete or move that PV`;
}

/** A disk no existing PV stands on (or nests with), no useHostPath directory nests with, and no kept target took. */
const isFree = (disk: Disk, existing: Existing, taken: Taken, hostDirs: string[]) =>
  holdersOf(existing, disk).length === 0 &&
  !holdsHostDir(disk, hostDirs) &&
  !taken.disks.has(diskKey(disk.node, disk.path));

/**
 * What is decided for one target whose PVs exist, or why not: `keep`, its disks as its PVs use them
 * (a PV's path may be a directory on the disk), `disks`, those disks as the map lists them, and what to know.
 */
type Kept = { keep: Disk[]; disks: Disk[]; note?: string } | { why: string };

/** The targets kept so far: disk -> target, and targets per node. */
interface Taken {
  disks: Map<string, string>;
  perNode: Map<string, number>;
}

/**
 * The disk of the map a PV's (normalised) path is on: its mount point, else the innermost disk whose
 * directory holds the path (a PV on /mnt/a/ais uses the disk mounted at /mnt/a).
 */
function diskOf(node: DiskNode, path: string): Disk | undefined {
  let holder: Disk | undefined;
  for (const d of node.disks) {
    const at = normalDiskPath(d.path);
    if (at === path) return d;
    if (isInside(path, at) && (!holder || at.length > normalDiskPath(holder.path).length)) holder = d;
  }
  return holder;
}

/**
 * Whether target `ordinal`, some of whose claims have PVs, keeps them: all on one usable node with
 * room for it (its state PV's node counts: the scheduler's VolumeBinding puts a pod where all its
 * claims' PVs are), each on a disk of the map that fits its mount as the CR now asks (a mount grown past
 * the disk, or given another class, never binds the PV there) and that no other kept claim uses. Its
 * mounts without a PV get free disks of that node. Undefined for a target without any PV (a new one).
 */
function keepTarget(ordinal: number, existing: Existing, layout: Layout, taken: Taken): Kept | undefined {
  const { crName, namespace, nodes, needs, perNode, hostDirs } = layout;
  const pvs = needs.map(({ mount }) => existing.byClaim.get(dataClaimName(crName, mount.path, ordinal)));
  const state = layout.stateClaims
    ? existing.byClaim.get(stateClaimName(namespace, crName, ordinal))
    : undefined;
  const present = [...pvs, state].filter((p) => p !== undefined);
  if (present.length === 0) return undefined;
  // The PVs that can bind decide the node; those gone only when none can (a redeploy on Retain disks).
  const live = present.filter((p) => !p.gone);
  const pvNodes = [...new Set((live.length > 0 ? live : present).map((p) => p.node))];
  if (pvNodes.length > 1) return { why: `its PVs are on ${pvNodes.length} nodes (${pvNodes.join(', ')})` };
  const node = nodes.find((n) => n.name === pvNodes[0]);
  if (!node)
    return {
      why: `its PVs are on node ${pvNodes[0]}, which the CR's placement rules out or the disk map does not list`,
    };
  if ((taken.perNode.get(node.name) ?? 0) >= perNode)
    return {
      why: `node ${node.name} already runs a kept target, and the CR autoscales: the operator runs one target per node`,
    };
  const disks: (Disk | undefined)[] = [];
  // The PV's own directory where it is one on the disk rather than its mount point: the plan keeps it.
  const dirs: (string | undefined)[] = [];
  for (const [m, pv] of pvs.entries()) {
    // No disk of the map to keep: no PV, one that is no disk (a CSI volume: --diff shows it as
    // conflicting), or one gone from another node (it binds nothing): the mount gets a free disk.
    if (!pv?.path || (pv.gone && pv.node !== node.name)) {
      disks.push(undefined);
      continue;
    }
    const disk = diskOf(node, pv.path);
    if (!disk) return { why: `disk ${diskKey(pv.node, pv.path)} is not in the disk map` };
    const key = diskKey(disk.node, disk.path);
    const misfit = unfit(disk, needs[m]!);
    if (misfit) return { why: `disk ${key} no longer fits: ${misfit}` };
    const holder = disks.includes(disk) ? 'another mount of the same target' : taken.disks.get(key);
    if (holder) return { why: `disk ${key} also backs ${holder}` };
    disks.push(disk);
    if (normalDiskPath(disk.path) !== pv.path) dirs[m] = pv.path;
  }
  const missing = disks.flatMap((d, m) => (d ? [] : [m]));
  if (missing.length > 0) {
    const free = node.disks.filter((d) => isFree(d, existing, taken, hostDirs));
    const [completed] =
      matchNode(
        free,
        missing.map((m) => needs[m]!),
        1,
      ) ?? [];
    if (!completed)
      return {
        why: `node ${node.name}, where its PVs are, has no free disk left for ${missing.map((m) => needs[m]!.mount.path).join(', ')}`,
      };
    missing.forEach((m, i) => (disks[m] = completed[i]));
  }
  const kept = disks as Disk[];
  // Another PV on a kept disk (not this CR's targets': those are judged as targets): the target's
  // data is here, so it stays, but what else can write the disk is said, with what to do about it.
  const others = kept.flatMap((d) =>
    holdersOf(existing, d)
      .filter((h) => !isOwn(h, namespace, crName))
      .map((h) => `disk ${diskKey(d.node, d.path)} also holds ${intruder(h)}`),
  );
  return {
    keep: kept.map((d, m) => (dirs[m] === undefined ? d : { ...d, path: dirs[m] })),
    disks: kept,
    ...(others.length > 0 && { note: others.join('; ') }),
  };
}

/**
 * The ordinals below `targets` that an existing PV's claim (data or state) of this CR names, in order:
 * the only targets keepTarget can keep (any other has no PV). Read off the PVs, never counted up to
 * `targets`: a CR asking for 2,147,483,647 targets costs what its PVs cost, not a loop that long.
 */
function ordinalsWithPvs(existing: Existing, crName: string, targets: number): number[] {
  const ordinals = new Set<number>();
  for (const claim of existing.byClaim.keys()) {
    const ordinal = targetOrdinal(crName, claim);
    if (ordinal !== undefined && ordinal < targets) ordinals.add(ordinal);
  }
  return [...ordinals].sort((a, b) => a - b);
}

/** The first `count` ordinals no kept target has, in order: what the placed targets are numbered. */
function unkeptOrdinals(count: number, kept: ReadonlySet<number>): number[] {
  const ordinals: number[] = [];
  for (let i = 0; ordinals.length < count; i++) if (!kept.has(i)) ordinals.push(i);
  return ordinals;
}

/**
 * Targets whose PVs serve them keep their disks; the rest are placed (placeTargets) on the disks no
 * existing PV holds, the nodes' kept targets counted as their load. Throws `shortage` when they do not
 * fit, given why each target with PVs was not kept on them. The work follows the disks and PVs given,
 * never the count asked: placeTargets refuses a count past the disks' room before any per-target step,
 * and only then are the placed targets numbered.
 */
export function placeAround(
  existing: Existing,
  layout: Layout,
  shortage: (open: DiskNode[], count: number, kept: number, dropped: string[]) => Error,
): { placements: Placement[]; warnings: string[]; moved: number[] } {
  const { crName, nodes, needs, targets, perNode, hostDirs } = layout;
  const kept: Placement[] = [];
  const warnings: string[] = [];
  // "<target> (<why>)" for each target not kept on its PVs' disks: a shortage throws before the
  // warnings are printed, and these reasons are what the user must act on.
  const dropped: string[] = [];
  const moved: number[] = [];
  const taken: Taken = { disks: new Map(), perNode: new Map() };
  // In ordinal order, as every ordinal was once walked: a kept target's disks are taken for the next.
  for (const ordinal of ordinalsWithPvs(existing, crName, targets)) {
    const target = `${crName}-target-${ordinal}`;
    const verdict = keepTarget(ordinal, existing, layout, taken);
    if (!verdict) continue;
    if ('why' in verdict) {
      warnings.push(`${target} is planned on other disks: ${verdict.why}; its existing PVs do not serve it`);
      dropped.push(`${target} (${verdict.why})`);
      moved.push(ordinal);
      continue;
    }
    const node = verdict.keep[0]!.node;
    kept.push({ ordinal, node, disks: verdict.keep });
    for (const d of verdict.disks) taken.disks.set(diskKey(d.node, d.path), target);
    taken.perNode.set(node, (taken.perNode.get(node) ?? 0) + 1);
    if (verdict.note) warnings.push(`${target} keeps its disks, but ${verdict.note}`);
  }
  const open = nodes.map((n) => ({
    ...n,
    disks: n.disks.filter((d) => isFree(d, existing, taken, hostDirs)),
  }));
  const load = open.map((n) => taken.perNode.get(n.name) ?? 0);
  const count = targets - kept.length;
  const added = placeTargets(open, needs, count, perNode, load);
  if (!added) throw shortage(open, count, kept.length, dropped);
  const free = unkeptOrdinals(added.length, new Set(kept.map((p) => p.ordinal)));
  const placed = added.map((p, k) => ({ ...p, ordinal: free[k] as number }));
  return { placements: [...kept, ...placed].sort((a, b) => a.ordinal - b.ordinal), warnings, moved };
}
