// Which AIStore object (if any) is this? Everything that is not AIStore's gets `undefined` and,
// from evaluate(), no findings and no patch: this is the fast path for most admission traffic.
//
// An object is AIStore's only with operator evidence (docs/deploy.md, "Which requests reach the guard"):
// - an ownerReference to an AIStore CR: the operator creates what it renders through
//   CreateResourceIfNotExists (operator/internal/client/api.go), which sets the CR as controller;
// - the label app.kubernetes.io/managed-by: ais-operator beside the target labels: NewTargetSS
//   (operator/internal/resources/aistore/target/statefulset.go) puts it on the StatefulSet and, via
//   MergePodLabels (cmn/labels.go), on the pod template, so target pods carry it too;
// - a CR in the context whose names the object carries: the StatefulSet <cr>-target or the target
//   labels naming <cr>, a claim named <cr><mount>-<cr>-target-<N>, all in the CR's namespace.
// Target labels alone (app.kubernetes.io/component: target + a name) are no evidence: any chart may
// use them. The claims the StatefulSet controller creates carry only the selector labels
// (cmn.SelectorLabels), so a claim needs its CR in the context (or a label or owner saying so).
// PVs never carry operator evidence: a claimRef whose name has the operator's claim shape is taken
// as it (crFromClaimShape), since PVs are made before the CR exists. A PV bound to no target claim
// is judged only when it stands on a target PV's disk (spareOnTargetDisk).
import {
  AIS_GROUP,
  AIS_KIND,
  crFromClaimShape,
  hasStateClaim,
  isAIStore,
  isSomeStateClaim,
  isStateClaim,
  stateClaimCrNames,
  targetClaimEnd,
  targetOrdinal,
  withCanonicalOrdinal,
  type AIStoreCR,
} from './aistore.js';
import { crForClaimName } from './claims.js';
import type { ClusterContext } from './context.js';
import { stateClaimMounted } from './target-volumes.js';
import {
  claimGone,
  claimRefOf,
  diskPathOf,
  isMadeForItsClaim,
  isObject,
  isProvisioned,
  kindOf,
  labelsOf,
  nameOf,
  namespaceOf,
  pathsNest,
  pinnedHostnames,
  requiredTermsOf,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type StatefulSet,
} from './k8s.js';
import type { KubeObject } from './types.js';

interface Base {
  namespace: string;
  crName: string;
  /** The AIStore CR, when the context (or the object itself) has it. */
  cr?: AIStoreCR;
}

export type Recognised =
  | (Base & { role: 'aistore'; object: AIStoreCR })
  | (Base & { role: 'target-statefulset'; object: StatefulSet })
  | (Base & { role: 'target-pod'; object: Pod; ordinal?: number })
  | (Base & { role: 'target-claim'; object: PersistentVolumeClaim; ordinal?: number })
  | (Base & { role: 'target-volume'; object: PersistentVolume; claimName: string; ordinal?: number })
  /** A hand-made PV pre-bound to a target's state claim (<ns>-<cr>-state-<cr>-target-<N>). */
  | (Base & {
      role: 'state-volume';
      object: PersistentVolume;
      claimName: string;
      ordinal?: number;
      /**
       * Its CR is known and no claim of that name is made (state on hostPath or in an emptyDir, and
       * no known StatefulSet with a state template): nothing ever binds the PV, which is all that is
       * said of it.
       */
      claimNotMade?: true;
    })
  /** A PV that is no target's, on a target PV's disk (`holder`, pre-bound to `claimName`, on `host`). */
  | (Base & {
      role: 'spare-volume';
      object: PersistentVolume;
      holder: PersistentVolume;
      host: string;
      claimName: string;
      ordinal?: number;
    });

/** The CR name carried by the operator's target labels (current and legacy set). */
export function crNameFromTargetLabels(labels: Record<string, string>): string | undefined {
  const name = labels['app.kubernetes.io/name'];
  if (labels['app.kubernetes.io/component'] === 'target' && typeof name === 'string' && name) return name;
  if (labels.component === 'target' && typeof labels.app === 'string' && labels.app) return labels.app;
  return undefined;
}

/** The operator's own label (cmn.LabelManagedBy = cmn.LabelManagedByValue in cmn/statefulset.go). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_OPERATOR = 'ais-operator';

export const managedByOperator = (labels: Record<string, string>): boolean =>
  labels[MANAGED_BY_LABEL] === MANAGED_BY_OPERATOR;

/**
 * The label every operator release since v2.1.1 puts on its target StatefulSet object (BasicLabels,
 * LegacyLabels in cmn/labels.go): what the webhook's StatefulSet watch selects by. The managed-by
 * label is no selector for it: the operator added it in v3.3.0 and never relabels a StatefulSet made
 * before (v3.4.0 syncs only the pod template, target_controllers.go; shouldUpdateLabels in
 * controller/aistore/common.go even skips the rollout that would put it on the pods).
 */
