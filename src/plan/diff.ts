// The plan against PVs that exist (manifests or the cluster): per target claim, is its PV missing,
// extra (a PV for a claim of this CR the plan does not have), or conflicting (same claim, another
// node, path, class or capacity)? Keyed by claim, never by PV name, because a claim is what a
// target binds: two PVs named differently for one claim are the same volume to the StatefulSet.
import {
  capacityHolds,
  capacityOf,
  claimGone,
  diskPathOf,
  claimRefOf,
  dataClaimName,
  hasClaimShape,
  isObject,
  kindOf,
  legacyDocClaimName,
  nameOf,
  pvHostname,
  pvPinnedHostnames,
  pvPinsNoNode,
  removeUidCommand,
  stateTemplateName,
  targetOrdinal,
  type KubeObject,
  type Mount,
  type PersistentVolume,
} from '../policy/index.js';

export interface VolumeFacts {
  pv: string;
  node?: string;
  path?: string;
  class?: string;
  capacity?: string;
  /** Only when the target's claim can never bind the PV for it: access modes without ReadWriteOnce. */
  accessModes?: unknown;
  /** Only when the target's claim can never bind the PV for it: a volumeMode other than Filesystem. */
  volumeMode?: unknown;
  /** Only for an existing PV whose required node affinity admits every node: its target may run anywhere. */
  anyNode?: true;
  /**
   * Only for an existing local or hostPath PV not pinned to one hostname: the hostnames its terms
   * name (none: another key, a misspelt one). No node-local driver's topology key can be meant, so
   * its target may run on any node the terms admit, or on none (review plan47); the planned node
   * must be among these (a term on another key beside one naming it: diff-node-unknown.test.ts).
   */
  hostnames?: string[];
}

/**
 * `uid`: the existing PV is still held by the uid of a deleted claim (Released): the new claim never
 * binds it. `accessModes`, `volumeMode`: the claim (ReadWriteOnce, Filesystem) never binds it either.
 */
export type Field = 'node' | 'path' | 'class' | 'capacity' | 'uid' | 'accessModes' | 'volumeMode';

export interface Difference {
  /** namespace/name of the target claim. */
  claim: string;
  planned?: VolumeFacts;
  existing?: VolumeFacts;
  /** For conflicts: the fields that differ. */
  fields?: Field[];
  /** What else the reader must know, e.g. that the planned disk already holds another PV. */
  note?: string;
}

export interface VolumeDiff {
  missing: Difference[];
  extra: Difference[];
  conflicting: Difference[];
}

function factsOf(pv: PersistentVolume): VolumeFacts {
  // Normalised (POSIX rules): /ais/sda/ and /ais//sda are the disk /ais/sda.
  const path = diskPathOf(pv);
  const capacity = capacityOf(pv);
  const node = pvHostname(pv);
  const anyNode = pvPinsNoNode(pv);
  return {
    pv: nameOf(pv),
    ...(node !== undefined && { node }),
    ...(typeof path === 'string' && { path }),
    ...(typeof pv.spec?.storageClassName === 'string' && { class: pv.spec.storageClassName }),
    ...(capacity !== undefined && { capacity: String(capacity) }),
    ...unbindable(pv),
    ...(anyNode && { anyNode: true as const }),
    ...(node === undefined && !anyNode && path !== undefined && { hostnames: pvPinnedHostnames(pv) }),
  };
}

/**
 * What keeps a target claim from binding this PV whatever its claimRef says. The operator's claims
 * are ReadWriteOnce with no volumeMode, i.e. Filesystem (Mount.BuildPVC, api/aistore/v1beta1/
 * aistore_types.go); the PV controller offers a claim only PVs whose access modes include all it
 * asks (pv_controller findBestMatchForClaim -> persistentVolumeOrderedIndex.findByClaim,
 * allPossibleMatchingAccessModes) and skips a PV of another volume mode before it reads the claimRef
 * (FindMatchingVolume, CheckVolumeModeMismatches: an absent mode is Filesystem).
 */
function unbindable(pv: PersistentVolume): Pick<VolumeFacts, 'accessModes' | 'volumeMode'> {
  const spec = (pv.spec ?? {}) as Record<string, unknown>;
  const modes = spec.accessModes;
  const mode = spec.volumeMode;
  return {
    ...(!(Array.isArray(modes) && modes.includes('ReadWriteOnce')) && { accessModes: modes ?? [] }),
    ...(mode !== undefined && mode !== null && mode !== 'Filesystem' && { volumeMode: mode }),
  };
}

const shown = (v: unknown) => (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));

/** A local or hostPath PV whose terms name other hostnames than `node`, or none (VolumeFacts.hostnames). */
const pinsElsewhere = (existing: VolumeFacts, node: string) =>
  existing.hostnames !== undefined && !existing.hostnames.includes(node);

