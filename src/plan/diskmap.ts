// The node/disk map `ais-guard plan` reads: node name → the disks on it. Checked strictly (unknown
// keys are errors), because a typo such as `szie:` would otherwise plan a PV without a capacity.
import { posix } from 'node:path';
import { isDnsSubdomain, isObject, normalDiskPath, parseQuantity } from '../policy/index.js';
import { PlanError } from './error.js';

export interface Disk {
  node: string;
  path: string;
  /** The size as written in the map: it becomes the PV's capacity unchanged. */
  size: string;
  bytes: number;
  /** A storage class for this disk's PV; it can then only back a mount of that class (or of none). */
  class?: string;
  /** Position in the map, the tie-break everywhere, so the user's order decides. */
  index: number;
}

export interface DiskNode {
  name: string;
  disks: Disk[];
}

const DISK_KEYS = new Set(['path', 'size', 'class']);

function parseDisk(node: string, raw: unknown, at: string, index: number): Disk {
  if (!isObject(raw)) throw new PlanError(`${at}: a disk is a mapping with path and size`);
  const unknown = Object.keys(raw).filter((k) => !DISK_KEYS.has(k));
  if (unknown.length > 0)
    throw new PlanError(`${at}: unknown key(s) ${unknown.join(', ')} (a disk has path, size, class)`);
  const { path, size, class: cls } = raw;
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new PlanError(`${at}: path must be the disk's absolute mount point on the node, e.g. /mnt/sda`);
  // Refused rather than normalised: the PV's local.path is the map's path as written. The example
  // trims the last run of slashes from its first one only: a bare /\/+$/ tried every slash of a
  // long run, quadratic in its length (200,000 slashes and an "x/": 30 s).
  if (path.length > 1 && path.endsWith('/'))
    throw new PlanError(
      `${at}: path ${path} ends in "/": write the mount point without it, e.g. ${path.replace(/(?<!\/)\/+$/, '') || '/'}`,
    );
  // The apiserver refuses a local PV whose path has a ".." element (pkg/apis/core/validation
  // validateLocalVolumeSource -> validatePathNoBacksteps): refused here, not planned into such a PV.
  if (path.split('/').includes('..'))
    throw new PlanError(`${at}: path ${path} must not contain '..' (Kubernetes refuses such a local PV)`);
  const text = typeof size === 'number' ? String(size) : size;
  const bytes = parseQuantity(text);
  if (typeof text !== 'string' || bytes === undefined || bytes <= 0)
    throw new PlanError(`${at}: size must be a positive Kubernetes quantity, e.g. 8Ti (got ${String(size)})`);
  // What the apiserver takes as a storage class name (ValidateClassName): a DNS-1123 subdomain.
  if (cls !== undefined && (typeof cls !== 'string' || !isDnsSubdomain(cls)))
    throw new PlanError(
      `${at}: class must be a storage class name (a DNS-1123 subdomain of at most 253 characters)`,
    );
  return { node, path, size: text, bytes, ...(cls !== undefined && { class: cls }), index };
}

/** The disk of `disks` (normalised path -> as written) whose mount point holds `path`: its parents, one by one. */
function diskAbove(path: string, disks: Map<string, string>): string | undefined {
  if (path === '/') return undefined;
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    const outer = disks.get(dir);
    if (outer !== undefined || dir === '/') return outer;
  }
}

/** Reads a parsed YAML/JSON document: `{<node>: [{path, size, class?}, ...], ...}`. */
export function parseDiskMap(doc: unknown, file = 'the disk map'): DiskNode[] {
  if (!isObject(doc))
    throw new PlanError(`${file}: expected a mapping of node name to a list of disks (path, size, class)`);
  let index = 0;
  const nodes = Object.entries(doc).map(([name, disks]) => {
    if (!isDnsSubdomain(name)) throw new PlanError(`${file}: "${name}" is not a valid node name`);
    // Each PV pins its node with `kubernetes.io/hostname In [<name>]`, and the apiserver checks a new
    // PV's required node affinity values as label values, at most 63 characters (core validation
    // validateVolumeNodeAffinity -> ValidateNodeSelector, AllowInvalidLabelValueInRequiredNodeAffinity
    // false for a new PV): such a PV would be refused, and no Node can carry that hostname label.
    if (name.length > 63)
      throw new PlanError(
        `${file}: "${name}" is ${name.length} characters: a PV's node affinity value (a label value) has at most 63`,
      );
    if (!Array.isArray(disks)) throw new PlanError(`${file}: ${name}: expected a list of disks`);
    const parsed = disks.map((raw, i) => parseDisk(name, raw, `${file}: ${name}[${i}]`, index++));
    // One disk written two ways (/mnt/a, /mnt//a, /mnt/./a) is one disk, as the guard compares PVs.
    // One inside another is no disk of its own either: a PV on /mnt/a holds every directory below
    // it, and the local static provisioner's cleanup of a released one empties the whole tree
    // (k8s.ts pathsNest), so planning around existing PVs counts /mnt/a/sub as held by /mnt/a
    // (keep.ts), and a fresh plan must not put two targets there (review plan47).
    const seen = new Map<string, string>();
    for (const disk of parsed) {
      const key = normalDiskPath(disk.path);
      const before = seen.get(key);
      if (before !== undefined)
        throw new PlanError(
          `${file}: ${name}: disk ${disk.path} is listed twice${before === disk.path ? '' : ` (also as ${before})`}`,
        );
      seen.set(key, disk.path);
    }
    for (const [key, path] of seen) {
      const outer = diskAbove(key, seen);
      if (outer !== undefined)
        throw new PlanError(
          `${file}: ${name}: disk ${path} lies inside disk ${outer}: a PV on ${outer} holds every directory below it (and a released one's cleanup empties them), so the two cannot back two targets; list the mount points of separate disks only`,
        );
    }
    return { name, disks: parsed };
  });
  if (nodes.length === 0) throw new PlanError(`${file}: no nodes`);
  return nodes;
}
