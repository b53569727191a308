// `ais-guard plan`'s core: an AIStore CR and a node/disk map in, the exact PV set out. Pure (no I/O):
// the CLI reads the inputs and prints.
import {
  autoScaleSizeLimit,
  claimMounts,
  claimRefOf,
  clip,
  fixedTargetSize,
  HOSTNAME_KEY,
  isDnsSubdomain,
  isObject,
  isTargetAutoScaling,
  kindOf,
  labelProblem,
  MAX_INT64,
  nameOf,
  namespaceOf,
  parseQuantity,
  placementExcludes,
  placementOf,
  stateClaimClass,
  stateTemplateName,
  templateName,
  wholeBytes,
  type AIStoreCR,
  type KubeObject,
  type Mount,
  type PersistentVolume,
} from '../policy/index.js';
import { nodeCapacity, unfit, type MountNeed, type Placement } from './assign.js';
import {
  existingDisks,
  heldByOthers,
  heldDiskCount,
  holdsHostDir,
  hostPathDirs,
  placeAround,
} from './keep.js';
import type { DiskNode } from './diskmap.js';
import { meantClaim } from './diff.js';
import { PlanError } from './error.js';
import { buildVolume } from './volumes.js';

export interface PlanOptions {
  /** The target count, for a CR that autoscales (size -1) or gives none. */
  targets?: number;
  /** The CR's namespace, when its manifest has none. */
  namespace?: string;
  /**
   * PVs that exist (--diff, --diff-cluster). A target whose every data claim has one on a disk of the
   * map keeps those disks (a PV's source cannot change, and a Bound target keeps its data); the other
   * targets are placed on the disks no existing PV holds. So a scale-out plans only the new targets.
   */
  existing?: KubeObject[];
}

export interface Plan {
  namespace: string;
  crName: string;
  targets: number;
  mounts: Mount[];
  /** The nodes the targets could use (all of the map's, or the one the CR's nodeSelector pins). */
  nodes: DiskNode[];
  placements: Placement[];
  volumes: PersistentVolume[];
  /**
   * The per-target state claims (spec.stateStorage.pvc, or the deprecated stateStorageClass), for
   * which the plan makes no PV: the disk map names data disks only.
   */
  stateClaims?: { template: string; storageClass: string };
  /** What the person planning must know that does not stop the plan (printed on stderr). */
  warnings: string[];
  /**
   * The ordinals of targets with existing PVs the plan could not keep them on (a warning says why):
   * planned whole elsewhere, so their planned PVs only stand together, once the old ones are resolved.
   */
  moved: number[];
}

/**
 * The target count to plan for: the CR's fixed size, or --targets where the CR autoscales (-1 in
 * spec.size or spec.targetSpec.size wins over any other size: operator GetTargetSize) or gives none.
 */
function targetCount(cr: AIStoreCR, wanted: number | undefined): number {
  const size = fixedTargetSize(cr);
  if (wanted !== undefined && size !== undefined && wanted !== size)
    throw new PlanError(
      `--targets ${wanted}, but the CR asks for ${size} target(s): drop --targets or change the CR`,
    );
  const limit = isTargetAutoScaling(cr) ? autoScaleSizeLimit(cr) : undefined;
  if (wanted !== undefined && limit !== undefined && wanted > limit)
    throw new PlanError(
      `--targets ${wanted}, but spec.targetSpec.autoScale.sizeLimit caps the CR at ${limit} target(s)`,
    );
  const count = size ?? wanted;
  if (count === undefined)
    throw new PlanError(
      isTargetAutoScaling(cr)
        ? 'the CR autoscales its targets (size -1 in spec.size or spec.targetSpec.size: one per matching node, whatever the other size says), so the target count is unknown: give --targets N'
        : 'the CR gives no target count (spec.targetSpec.size or spec.size): give --targets N',
    );
  if (count === 0) throw new PlanError('the CR asks for 0 targets: nothing to plan');
  return count;
}

