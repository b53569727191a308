// Which disks serve which target. Each target needs one disk per mount, all on one node, and no disk
// serves two targets. How many targets a node holds is a bipartite matching of (target, mount) slots
// to disks: augmenting paths (Kuhn's algorithm) find one whenever one exists, so a disk that could
// back two mounts never leaves a target short because a greedy pick took it first. Which disks each
// target gets is then chosen a target at a time: the disks that leave the node room for the most
// further targets (so a later scale-out, which keeps these disks, still fits), the disks listed first
// on a tie. Across nodes, each target goes to the node with the fewest targets that has room, in the
// map's order on a tie: round-robin when the nodes start empty.
import { capacityHolds, type Mount } from '../policy/index.js';
import type { Disk, DiskNode } from './diskmap.js';

export interface MountNeed {
  mount: Mount;
  /** The mount's size in bytes; undefined when the mount gives none. */
  bytes?: number;
}

/**
 * Whether the disk's PV holds the mount's claim: the PV controller compares the request (whole
 * bytes) with the capacity exactly (Quantity.Cmp), and "1099511627775.9999999" is short of 1Ti though
 * the floats agree (review plan47). Floats decide where they cannot be wrong, which is nearly always.
 */
function holds(disk: Disk, { mount, bytes }: MountNeed): boolean {
  if (bytes === undefined) return true;
  const margin = 1 + Math.max(disk.bytes, bytes) * 2 ** -40;
  if (disk.bytes > bytes + margin) return true;
  if (disk.bytes < bytes - margin) return false;
  return capacityHolds(disk.size, mount.size) !== false;
}

/** Why a disk cannot back a mount, or undefined when it can. */
export function unfit(disk: Disk, need: MountNeed): string | undefined {
  const { mount } = need;
  if (!holds(disk, need)) return `${disk.size} is smaller than mount ${mount.path}'s ${mount.size}`;
  if (disk.class !== undefined && mount.storageClass !== undefined && disk.class !== mount.storageClass)
    return `class ${disk.class}, mount ${mount.path} wants ${mount.storageClass}`;
  return undefined;
}

/**
 * How many targets the disks can hold (at most `limit`): a maximum matching of (target, mount)
 * slots to disks, grown a target at a time by augmenting paths. An augmenting path never unmatches
 * a slot, so the first target that cannot be completed is where the count stops.
 */
export function nodeCapacity(disks: Disk[], needs: MountNeed[], limit = Infinity): number {
  return slotMatching(disks, needs, limit).count;
}

/** nodeCapacity's matching: how many targets fit, and which disk holds slot target * mounts + mount. */
function slotMatching(
  disks: Disk[],
  needs: MountNeed[],
  limit: number,
): { count: number; slotOfDisk: Map<Disk, number> } {
  const slotOfDisk = new Map<Disk, number>();
  if (needs.length === 0) return { count: 0, slotOfDisk };
  const candidates = needs.map((need) => disks.filter((d) => unfit(d, need) === undefined));
  const augment = (slot: number, seen: Set<Disk>): boolean => {
    for (const disk of candidates[slot % needs.length] ?? []) {
      if (seen.has(disk)) continue;
      seen.add(disk);
      const holder = slotOfDisk.get(disk);
      if (holder === undefined || augment(holder, seen)) {
        slotOfDisk.set(disk, slot);
        return true;
      }
    }
    return false;
  };
  let k = 0;
  for (; k < limit && (k + 1) * needs.length <= disks.length; k++)
    for (let m = 0; m < needs.length; m++)
      if (!augment(k * needs.length + m, new Set())) {
        // Drop the partial target's slots: they hold disks that no whole target uses.
        for (const [disk, slot] of slotOfDisk) if (slot >= k * needs.length) slotOfDisk.delete(disk);
        return { count: k, slotOfDisk };
      }
  return { count: k, slotOfDisk };
}

/** a before b: the lower disk positions, compared in ascending order; then mount by mount. */
function listedBefore(a: Disk[], b: Disk[]): boolean {
  const sorted = (ds: Disk[]) => ds.map((d) => d.index).sort((x, y) => x - y);
  for (const [x, y] of [
    [sorted(a), sorted(b)],
    [a.map((d) => d.index), b.map((d) => d.index)],
  ] as const)
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number);
  return false;
}

/**
 * The disks of one more target, one per mount, or undefined when none fits: of the ways to give
 * each mount a disk, the one that leaves the most room for further targets, then the one using the
 * disks listed first (listedBefore). Disks that fit the same mounts are interchangeable for the room
 * left, so each mount only picks such a group, and takes that group's earliest free disk: an exact
 * search over groups^mounts choices, small (a target has few mounts, a node few kinds of disk).
 */
