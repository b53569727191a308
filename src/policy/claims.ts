// Is this the name of a claim the target StatefulSet will really use, and whose is it? Shared by
// the PVC rule and the PV rule (a PV's claimRef must name such a claim, or the PV is never bound to
// a target). A claim is <template>-<cr>-target-<N>, the template being the CR name + the mount path
// with "/" turned into "-" (operator api/aistore/v1beta1/aistore_types.go Mount.GetPVCName, BuildPVC).
import {
  autoScaleSizeLimit,
  claimMounts,
  crFromClaimShape,
  dataClaimName,
  hasClaimShape,
  isSomeStateClaim,
  isTargetAutoScaling,
  legacyDocClaimName,
  mountOfTemplate,
  splitClaimName,
  stateTemplateName,
  targetClaimEnd,
  targetOrdinal,
  targetStatefulSetName,
  templateName,
  withCanonicalOrdinal,
  type AIStoreCR,
  type Mount,
} from './aistore.js';
import type { ClusterContext } from './context.js';
import { isBeingDeleted, isObject, nameOf, namespaceOf, replicasOf } from './k8s.js';
import { targetsWithOrdinals } from './messages.js';
import { INTEGER_BOUNDS } from './operator-decoding.js';
import { maxTargetCount } from './target-count.js';

export interface ClaimNameProblem {
  severity: 'deny' | 'warn';
  /**
   * What is wrong, as a clause after the claim's name and a comma ("which is for …", "but …"):
   * the PVC rule says `claim "<name>", <reason>.`, the PV rule `PV <pv> is pre-bound to claim "<name>", <reason>.`
   */
  reason: string;
  fix: string;
  /**
   * The claim is for a target past the CR's size (`ordinal`, with `size` targets now): unused until
   * the size is raised, then used as it is. A claim or PV made ahead of a scale-out (or kept by a
   * scale-down, whenScaled: Retain) is that on purpose, so it is only warned of.
   */
  laterTarget?: { ordinal: number; size: number };
}

/**
 * The StatefulSet controller's identities: its own service account (kube-controller-manager with
 * --use-service-account-credentials, kubeadm's default), or the controller manager's shared one.
 */
const STATEFULSET_CONTROLLER = new Set([
  'system:serviceaccount:kube-system:statefulset-controller',
  'system:kube-controller-manager',
]);

/**
 * The write comes from the StatefulSet controller. It creates a claim only for an ordinal below the
 * replicas it has just read (k8s pkg/controller/statefulset stateful_pod_control.go
 * createPersistentVolumeClaims), so its claim for a later target proves a scale-out the guard's
 * cache has not seen yet (the CR's and the StatefulSet's watch events come after the controller acts).
 */
export const byStatefulSetController = (requester: string | undefined): boolean =>
  requester !== undefined && STATEFULSET_CONTROLLER.has(requester);

/**
 * The target StatefulSet the guard has cached names this claim: one of its claim templates, its own
 * name and an ordinal. The StatefulSet controller builds its claims' names that way from the set it
 * has just read (stateful_pod_control.go createPersistentVolumeClaims), so such a claim from it is
 * well named for that set whatever the guard's (maybe older) view of the CR says.
 */
export function cachedSetClaims(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  name: string,
): boolean {
  const set = ctx.statefulSet(namespace, targetStatefulSetName(crName));
  // One being deleted makes no more claims: its templates say nothing of the next set the CR gets.
  if (!set || isBeingDeleted(set)) return false;
  const templates: unknown = set.spec?.volumeClaimTemplates;
  const template = splitClaimName(crName, name)?.template;
  return (
    template !== undefined &&
    Array.isArray(templates) &&
    templates.some((t) => isObject(t) && isObject(t.metadata) && t.metadata.name === template)
  );
}

/** A CR whose StatefulSet would create a claim of exactly this name: which mount, which target. */
export interface ClaimOwner {
  crName: string;
  mount: Mount;
  ordinal: number;
}

/**
 * The CRs of the namespace a claim name can be of: those whose name closes it (`…-<cr>-target-<N>`),
 * the longest name first. Looked up by name, so the work follows the claim's name, never the number
 * of CRs in its namespace.
 */
function crsClosing(ctx: ClusterContext, namespace: string, name: string): AIStoreCR[] {
  const end = targetClaimEnd(name);
  if (end === undefined) return [];
  const head = name.slice(0, end);
  const found: AIStoreCR[] = [];
  for (let dash = head.indexOf('-'); dash > 0; dash = head.indexOf('-', dash + 1)) {
    const cr = ctx.aistore(namespace, head.slice(dash + 1));
    if (cr) found.push(cr);
  }
  return found;
}