function mountNeeds(cr: AIStoreCR, crName: string, namespace: string): MountNeed[] {
  const mounts = claimMounts(cr);
  if (mounts.length === 0)
    throw new PlanError(
      'the CR has no PVC-backed mount (spec.targetSpec.mounts without useHostPath): no PV to plan',
    );
  return mounts.map((mount) => {
    const problem = labelProblem(templateName(crName, mount.path));
    if (problem || !mount.path.startsWith('/'))
      throw new PlanError(
        `mount ${mount.path} gives the claim template "${templateName(crName, mount.path)}", which ${problem ?? 'is not absolute'}: fix the CR first (ais-guard check says how)`,
      );
    // Without a size the operator's claims request no storage and are never made (rule
    // mount-template-name): nothing to plan disks for.
    if (mount.size === undefined)
      throw new PlanError(
        `mount ${mount.path} has no size: its claims would request no storage, which Kubernetes rejects: give it the size of its disks`,
      );
    const size = parseQuantity(mount.size);
    if (size === undefined)
      throw new PlanError(`mount ${mount.path}: size "${mount.size}" is not a quantity`);
    // What the claim requests: whole bytes, rounded down (the operator's Mount.GetPVCResources), so
    // a disk of exactly those bytes fits a 7.3Ti mount (8026434882764.8 bytes as written).
    const bytes = Math.floor(size);
    if (bytes < 1) throw new PlanError(`mount ${mount.path}: size "${mount.size}" is under one byte`);
    // Past int64 bytes the operator's request wraps, to no storage or another size (rule
    // mount-template-name), and a size past 40 digits or a huge exponent is none a disk has (the rule
    // denies both): no disk is planned for a size no claim asks.
    if ((wholeBytes(mount.size) ?? MAX_INT64 + 1n) > MAX_INT64)
      throw new PlanError(
        `mount ${mount.path}: size "${mount.size}" is past the 2^63-1 bytes the operator's claim request holds: its count wraps, so fix the CR first (ais-guard check says how)`,
      );
    if (mount.storageClass && !isDnsSubdomain(mount.storageClass))
      throw new PlanError(
        `mount ${mount.path} asks for storage class ${JSON.stringify(clip(mount.storageClass, 80))}, which is no class name: Kubernetes refuses its claims, so fix the CR first (ais-guard check says how)`,
      );
    const template = templateName(crName, mount.path);
    const twin = mounts.find((m) => m !== mount && templateName(crName, m.path) === template);
    if (twin)
      throw new PlanError(
        `mounts ${twin.path} and ${mount.path} both give the claim template "${template}": the StatefulSet cannot have two, so fix the CR first (ais-guard check says how)`,
      );
    if (stateClaimClass(cr) !== undefined && template === stateTemplateName(namespace, crName))
      throw new PlanError(
        `mount ${mount.path} gives the claim template "${template}", the state claim's (spec.stateStorage.pvc): the StatefulSet cannot have two, so fix the CR first (ais-guard check says how)`,
      );
    return { mount, bytes };
  });
}

/**
 * The nodes a target may use, judged as `check` judges a PV's node from its name alone
 * (placementExcludes): a nodeSelector or required node affinity on kubernetes.io/hostname rules the
 * others out (the operator copies both onto the target pods: target/statefulset.go).
 */
function usableNodes(cr: AIStoreCR, nodes: DiskNode[]): DiskNode[] {
  const placement = placementOf(cr.spec?.targetSpec);
  const usable = nodes.filter((n) => placementExcludes(placement, n.name, undefined) === undefined);
  if (usable.length > 0) return usable;
  const pinned = cr.spec?.targetSpec?.nodeSelector?.[HOSTNAME_KEY];
  // "Not listed" only when it is so: a listed pinned host may be ruled out by the required affinity.
  if (typeof pinned === 'string' && !nodes.some((n) => n.name === pinned))
    throw new PlanError(
      `spec.targetSpec.nodeSelector pins every target to ${pinned}, which the disk map does not list`,
    );
  // Each node with what rules it out (the selector one, the affinity another), grouped by reason.
  const ruledOut = new Map<string, string[]>();
  for (const n of nodes) {
    const reason = placementExcludes(placement, n.name, undefined)!;
    (ruledOut.get(reason) ?? ruledOut.set(reason, []).get(reason)!).push(n.name);
  }
  throw new PlanError(
    `no node of the disk map is one the targets may use: ${[...ruledOut]
      .map(([reason, names]) => `${reason} rules out ${names.join(', ')}`)
      .join('; ')}`,
  );
}