// Target StatefulSets made by operators before v2.1.1 carry only the legacy `component`/`app` labels
// and are not watched (one selector cannot ask for either label): operator v3.x fails their rollout
// and cleanup, and its docs/COMPATIBILITY.md has users sync the prefixed labels first.
export const TARGET_COMPONENT_SELECTOR = 'app.kubernetes.io/component=target';

/**
 * The operator's target StatefulSet, as the context keeps it: the target labels, and the managed-by
 * label or an AIStore owner (CreateResourceIfNotExists makes the CR its controller in every release).
 * The webhook watches by TARGET_COMPONENT_SELECTOR; check and audit must keep the same ones.
 */
export function isOperatorTargetStatefulSet(object: KubeObject): boolean {
  const labels = labelsOf(object);
  return (
    labels['app.kubernetes.io/component'] === 'target' &&
    (managedByOperator(labels) || ownerAIStore(object) !== undefined)
  );
}

/** The AIStore CR named by an ownerReference (apiVersion ais.nvidia.com/*, kind AIStore), if any. */
export function ownerAIStore(object: KubeObject): string | undefined {
  const meta: unknown = object.metadata;
  const refs: unknown = isObject(meta) ? meta.ownerReferences : undefined;
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs as unknown[]) {
    if (
      isObject(ref) &&
      ref.kind === AIS_KIND &&
      typeof ref.apiVersion === 'string' &&
      ref.apiVersion.startsWith(`${AIS_GROUP}/`) &&
      typeof ref.name === 'string' &&
      ref.name
    )
      return ref.name;
  }
  return undefined;
}

/**
 * The CR a namespaced object belongs to, when the operator's evidence says so. The candidates are
 * the CR its target labels name and the CR its own name carries (`fromName`); one is taken when the
 * object's AIStore owner is that CR, when the operator's managed-by label stands beside the target
 * labels, or when the context has that CR in the object's namespace. Undefined otherwise: the object
 * is left alone (an owner alone is not enough: the operator also owns its proxy StatefulSet).
 */
function evidencedCr(
  object: KubeObject,
  labels: Record<string, string>,
  namespace: string,
  ctx: ClusterContext,
  fromName: () => string | undefined,
): string | undefined {
  const owner = ownerAIStore(object);
  const labelled = crNameFromTargetLabels(labels);
  if (labelled && (labelled === owner || managedByOperator(labels) || ctx.aistore(namespace, labelled)))
    return labelled;
  const named = fromName();
  return named && (named === owner || ctx.aistore(namespace, named)) ? named : undefined;
}

/** A DNS subdomain, the longest name any object the guard judges can have. */
const MAX_NAME_LENGTH = 253;

export function recognise(
  object: KubeObject,
  requestNamespace: string | undefined,
  ctx: ClusterContext,
): Recognised | undefined {
  const namespace = namespaceOf(object) || requestNamespace || '';
  // Object literals, not `{ ...rest, cr }`: on Node 20 a spread followed by properties takes V8's
  // slow path (~2 us each, more than the rest of recognise()); this runs on every AIStore review.
  const cr = (crName: string) => ctx.aistore(namespace, crName);
  // Longer is no Kubernetes name (the apiserver rejects it after mutating admission), and the name
  // parsers below do work that grows with the name: a megabyte of name would stall every review.
  if (nameOf(object).length > MAX_NAME_LENGTH) return undefined;

  if (isAIStore(object)) {
    return { role: 'aistore', object, namespace, crName: nameOf(object), cr: object };
  }
  const labels = labelsOf(object);
  switch (kindOf(object)) {
    case 'StatefulSet': {
      const name = nameOf(object);
      const crName = evidencedCr(object, labels, namespace, ctx, () =>
        name.endsWith('-target') ? name.slice(0, -7) : undefined,
      );
      return crName
        ? { role: 'target-statefulset', object: object as StatefulSet, namespace, crName, cr: cr(crName) }
        : undefined;
    }
    case 'Pod': {
      // Pods are owned by the StatefulSet, not the CR: the managed-by label (from the template) or
      // the CR in the context is the evidence.
      const name = nameOf(object);
      const crName = evidencedCr(object, labels, namespace, ctx, () => {
        const m = /^(.+)-target-(?:0|[1-9]\d*)$/.exec(name);
        return m?.[1];
      });
      if (!crName) return undefined;
      return {
        role: 'target-pod',
        object: object as Pod,
        ordinal: targetOrdinal(crName, name),
        namespace,
        crName,
        cr: cr(crName),
      };
    }
    case 'PersistentVolumeClaim': {
      const name = nameOf(object);
      const crName = evidencedCr(object, labels, namespace, ctx, () => crOfClaimName(ctx, namespace, name));
      if (!crName || isStateClaim(namespace, crName, name)) return undefined;
      return {
        role: 'target-claim',
        object: object as PersistentVolumeClaim,
        ordinal: targetOrdinal(crName, name),
        namespace,
        crName,
        cr: cr(crName),
      };
    }
    case 'PersistentVolume': {
      const pv = object as PersistentVolume;
      const claim = targetClaimOf(pv, ctx);
      // Dynamically provisioned PVs are the provisioner's business, not a hand-made disk layout.
      if (claim) return isProvisioned(pv) ? undefined : targetVolume(pv, claim, ctx);
      // Pre-bound to a target's state claim, it is judged as one (on another PV's disk too: its
      // disk checks are a data PV's, and a Released PV of its own claim there only warns).
      // Otherwise, on another target's disk it is a spare, whatever claim it names: refused as such.
      // Pre-bound to a state claim its CR never makes, it is said so, unless it is such a spare.
      const state = stateVolume(pv, ctx);
      return state?.claimNotMade
        ? (spareOnTargetDisk(pv, ctx) ?? state)
        : (state ?? spareOnTargetDisk(pv, ctx));
    }
  }
  return undefined;
}