/** Every (CR, mount, ordinal) in the namespace whose claim is exactly this name. */
export function claimOwners(ctx: ClusterContext, namespace: string, name: string): ClaimOwner[] {
  const owners: ClaimOwner[] = [];
  for (const cr of crsClosing(ctx, namespace, name)) {
    const crName = nameOf(cr);
    const split = crName ? splitClaimName(crName, name) : undefined;
    const mount = split && mountOfTemplate(cr, split.template);
    if (split && mount) owners.push({ crName, mount, ordinal: split.ordinal });
  }
  return owners;
}

/**
 * The CR a claim name belongs to, among the CRs in its namespace: the one whose (data or state)
 * claim it is exactly; else the one whose shape `<c>-…-<c>-target-<N>` it has (a misnamed claim of that CR),
 * the longest name when several fit. Undefined when it fits none.
 */
export function crForClaimName(ctx: ClusterContext, namespace: string, name: string): string | undefined {
  // The state claim <ns>-<cr>-state-<cr>-target-<N> is a CR's own too (not a data claim, not judged).
  for (const cr of crsClosing(ctx, namespace, name)) {
    const crName = nameOf(cr);
    if (crName && splitClaimName(crName, name)?.template === stateTemplateName(namespace, crName))
      return crName;
  }
  const exact = claimOwners(ctx, namespace, name)[0];
  if (exact) return exact.crName;
  return shapedCandidates(ctx, namespace, name)[0] ?? legacyDocCandidate(ctx, namespace, name);
}

/**
 * The CR of a claim named as the old AIStore doc says, <namespace>-<path>-<cr>-target-<N>, when the
 * CR's name does not start it (CR ais-2 in namespace ais: "ais-data-aistore-ais-2-target-0"); with
 * a namespace that extends the CR's name the shape above already fits. Only a CR of the namespace.
 */
function legacyDocCandidate(ctx: ClusterContext, namespace: string, name: string): string | undefined {
  // A name of a CR's own shape, or a state claim's, is that CR's, known yet or not (PVs come first).
  if (crFromClaimShape(name) !== undefined || isSomeStateClaim(namespace, name)) return undefined;
  return crsClosing(ctx, namespace, name)
    .map(nameOf)
    .find((c) => {
      const template = c ? splitClaimName(c, name)?.template : undefined;
      return (
        template !== undefined &&
        template.length > namespace.length + 1 &&
        template.startsWith(`${namespace}-`)
      );
    });
}

/** CR names in the namespace whose claim shape the name has, longest first (crsClosing's order). */
function shapedCandidates(ctx: ClusterContext, namespace: string, name: string): string[] {
  return crsClosing(ctx, namespace, name)
    .map(nameOf)
    .filter((c) => c && hasClaimShape(c, name));
}

/** The target count a claim is checked against: the CR's, or more if the StatefulSet already has more. */
export function effectiveTargetCount(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  cr: AIStoreCR,
): number | undefined {
  const size = maxTargetCount(cr, ctx);
  if (size === undefined) return undefined; // autoscaled, nodes unknown, no sizeLimit: count unknown
  const sts = ctx.statefulSet(namespace, targetStatefulSetName(crName));
  const replicas = sts ? replicasOf(sts) : undefined;
  return replicas === undefined ? size : Math.max(size, replicas);
}

/**
 * What makes a CR have `targets` targets: a larger size, or, autoscaled (GetTargetSize: the matching
 * nodes, at most autoScale.sizeLimit), a larger sizeLimit where that is what holds the count down,
 * else more nodes matching the targets' placement.
 */
export function scaleOutTo(cr: AIStoreCR | undefined, targets: number): string {
  if (!cr || !isTargetAutoScaling(cr)) return `raise spec.targetSpec.size to at least ${targets}`;
  const limit = autoScaleSizeLimit(cr);
  return limit !== undefined && limit < targets
    ? `raise spec.targetSpec.autoScale.sizeLimit (${limit}) to at least ${targets}, with as many nodes matching the targets' placement`
    : `let ${targets} nodes match the targets' placement (autoscaled: one target per such node)`;
}