function nextTarget(disks: Disk[], needs: MountNeed[]): Disk[] | undefined {
  let steps = 0;
  const groups = new Map<string, Disk[]>();
  for (const disk of disks) {
    const fits = needs.map((need) => (unfit(disk, need) === undefined ? '1' : '0')).join('');
    if (fits.includes('1')) (groups.get(fits) ?? groups.set(fits, []).get(fits)!).push(disk);
  }
  const kinds = [...groups.values()];
  const used = kinds.map(() => 0);
  const chosen: Disk[] = [];
  const roomAfter = new Map<string, number>(); // by how many disks of each group were taken
  let best: { disks: Disk[]; room: number } | undefined;
  const search = (m: number): void => {
    if (++steps > SEARCH_STEPS) return;
    if (m === needs.length) {
      const key = used.join(',');
      const room =
        roomAfter.get(key) ??
        nodeCapacity(
          disks.filter((d) => !chosen.includes(d)),
          needs,
        );
      roomAfter.set(key, room);
      if (!best || room > best.room || (room === best.room && listedBefore(chosen, best.disks)))
        best = { disks: [...chosen], room };
      return;
    }
    kinds.forEach((kind, g) => {
      const disk = kind[used[g] as number];
      if (!disk || unfit(disk, needs[m] as MountNeed) !== undefined) return;
      used[g] = (used[g] as number) + 1;
      chosen.push(disk);
      search(m + 1);
      chosen.pop();
      used[g] = (used[g] as number) - 1;
    });
  };
  search(0);
  return steps > SEARCH_STEPS ? undefined : best?.disks;
}

/**
 * How many steps nextTarget's search may take before it gives up: it is exponential in the mounts
 * when disks come in many sizes (24 mounts in 8 sizes: ~10^9 choices), and matchNode then takes the
 * matching's assignment instead, which fits every target but not always the earliest disks.
 */
const SEARCH_STEPS = 50_000;

/**
 * The disks of `k` targets on one node, `[target][mount]`, or undefined when they do not fit.
 * Each target in turn takes the disks nextTarget picks; as it leaves the most room, the node's
 * capacity drops by one per target, so all `k` fit whenever the matching says they can.
 */
export function matchNode(disks: Disk[], needs: MountNeed[], k: number): Disk[][] | undefined {
  if (k === 0) return [];
  if (nodeCapacity(disks, needs, k) < k) return undefined;
  const targets: Disk[][] = [];
  let free = disks;
  for (let t = 0; t < k; t++) {
    const picked = nextTarget(free, needs);
    if (!picked) return [...targets, ...matchedTargets(free, needs, k - t)];
    targets.push(picked);
    free = free.filter((d) => !picked.includes(d));
  }
  return targets;
}

/** `k` targets' disks as the matching assigns them (slot target * mounts + mount), targets in slot order. */
function matchedTargets(disks: Disk[], needs: MountNeed[], k: number): Disk[][] {
  const { slotOfDisk } = slotMatching(disks, needs, k);
  const targets = Array.from({ length: k }, () => new Array<Disk>(needs.length));
  for (const [disk, slot] of slotOfDisk)
    (targets[Math.floor(slot / needs.length)] as Disk[])[slot % needs.length] = disk;
  return targets;
}

export interface Placement {
  ordinal: number;
  node: string;
  /** One disk per mount, in the CR's mount order. */
  disks: Disk[];
}

/**
 * Each target in turn to the node with the fewest targets (`load`: those it already has, e.g. kept
 * on their disks) that still has room, in map order on a tie: from empty nodes, round-robin (ordinal
 * 0 to the first node, 1 to the second, … skipping full nodes), so node loads differ by at most one
 * wherever disks allow. Ordinals count from 0 here. Undefined when the nodes cannot hold `targets`,
 * known from the disks alone before any per-target step: the work is bounded by the disks, not by
 * `targets` (plan's callers rely on it for a CR asking for 2,147,483,647 targets).
 */
export function placeTargets(
  nodes: DiskNode[],
  needs: MountNeed[],
  targets: number,
  perNode = Infinity,
  load: readonly number[] = nodes.map(() => 0),
): Placement[] | undefined {
  const room = nodes.map((n, i) => Math.min(perNode - (load[i] ?? 0), nodeCapacity(n.disks, needs)));
  if (room.reduce((a, b) => a + Math.max(0, b), 0) < targets) return undefined;
  const added = nodes.map(() => 0);
  const nodeOfOrdinal: number[] = [];
  const total = (i: number) => (load[i] ?? 0) + (added[i] as number);
  // Level by level of targets per node, each node with room at that level taking one in map order:
  // the same order as picking the fewest-targets node each time, in a pass per level, not per target
  // (thousands of nodes and targets). Every node with room is at the level or above when it starts.
  let level = Infinity;
  for (let i = 0; i < nodes.length; i++) if ((room[i] as number) > 0) level = Math.min(level, total(i));
  for (; nodeOfOrdinal.length < targets; level++)
    for (let i = 0; i < nodes.length && nodeOfOrdinal.length < targets; i++)
      if ((added[i] as number) < (room[i] as number) && total(i) === level) {
        added[i] = (added[i] as number) + 1;
        nodeOfOrdinal.push(i);
      }
  const disksOf = nodes.map((n, i) => matchNode(n.disks, needs, added[i] as number) ?? []);
  const taken = nodes.map(() => 0);
  return nodeOfOrdinal.map((i, ordinal) => {
    const disks = disksOf[i]?.[taken[i] as number] as Disk[];
    taken[i] = (taken[i] as number) + 1;
    return { ordinal, node: (nodes[i] as DiskNode).name, disks };
  });
}