/** The target claim a PV's claimRef names: its CR by the context or by the claim's shape; no state claim. */
export function targetClaimOf(
  pv: PersistentVolume,
  ctx: ClusterContext,
): { namespace: string; crName: string; claimName: string } | undefined {
  const ref = claimRefOf(pv);
  if (!ref || ref.name.length > MAX_NAME_LENGTH) return undefined;
  // A claimRef without a namespace binds no claim: still a target PV by its claim's shape
  // (namespace ''), so that pv-target-binding can say so.
  const crName = crOfClaimName(ctx, ref.namespace, ref.name);
  if (!crName || (ref.namespace && isStateClaim(ref.namespace, crName, ref.name))) return undefined;
  return { namespace: ref.namespace, crName, claimName: ref.name };
}

/**
 * The CR a claim name is of: by the CRs of its namespace, else by its shape. A name whose ordinal
 * has leading zeros (`…-target-01`) is judged as the claim it was meant to be when that CR is known
 * in the namespace, so that pvc-name and pv-target-binding say no pod claims it and name the claim
 * to use; without the CR it is no more AIStore's than any other name. (A state claim so written
 * stays a state claim: callers ask isStateClaim, a prefix match, of the name as written.)
 */
function crOfClaimName(ctx: ClusterContext, namespace: string, name: string): string | undefined {
  const byName = (n: string) =>
    (namespace ? crForClaimName(ctx, namespace, n) : undefined) ?? crFromClaimShape(n);
  const found = byName(name);
  if (found !== undefined) return found;
  const canonical = withCanonicalOrdinal(name);
  const meant = canonical === undefined || !namespace ? undefined : crForClaimName(ctx, namespace, canonical);
  return meant !== undefined && ctx.aistore(namespace, meant) ? meant : undefined;
}

type TargetClaim = NonNullable<ReturnType<typeof targetClaimOf>>;
/** A state claim, and whether its CR makes none (stateClaimOf). */
type StateClaim = TargetClaim & { claimNotMade?: true };

function targetVolume(pv: PersistentVolume, claim: TargetClaim, ctx: ClusterContext): Recognised {
  const { namespace, crName, claimName } = claim;
  return {
    role: 'target-volume',
    object: pv,
    namespace,
    crName,
    cr: namespace ? ctx.aistore(namespace, crName) : undefined,
    claimName,
    ordinal: targetOrdinal(crName, claimName),
  };
}

/**
 * A hand-made PV pre-bound to a target's state claim: judged for what that claim asks (its size and
 * class), the rest of it (its node, the PVs it meets) as the target's data PVs (pv-target-binding).
 */
function stateVolume(
  pv: PersistentVolume,
  ctx: ClusterContext,
): Extract<Recognised, { role: 'state-volume' }> | undefined {
  const claim = isProvisioned(pv) ? undefined : stateClaimOf(pv, ctx);
  if (!claim) return undefined;
  const { namespace, crName, claimName } = claim;
  return {
    role: 'state-volume',
    object: pv,
    namespace,
    crName,
    cr: ctx.aistore(namespace, crName),
    claimName,
    ordinal: targetOrdinal(crName, claimName),
    ...(claim.claimNotMade && { claimNotMade: true }),
  };
}