/**
 * `size`: the request of the claim the PV is for (its mount's size). A larger PV binds that claim (the
 * PV controller asks at least the request; rule pv-target-binding allows it), so capacity differs only
 * when the existing PV is short of it, or, for a claim of no mount known, of the planned disk.
 */
function differing(planned: VolumeFacts, existing: VolumeFacts, size = planned.capacity): Field[] {
  const fields: Field[] = [];
  // Compared only when both sides name it: an existing PV pinned by a node-local driver's topology
  // key (openebs.io/nodename) names no hostname here (the plan reads no Nodes), and the scheduler
  // may well put it on the planned node; its path and class still tell a different disk.
  // A PV that pins no node lets its target run on any node, away from its disk (check denies it);
  // a local or hostPath PV pinned by another key than the hostname, or by a misspelt one, on any
  // node of, say, its zone, or on none (the scheduler's CheckNodeAffinity: volumebinding binder.go).
  if (
    planned.node !== undefined &&
    (existing.anyNode ||
      pinsElsewhere(existing, planned.node) ||
      (existing.node !== undefined && planned.node !== existing.node))
  )
    fields.push('node');
  if (planned.path !== existing.path) fields.push('path');
  if ((planned.class ?? '') !== (existing.class ?? '')) fields.push('class');
  if (capacityHolds(existing.capacity, size) === false) fields.push('capacity');
  // The plan's PVs are ReadWriteOnce, Filesystem: only an existing PV's facts carry these.
  if (existing.accessModes !== undefined) fields.push('accessModes');
  if (existing.volumeMode !== undefined) fields.push('volumeMode');
  return fields;
}

const claimKey = (pv: PersistentVolume) => {
  const ref = claimRefOf(pv);
  return ref ? `${ref.namespace}/${ref.name}` : undefined;
};

/**
 * Is this existing PV pre-bound to a target data claim of this CR (of a mount it has now or had)? By
 * the operator's full name shape, <cr><mount-path-with-dashes>-<cr>-target-<N> (Mount.GetPVCName in
 * api/aistore/v1beta1/aistore_types.go): a claim of CR "x-ais" ends in "-ais-target-<N>" too, but
 * never starts with "ais-". A state claim's (<ns>-<cr>-state-<cr>-target-<N>, which the plan's
 * readiness asks for) is not extra.
 */
function isTargetVolume(pv: PersistentVolume, namespace: string, crName: string): boolean {
  const ref = claimRefOf(pv);
  return (
    ref?.namespace === namespace &&
    hasClaimShape(crName, ref.name) &&
    !ref.name.startsWith(`${stateTemplateName(namespace, crName)}-`)
  );
}

/**
 * The target claim an existing PV's claimRef meant in the old AIStore doc's wording,
 * <namespace><path>-<cr>-target-<N> (legacyDocClaimName), for one of the CR's mounts; undefined for any
 * other name, and where the namespace is the CR's name (the two wordings agree). No target ever
 * claims such a name: the PV holds what was meant as the target's disk, and no claim binds it.
 */
export function meantClaim(
  pv: PersistentVolume,
  namespace: string,
  crName: string,
  mounts: readonly Mount[],
) {
  const ref = claimRefOf(pv);
  if (namespace === crName || ref?.namespace !== namespace) return undefined;
  const ordinal = targetOrdinal(crName, ref.name);
  if (ordinal === undefined) return undefined;
  const mount = mounts.find((m) => ref.name === legacyDocClaimName(namespace, crName, m.path, ordinal));
  return mount && dataClaimName(crName, mount.path, ordinal);
}

/** The mount whose data claim `claim` (namespace/name) is, of the CR's mounts. */
function mountOf(claim: string, crName: string, mounts: readonly Mount[]): Mount | undefined {
  const name = claim.slice(claim.indexOf('/') + 1);
  const ordinal = targetOrdinal(crName, name);
  return ordinal === undefined
    ? undefined
    : mounts.find((m) => dataClaimName(crName, m.path, ordinal) === name);
}