function explainTemplate(crName: string, mount: Mount, ordinal: number): string {
  return `"${dataClaimName(crName, mount.path, ordinal)}" (template "${templateName(crName, mount.path)}" = CR name "${crName}" + mount path ${mount.path} with "/" turned into "-", then "-${targetStatefulSetName(crName)}-${ordinal}")`;
}

/**
 * The fixes speak of what carries the claim name: a claim is renamed or deleted; a PV pre-bound to
 * it (pv-target-binding) gets another spec.claimRef.name, or is deleted. A name is free for a claim
 * when no claim or PV holds it; for a PV when no other PV is pre-bound to it (the claim itself may
 * well exist, Pending, waiting for this very PV).
 */
export type ClaimHolder = 'claim' | 'pv';
const WORDS = {
  claim: {
    nameIt: 'Name it',
    renameIt: 'Rename it to',
    orNameIt: 'name it',
    nameItAfterMount: 'Name it after the mount it is for, one of:',
    deleteIt: 'delete this claim',
    DeleteIt: 'Delete this claim',
    forAnotherTarget: 'rename it for another target',
    afterKnownCR: 'name the claim after one of the known CRs',
    allTaken: 'already exists or has a PV',
    forPV: false,
  },
  pv: {
    nameIt: 'Set spec.claimRef.name to',
    renameIt: 'Set spec.claimRef.name to',
    orNameIt: 'set spec.claimRef.name to',
    nameItAfterMount: 'Set spec.claimRef.name to the claim of the mount it is for, one of:',
    deleteIt: 'delete this PV',
    DeleteIt: 'Delete this PV',
    forAnotherTarget: "pre-bind it to another target's claim",
    afterKnownCR: 'pre-bind it to a claim of one of the known CRs',
    allTaken: 'already has a PV pre-bound to it',
    forPV: true,
  },
} as const;
type Words = (typeof WORDS)[ClaimHolder];

const LISTED = 5;
/** The first names quoted, and how many more of `total` there are. */
const quoted = (names: string[], total = names.length) => {
  const shown = names.slice(0, LISTED).map((n) => `"${n}"`);
  return total > LISTED ? `${shown.join(', ')} and ${total - LISTED} more` : shown.join(', ');
};

/** The rename hint: names of this target's claims that no claim or PV holds yet; never one in use. */
function renameHint(
  namespace: string,
  crName: string,
  fits: readonly Mount[],
  ordinal: number,
  name: string,
  ctx: ClusterContext,
  w: Words,
): string {
  // Bounded: a CR may have thousands of mounts; the hint lists a few.
  const free: string[] = [];
  for (const m of fits) {
    const candidate = dataClaimName(crName, m.path, ordinal);
    const taken = w.forPV ? ctx.claimBound(namespace, candidate) : ctx.claimInUse(namespace, candidate);
    if (candidate !== name && !taken) free.push(candidate);
    if (free.length > LISTED) break;
  }
  if (free.length === 1) return `${w.nameIt} ${free[0] as string}.`;
  if (free.length > 1)
    return `${w.nameItAfterMount} ${free.slice(0, LISTED).join(', ')}${free.length > LISTED ? ', …' : ''}.`;
  const names = fits.slice(0, LISTED + 1).map((m) => dataClaimName(crName, m.path, ordinal));
  return `Every claim of ${crName}-target-${ordinal} (${quoted(names, fits.length)}) ${w.allTaken}: ${w.deleteIt}, or ${w.forAnotherTarget}.`;
}

function conflict(owners: ClaimOwner[]): ClaimNameProblem {
  const who = owners.map(
    (o) => `AIStore ${o.crName} (mount ${o.mount.path}, ${o.crName}-target-${o.ordinal})`,
  );
  return {
    severity: 'deny',
    reason: `which is the claim of ${who.join(' and of ')} at once: their StatefulSets would share one volume`,
    fix: 'Change a mount path (or the name) of one of these CRs so their claim names differ.',
  };
}

/** The last ordinal a StatefulSet can have: spec.replicas is an int32. */
const LAST_ORDINAL = INTEGER_BOUNDS.int32[1] - 1;

const pastLastOrdinal = (w: Words): ClaimNameProblem => ({
  severity: 'deny',
  reason: `which no pod ever claims: its ordinal is past ${LAST_ORDINAL}, the last a StatefulSet has (spec.replicas is an int32)`,
  fix: `${w.DeleteIt}, or ${w.forAnotherTarget}.`,
});

