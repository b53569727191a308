// Which disks serve which target. Each target needs one disk per mount, all on one node, and no disk
// serves two targets. On one node that is a bipartite matching of (target, mount) slots to disks:
// augmenting paths (Kuhn's algorithm) find one whenever one exists, so a disk that could back two
// mounts never leaves a target short because a greedy pick took it first. Across nodes, each target
// goes to the node with the fewest targets that has room, in the map's order on a tie: round-robin
// when the nodes start empty.
import { type Mount } from '../policy/index.js';
import type { Disk, DiskNode } from './diskmap.js';

export interface MountNeed {
  mount: Mount;
  /** The mount's size in bytes; undefined when the mount gives none. */
  bytes?: number;
}

/** Why a disk cannot back a mount, or undefined when it can. */
export function unfit(disk: Disk, need: MountNeed): string | undefined {
  const { mount, bytes } = need;
  if (bytes !== undefined && disk.bytes < bytes)
    return `${disk.size} is smaller than mount ${mount.path}'s ${mount.size}`;
  if (disk.class !== undefined && mount.storageClass !== undefined && disk.class !== mount.storageClass)
    return `class ${disk.class}, mount ${mount.path} wants ${mount.storageClass}`;
  return undefined;
}

/**
 * The disks of `k` targets on one node, `[target][mount]`, or undefined when they do not fit.
 * Disks are tried in map order, so the first disks listed are the ones used.
 */
export function matchNode(disks: Disk[], needs: MountNeed[], k: number): Disk[][] | undefined {
  const slots = k * needs.length;
  if (slots > disks.length) return undefined;
  const candidates = needs.map((need) => disks.filter((d) => unfit(d, need) === undefined));
  const slotOfDisk = new Map<Disk, number>();
  const mountOf = (slot: number) => slot % needs.length;

  const augment = (slot: number, seen: Set<Disk>): boolean => {
    for (const disk of candidates[mountOf(slot)] ?? []) {
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
  for (let slot = 0; slot < slots; slot++) if (!augment(slot, new Set())) return undefined;

  // Slots of one mount are interchangeable: hand each mount's disks to the targets in map order,
  // so target n on a node always has an earlier disk than target n+1.
  const byMount = needs.map(() => [] as Disk[]);
  for (const [disk, slot] of slotOfDisk) byMount[mountOf(slot)]?.push(disk);
  for (const list of byMount) list.sort((a, b) => a.index - b.index);
  return Array.from({ length: k }, (_, t) => byMount.map((list) => list[t] as Disk));
}

/** How many targets a node can hold. */
export function nodeCapacity(disks: Disk[], needs: MountNeed[]): number {
  if (needs.length === 0) return 0;
  let k = 0;
  while (matchNode(disks, needs, k + 1)) k++;
  return k;
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
 * wherever disks allow. Ordinals count from 0 here. Undefined when the nodes cannot hold `targets`.
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
  while (nodeOfOrdinal.length < targets) {
    let best = -1;
    for (let i = 0; i < nodes.length; i++)
      if ((added[i] as number) < (room[i] as number) && (best < 0 || total(i) < total(best))) best = i;
    added[best] = (added[best] as number) + 1;
    nodeOfOrdinal.push(best);
  }
  const disksOf = nodes.map((n, i) => matchNode(n.disks, needs, added[i] as number) ?? []);
  const taken = nodes.map(() => 0);
  return nodeOfOrdinal.map((i, ordinal) => {
    const disks = disksOf[i]?.[taken[i] as number] as Disk[];
    taken[i] = (taken[i] as number) + 1;
    return { ordinal, node: (nodes[i] as DiskNode).name, disks };
  });
}