export function diffVolumes(
  planned: PersistentVolume[],
  existingObjects: KubeObject[],
  namespace: string,
  crName: string,
  /** The CR's claim mounts: PVs pre-bound to the old doc's names for their claims are extra. */
  mounts: readonly Mount[] = [],
): VolumeDiff {
  const existing = existingObjects.filter(
    (o): o is PersistentVolume => isObject(o) && kindOf(o) === 'PersistentVolume',
  );
  const byClaim = new Map<string, PersistentVolume[]>();
  for (const pv of existing) {
    const key = claimKey(pv);
    if (key) (byClaim.get(key) ?? byClaim.set(key, []).get(key)!).push(pv);
  }
  const onDisk = new Map<string, PersistentVolume>();
  for (const pv of existing) {
    const f = factsOf(pv);
    if (f.node && f.path) onDisk.set(`${f.node}:${f.path}`, pv);
  }

  const diff: VolumeDiff = { missing: [], extra: [], conflicting: [] };
  const plannedClaims = new Set<string>();
  for (const pv of planned) {
    const claim = claimKey(pv) as string;
    plannedClaims.add(claim);
    const want = factsOf(pv);
    const occupant = onDisk.get(`${want.node}:${want.path}`);
    const occupied: { note?: string } =
      occupant && claimKey(occupant) !== claim
        ? {
            note: `disk ${want.node}:${want.path} already holds PV ${nameOf(occupant)} (claim ${claimKey(occupant) ?? 'none'})`,
          }
        : {};
    const have = byClaim.get(claim) ?? [];
    if (have.length === 0) {
      diff.missing.push({ claim, planned: want, ...occupied });
      continue;
    }
    // One PV per claim: the one that matches (or else the first) is this claim's; any other is extra.
    const size = mountOf(claim, crName, mounts)?.size ?? want.capacity;
    const match =
      have.find((h) => differing(want, factsOf(h), size).length === 0) ?? (have[0] as PersistentVolume);
    const fields = differing(want, factsOf(match), size);
    // Right disk, but still held by a deleted claim's uid (a redeploy on Retain disks): the target's
    // new claim stays Pending until the uid is removed (rule pv-claim-uid).
    const released = claimGone(match);
    if (released) fields.push('uid');
    const existingFacts = factsOf(match);
    const never = (['accessModes', 'volumeMode'] as const).filter((f) => existingFacts[f] !== undefined);
    const notes = [
      ...(never.length > 0
        ? [
            `claim ${claim} (ReadWriteOnce, Filesystem) never binds PV ${nameOf(match)} (${never.map((f) => `${f} ${shown(existingFacts[f])}`).join(', ')}), whatever its claimRef: delete that PV, then apply the planned one`,
          ]
        : []),
      ...(existingFacts.anyNode && want.node !== undefined
        ? [
            `PV ${nameOf(match)} pins no node (spec.nodeAffinity): its target may be scheduled on any node, away from its disk (a hostPath PV then hands it that node's directory); pin it to the node that holds its data (the plan's: kubernetes.io/hostname In [${want.node}]): a PV without node affinity may be given one`,
          ]
        : []),
      ...(want.node !== undefined && pinsElsewhere(existingFacts, want.node)
        ? [
            `PV ${nameOf(match)} is a local disk whose node affinity ${!existingFacts.hostnames?.length ? 'names no node by kubernetes.io/hostname' : `names ${existingFacts.hostnames.join(', ')} by kubernetes.io/hostname, not ${want.node}, beside other terms`}: its target may be scheduled on another node its terms admit, or on none; node affinity cannot change once set: recreate the PV pinned to the node that holds its data (the plan's: kubernetes.io/hostname In [${want.node}]), its reclaim policy set to Retain first so that deleting it leaves the disk as it is`,
          ]
        : []),
      ...(released
        ? [
            `PV ${nameOf(match)} is Released, held by the uid of a deleted claim: free it with ${removeUidCommand(nameOf(match))}`,
          ]
        : []),
      ...(occupied.note ? [occupied.note] : []),
    ];
    if (fields.length > 0)
      diff.conflicting.push({
        claim,
        fields,
        planned: want,
        existing: existingFacts,
        ...(notes.length > 0 && { note: notes.join('; ') }),
      });
    for (const other of have)
      if (other !== match)
        diff.extra.push({ claim, existing: factsOf(other), note: `a second PV pre-bound to ${claim}` });
  }
  for (const pv of existing) {
    const claim = claimKey(pv);
    if (!claim || plannedClaims.has(claim)) continue;
    const meant = meantClaim(pv, namespace, crName, mounts);
    if (meant)
      diff.extra.push({
        claim,
        existing: factsOf(pv),
        note: `claim ${claim} follows the old AIStore doc's <namespace>-<path>-<pod> naming, which no target claims: the operator's claim is ${namespace}/${meant}; if PV ${nameOf(pv)} holds that target's data, set its spec.claimRef.name to ${meant} (and plan --diff again), else delete it`,
      });
    else if (isTargetVolume(pv, namespace, crName)) diff.extra.push({ claim, existing: factsOf(pv) });
  }
  return diff;
}

export const differenceCount = (d: VolumeDiff) => d.missing.length + d.extra.length + d.conflicting.length;