/**
 * The name as the StatefulSet controller would write it, when `name` is a claim of `crName`'s shape
 * with leading zeros in its ordinal (`…-<cr>-target-01`); undefined otherwise.
 */
function canonicalOf(crName: string, name: string): string | undefined {
  const canonical = withCanonicalOrdinal(name);
  return canonical !== undefined && splitClaimName(crName, canonical) ? canonical : undefined;
}

function withCR(
  namespace: string,
  crName: string,
  cr: AIStoreCR,
  name: string,
  ctx: ClusterContext,
  w: Words,
): ClaimNameProblem | undefined {
  const owners = claimOwners(ctx, namespace, name);
  if (new Set(owners.map((o) => o.crName)).size > 1) return conflict(owners);
  const mounts = claimMounts(cr);
  if (mounts.length === 0) {
    return {
      severity: 'deny',
      reason: `but AIStore ${crName} has no PVC-backed mounts (spec.targetSpec.mounts without useHostPath), so no target ever claims it`,
      fix: `Add the mount to spec.targetSpec.mounts, or ${w.deleteIt}.`,
    };
  }
  const count = effectiveTargetCount(ctx, namespace, crName, cr);
  const own = owners.find((o) => o.crName === crName);
  if (own) {
    if (own.ordinal > LAST_ORDINAL) return pastLastOrdinal(w);
    if (count !== undefined && own.ordinal >= count) {
      // Not "no pod will use it": the StatefulSet controller creates a pod's claims only when missing
      // and uses one found by name as it is (k8s pkg/controller/statefulset stateful_pod_control.go
      // createPersistentVolumeClaims), so ${crName}-target-<N> mounts this claim after a scale-out.
      return {
        severity: 'warn',
        reason: `which is for ${crName}-target-${own.ordinal}, but AIStore ${crName} has ${targetsWithOrdinals(count)}: no pod uses it until the target count is at least ${own.ordinal + 1}, when it is used after a scale-out (the StatefulSet controller takes an existing claim as it is)`,
        fix: `If it is for a scale-out, ${scaleOutTo(cr, own.ordinal + 1)} when its disks are ready; otherwise ${w.deleteIt}.`,
        laterTarget: { ordinal: own.ordinal, size: count },
      };
    }
    return undefined;
  }
  const padded = canonicalOf(crName, name);
  const ordinal = targetOrdinal(crName, padded ?? name) ?? 0;
  if (ordinal > LAST_ORDINAL) return pastLastOrdinal(w);
  const named = mounts.filter((m) => name.includes(m.path.replaceAll('/', '-')));
  const fits = named.length > 0 ? named : mounts;
  const mount = fits[0] as Mount;
  const legacy = mounts.find((m) => name === legacyDocClaimName(namespace, crName, m.path, ordinal));
  const others = mounts
    .filter((m) => m !== mount)
    .slice(0, LISTED + 1)
    .map((m) => dataClaimName(crName, m.path, ordinal));
  const alsoFits = shapedCandidates(ctx, namespace, name).filter((c) => c !== crName);
  return {
    severity: 'deny',
    reason:
      `which is not a claim the StatefulSet ${targetStatefulSetName(crName)} will use: pod ${crName}-target-${ordinal} claims ${explainTemplate(crName, mount, ordinal)}` +
      (others.length ? ` and ${quoted(others, mounts.length - 1)}` : '') +
      '. The StatefulSet would create its own claim and leave this one unused' +
      (padded ? `. The ${writesNoLeadingZero(name, padded)}` : '') +
      (legacy && namespace !== crName
        ? `. This name follows the old AIStore doc's <namespace>-<path>-<pod> wording; the operator names templates after the CR ("${crName}"), not the namespace ("${namespace}"): the two agree only when they are equal`
        : '') +
      (alsoFits.length ? `. The name also has the shape of AIStore ${alsoFits.join(', ')}'s claims` : ''),
    fix: renameHint(namespace, crName, fits, ordinal, name, ctx, w),
  };
}

/** Why a claim whose ordinal has leading zeros is no pod's; `canonical` is the name as the controller writes it. */
const writesNoLeadingZero = (name: string, canonical: string) => {
  const end = (n: string) => n.slice(n.lastIndexOf('-target-'));
  return `StatefulSet controller writes a pod's ordinal with no leading zero ("${end(canonical)}", never "${end(name)}")`;
};