/**
 * The target's state claim a PV's claimRef names: its CR one the context knows, else the first its
 * name may be of. A known CR whose state is on hostPath or in an emptyDir makes no state claim
 * (operator target/volumes.go newTargetPVCs adds it only when StateStoragePVCStorageClass is
 * non-nil; aistore_webhook.go validateStateStorageUpdate refuses moving a live CR to PVC state), so
 * nothing ever binds the PV as a target's: `claimNotMade`, unless its StatefulSet still has the state
 * template (one left by a CR moved off PVC state, target-volumes.ts stateClaimMounted), then none.
 */
function stateClaimOf(pv: PersistentVolume, ctx: ClusterContext): StateClaim | undefined {
  const ref = claimRefOf(pv);
  if (!ref?.namespace || ref.name.length > MAX_NAME_LENGTH) return undefined;
  const { namespace, name } = ref;
  const crNames = stateClaimCrNames(namespace, name);
  const crName = crNames.find((c) => ctx.aistore(namespace, c) !== undefined) ?? crNames[0];
  if (crName === undefined) return undefined;
  const cr = ctx.aistore(namespace, crName);
  const claim = { namespace, crName, claimName: name };
  if (!cr || hasStateClaim(cr)) return claim;
  return stateClaimMounted(ctx, namespace, crName, cr) ? undefined : { ...claim, claimNotMade: true };
}

/** A live claim's PV before one held by a deleted claim's uid, then by name: one answer whatever
 * the index order. */
const firstHolder = (a: PersistentVolume, b: PersistentVolume) =>
  Number(claimGone(a)) - Number(claimGone(b)) || (nameOf(a) < nameOf(b) ? -1 : 1);

/**
 * A PV that is neither a target's disk (data or state claim) nor a provisioner's made for its own
 * claim: on a path holding a target's disk or inside it, whatever claim binds it writes that disk.
 * (Two targets' PVs on nesting paths may be two disks, one mounted inside the other.)
 */
export function isOfNoTarget(pv: PersistentVolume, ctx: ClusterContext): boolean {
  if (isMadeForItsClaim(pv)) return false;
  const ref = claimRefOf(pv);
  // Most PVs of a node are others': told apart by their claim's name alone, with no CR looked up.
  if (!ref || targetClaimEnd(ref.name) === undefined) return true;
  return !targetClaimOf(pv, ctx) && !(ref.namespace && isSomeStateClaim(ref.namespace, ref.name));
}

/**
 * A PV that is no target's, on the disk of a target's PV, data or state (its node, and its path or,
 * for a PV of no target, one nesting with it): a disk the local static provisioner publishes as it finds it in its
 * discovery directory, or a spare made by hand. Whatever claim binds it writes the target's disk.
 * It is judged as part of that target's deployment (pv-target-binding checkSpare). The walk is over
 * the target PVs of its nodes (ctx.targetPvsOnHost), not over every PV there.
 */
function spareOnTargetDisk(pv: PersistentVolume, ctx: ClusterContext): Recognised | undefined {
  // A provisioner's PV made for its own claim has a directory of its own, never a target's disk.
  if (isMadeForItsClaim(pv)) return undefined;
  const path = diskPathOf(pv);
  if (path === undefined) return undefined;
  const self = nameOf(pv);
  let nests: boolean | undefined; // whether paths nesting with this one count (isOfNoTarget)
  let found: { holder: PersistentVolume; claim: TargetClaim; host: string } | undefined;
  // Every node it may be on: pinned to two, it may be used on either.
  for (const host of pinnedHostnames(requiredTermsOf(pv)))
    for (const indexed of ctx.targetPvsOnHost(host)) {
      const at = diskPathOf(indexed);
      if (nameOf(indexed) === self || at === undefined || !pathsNest(at, path)) continue;
      if (at !== path && !(nests ??= isOfNoTarget(pv, ctx))) continue;
      if (ctx.pvHost(indexed) !== host) continue;
      const holder = ctx.pv(nameOf(indexed)) ?? indexed; // its binding state as last seen
      // A state PV is its target's disk as a data PV is: pv-target-binding judges it so.
      const claim: StateClaim | undefined = targetClaimOf(holder, ctx) ?? stateClaimOf(holder, ctx);
      // A PV of a state claim never made is no target's disk.
      if (!claim?.namespace || claim.claimNotMade || (found && firstHolder(found.holder, holder) < 0))
        continue;
      found = { holder, claim, host };
    }
  if (!found) return undefined;
  const { holder, claim, host } = found;
  return {
    role: 'spare-volume',
    object: pv,
    holder,
    host,
    namespace: claim.namespace,
    crName: claim.crName,
    cr: ctx.aistore(claim.namespace, claim.crName),
    claimName: claim.claimName,
    ordinal: targetOrdinal(claim.crName, claim.claimName),
  };
}