const UNUSABLE_LISTED = 4;

/** Why the disks cannot hold the targets, in the user's terms: too few, too small, wrong class. */
function shortage(
  nodes: DiskNode[],
  needs: MountNeed[],
  targets: number,
  crName: string,
  dropped: string[] = [],
  held: { disks: string[]; advice?: string } = { disks: [] },
): PlanError {
  const capacity = nodes.map((n) => nodeCapacity(n.disks, needs));
  const total = capacity.reduce((a, b) => a + b, 0);
  const perNode = nodes.map((n, i) => `${n.name} ${capacity[i]}`).join(', ');
  const unsized = needs.map((n) => ({ mount: n.mount }));
  const withoutSizes = nodes.reduce((sum, n) => sum + nodeCapacity(n.disks, unsized), 0);
  const rejected = nodes.flatMap((n) =>
    n.disks.flatMap((disk) => {
      const reasons = needs.map((need) => unfit(disk, need));
      return reasons.every((r) => r !== undefined)
        ? [`${disk.node}:${disk.path} (${reasons.join('; ')})`]
        : [];
    }),
  );
  const listed =
    rejected.slice(0, UNUSABLE_LISTED).join(', ') +
    (rejected.length > UNUSABLE_LISTED ? ` and ${rejected.length - UNUSABLE_LISTED} more` : '');
  const lead =
    withoutSizes >= targets && total < targets ? 'disks smaller than the mount size' : 'not enough disks';
  return new PlanError(
    `${lead}: ${targets} target(s) of ${crName} need ${needs.length} disk(s) each (one per mount: ${needs.map((n) => n.mount.path).join(', ')}), all on one node, no disk shared; ` +
      `the map holds ${total} target(s) (${perNode})` +
      (rejected.length > 0 ? `; unusable: ${listed}` : '') +
      (held.disks.length > 0
        ? `; held by existing PVs: ${held.disks.slice(0, UNUSABLE_LISTED).join(', ')}${held.disks.length > UNUSABLE_LISTED ? ` and ${held.disks.length - UNUSABLE_LISTED} more` : ''}` +
          (held.advice ? ` (${held.advice})` : '')
        : '') +
      (dropped.length > 0
        ? `; not kept on the disks their PVs hold: ${dropped.slice(0, UNUSABLE_LISTED).join(', ')}${dropped.length > UNUSABLE_LISTED ? ` and ${dropped.length - UNUSABLE_LISTED} more` : ''}`
        : ''),
  );
}

/**
 * A shortage's error, told where existing PVs hold disks under the old AIStore doc's claim names
 * (diff.ts meantClaim): those disks are the targets' own, and renaming their claimRef keeps them.
 */
function withLegacyNote(existing: KubeObject[], namespace: string, crName: string, mounts: Mount[]) {
  const legacy = existing.flatMap((o) => {
    if (!isObject(o) || kindOf(o) !== 'PersistentVolume') return [];
    const meant = meantClaim(o as PersistentVolume, namespace, crName, mounts);
    return meant ? [{ claim: `${namespace}/${claimRefOf(o as PersistentVolume)!.name}`, meant }] : [];
  });
  return (error: PlanError): PlanError => {
    const first = legacy[0];
    if (!first) return error;
    return new PlanError(
      `${error.message}; ${legacy.length} existing PV(s) are pre-bound to the old AIStore doc's <namespace>-<path>-<pod> claim names, which no target claims, such as ${first.claim} (the operator's claim is ${first.meant}): set their spec.claimRef.name to the operator's claims and plan keeps them (ais-guard check names each)`,
    );
  };
}