function withoutCR(
  namespace: string,
  crName: string,
  name: string,
  ctx: ClusterContext,
  w: Words,
): ClaimNameProblem | undefined {
  const example = `${crName}-data-aistore-${crName}-target-0`;
  const padded = canonicalOf(crName, name);
  if (padded !== undefined && hasClaimShape(crName, padded)) {
    const ordinal = targetOrdinal(crName, padded) ?? 0;
    if (ordinal > LAST_ORDINAL) return pastLastOrdinal(w);
    return {
      severity: 'deny',
      reason: `which no pod claims: the ${writesNoLeadingZero(name, padded)}, so the claim of ${crName}-target-${ordinal} is "${padded}"`,
      fix: `${w.renameIt} ${padded}.`,
    };
  }
  if (!hasClaimShape(crName, name)) {
    return {
      severity: 'deny',
      reason: `which does not have the shape of a target data claim of AIStore ${crName}: <cr><mount-path-with-dashes>-<cr>-target-<N>, e.g. "${example}" for mount /data/aistore`,
      fix: `${w.renameIt} ${crName}<mount path with "/" turned into "-">-${crName}-target-<N>.`,
    };
  }
  const known = ctx.aistoresIn(namespace).map(nameOf);
  if (known.length > 0) {
    return {
      severity: 'warn',
      reason: `which fits no AIStore CR known in namespace ${namespace}: it names no AIStore "${crName}" (known: ${known.slice(0, LISTED).join(', ')}${known.length > LISTED ? ', …' : ''}), so no target claims it unless that CR is created`,
      fix: `Create AIStore ${crName}, or ${w.afterKnownCR}.`,
    };
  }
  // Ambiguous only when the namespace extends the CR name: "ais-prod-data-…" for CR "ais" in namespace
  // "ais-prod" may be the mount /prod/data or the old doc's <namespace>-<path> wording.
  const middle = namespace.startsWith(`${crName}-`) ? namespace.slice(crName.length) : '';
  if (middle && name.startsWith(`${namespace}-`)) {
    return {
      severity: 'warn',
      reason: `which starts with the namespace "${namespace}", as the old AIStore doc's <namespace>-<path>-<pod> wording says; the operator uses the CR name "${crName}". Without the AIStore CR the guard cannot tell whether "${middle}" is part of the mount path`,
      fix: `If the mount path does not start with ${middle.replaceAll('-', '/')}, ${w.orNameIt} ${crName}<mount-path-with-dashes>-${crName}-target-<N>.`,
    };
  }
  return undefined;
}

/** The most AIStores of one name namespaceMakingIt weighs a PV's claim against. */
const SAME_NAME_CRS = 4;

/**
 * Another namespace whose AIStore `crName` makes a claim of exactly this name (and the target's
 * ordinal): the StatefulSet makes its claims in the CR's namespace (target/statefulset.go
 * NewTargetSS), and a PV binds only a claim of its claimRef's namespace and name (component-helpers
 * storage/volume/pv_helpers.go IsVolumeBoundToClaim). The first such namespace by name. None when
 * more than a few AIStores have that name (teams naming theirs alike): which one the PV is for is
 * then a guess, and a review must not walk them all.
 */
export function namespaceMakingIt(
  ctx: ClusterContext,
  namespace: string,
  crName: string,
  name: string,
): { namespace: string; ordinal: number } | undefined {
  for (const cr of ctx.aistoresNamed(crName, SAME_NAME_CRS) ?? []) {
    const home = namespaceOf(cr);
    // A claim there that has its PV (or exists) needs none from here: this PV is for a CR to come in
    // its own namespace (a staging deployment beside production, PVs made first).
    if (home === namespace || home === '' || ctx.claimInUse(home, name)) continue;
    const split = splitClaimName(crName, name);
    if (split && mountOfTemplate(cr, split.template)) return { namespace: home, ordinal: split.ordinal };
  }
  return undefined;
}

export function claimNameProblem(
  namespace: string,
  crName: string,
  cr: AIStoreCR | undefined,
  name: string,
  ctx: ClusterContext,
  holder: ClaimHolder = 'claim',
): ClaimNameProblem | undefined {
  const w = WORDS[holder];
  return cr ? withCR(namespace, crName, cr, name, ctx, w) : withoutCR(namespace, crName, name, ctx, w);
}

/** The mount a correctly named claim belongs to. */
export function mountOfClaim(crName: string, cr: AIStoreCR, claimName: string): Mount | undefined {
  const template = splitClaimName(crName, claimName)?.template;
  return template === undefined ? undefined : mountOfTemplate(cr, template);
}
