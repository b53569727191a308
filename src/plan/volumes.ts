// The PersistentVolume of one (target, mount): a local volume on the disk, pre-bound to the claim
// the target StatefulSet will make, pinned to the disk's node.
import {
  dataClaimName,
  HOSTNAME_KEY,
  isObject,
  recordOf,
  type Mount,
  type PersistentVolume,
} from '../policy/index.js';
import type { Disk } from './diskmap.js';

/** `<namespace>.<claim>`: unique across namespaces (a namespace has no dots) and says what it serves. */
export function volumeName(namespace: string, claim: string): string {
  return `${namespace}.${claim}`;
}

/** Labels a PV must carry for the mount's selector (the claim template copies it): its matchLabels. */
function selectorLabels(mount: Mount, raw: unknown): Record<string, string> {
  const mounts = Array.isArray(raw) ? raw : [];
  const selector: unknown = isObject(mounts[mount.index]) ? mounts[mount.index].selector : undefined;
  return isObject(selector) ? { ...recordOf(selector.matchLabels) } : {};
}

export interface VolumeInput {
  namespace: string;
  crName: string;
  ordinal: number;
  mount: Mount;
  disk: Disk;
  /** spec.targetSpec.mounts as written, for the mount's selector. */
  rawMounts?: unknown;
}

export function buildVolume({
  namespace,
  crName,
  ordinal,
  mount,
  disk,
  rawMounts,
}: VolumeInput): PersistentVolume {
  const claim = dataClaimName(crName, mount.path, ordinal);
  const storageClassName = disk.class ?? mount.storageClass;
  const labels = selectorLabels(mount, rawMounts);
  // claimRef carries apiVersion and kind as kubectl writes them; the policy's PV type reads only the rest.
  const pv = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeName(namespace, claim),
      ...(Object.keys(labels).length > 0 && { labels }),
    },
    spec: {
      capacity: { storage: disk.size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      ...(storageClassName !== undefined && { storageClassName }),
      local: { path: disk.path },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: claim },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: HOSTNAME_KEY, operator: 'In', values: [disk.node] }] },
          ],
        },
      },
    },
  };
  return pv as PersistentVolume;
}