export function planVolumes(cr: AIStoreCR, diskMap: DiskNode[], options: PlanOptions = {}): Plan {
  const crName = nameOf(cr);
  if (!crName) throw new PlanError('the AIStore CR has no metadata.name');
  const own = namespaceOf(cr);
  if (own && options.namespace && own !== options.namespace)
    throw new PlanError(`the CR is in namespace ${own}, not ${options.namespace}`);
  const namespace = own || options.namespace;
  if (!namespace)
    throw new PlanError(
      "the CR has no metadata.namespace, so the claims' namespace is unknown: give --namespace",
    );
  // The claims' namespace and part of each PV's name: a namespace name is a DNS-1123 label.
  const nsProblem = labelProblem(namespace);
  if (nsProblem)
    throw new PlanError(`the CR's namespace "${namespace}" ${nsProblem}: no such namespace can exist`);
  const targets = targetCount(cr, options.targets);
  const needs = mountNeeds(cr, crName, namespace);
  const nodes = usableNodes(cr, diskMap);
  // Autoscaled, the operator runs one target per node its selector matches (cluster_controller.go
  // determineAutoScaleStatus): never two on a node, whatever --targets says.
  const autoscaled = isTargetAutoScaling(cr);
  const able = autoscaled ? nodes.filter((n) => nodeCapacity(n.disks, needs) > 0).length : Infinity;
  if (targets > able)
    throw new PlanError(
      `the CR autoscales its targets, one per node its nodeSelector matches: --targets ${targets} is more than the ${able} node(s) of the disk map that can hold one`,
    );
  const existing = existingDisks(options.existing ?? [], namespace);
  const hostDirs = hostPathDirs(cr.spec?.targetSpec?.mounts, namespace, crName);
  const hostDisks = nodes.flatMap((n) => n.disks.filter((d) => holdsHostDir(d, hostDirs)));
  const { placements, warnings, moved } = placeAround(
    existing,
    {
      namespace,
      crName,
      nodes,
      needs,
      targets,
      perNode: autoscaled ? 1 : Infinity,
      hostDirs,
      stateClaims: stateClaimClass(cr) !== undefined,
    },
    (open, count, kept, dropped) =>
      withLegacyNote(
        options.existing ?? [],
        namespace,
        crName,
        needs.map((n) => n.mount),
      )(
        shortage(
          open,
          needs,
          count,
          `AIStore ${namespace}/${crName}${existing.heldOn.size > 0 ? ` (${kept} target(s) kept on the disks their PVs hold, ${heldDiskCount(existing)} disk(s) held by existing PVs)` : ''}` +
            (hostDisks.length > 0
              ? ` (${hostDisks.length} disk(s) left out, such as ${hostDisks[0]!.node}:${hostDisks[0]!.path}: they hold the directories its useHostPath mounts write on every target node, ${hostDirs.join(', ')})`
              : ''),
          dropped,
          heldByOthers(existing, nodes, namespace, crName),
        ),
      ),
  );
  // The operator runs a target on every node the selector matches, up to the size limit: --targets
  // below the map's able nodes leaves the others' targets without PVs if those nodes match.
  const runs = Math.min(able, autoScaleSizeLimit(cr) ?? Infinity);
  if (autoscaled && targets < runs)
    warnings.push(
      `the CR autoscales its targets, one per node its nodeSelector matches: ${runs} node(s) of the disk map can hold one, and --targets ${targets} plans PVs for ${targets}; if more of those nodes match, their targets get no PV and stay Pending: give --targets ${runs}, or leave those nodes out of the map`,
    );
  // The operator also runs a target on a node of the map whose disks hold none (the map lists the
  // nodes targets may run on): that target gets no PV and stays Pending.
  const empty = nodes.filter((n) => nodeCapacity(n.disks, needs) === 0).map((n) => n.name);
  if (autoscaled && empty.length > 0)
    warnings.push(
      `the CR autoscales its targets, one per node its nodeSelector matches, and node(s) ${empty.join(', ')} of the disk map can hold no target (their disks give no disk to each mount, sized and classed as it asks): if they match, their targets get no PV and stay Pending; give them disks, or leave them out of the map if they do not match`,
    );
  const volumes = placements.flatMap(({ ordinal, disks }) =>
    needs.map(({ mount }, m) =>
      buildVolume({
        namespace,
        crName,
        ordinal,
        mount,
        disk: disks[m]!,
        rawMounts: cr.spec?.targetSpec?.mounts,
      }),
    ),
  );
  const stateClass = stateClaimClass(cr);
  const stateClaims =
    stateClass === undefined
      ? undefined
      : { template: stateTemplateName(namespace, crName), storageClass: stateClass };
  return {
    namespace,
    crName,
    targets,
    mounts: needs.map((n) => n.mount),
    nodes,
    placements,
    volumes,
    ...(stateClaims && { stateClaims }),
    warnings,
    moved,
  };
}
