// Kubernetes binds a claimRef-pinned PV without checking its class or selector (component-helpers
// storage/volume/pv_helpers.go FindMatchingVolume checks only its size and modes; with the claim's
// volumeName set, pv_controller.go syncUnboundClaim checks nothing), so a wrong class, a disk too
// small for a claim bound by name, or two PVs on one disk pass silently. Check each target PV against the
// CR and against every other known PV; on the CR, report (ordinal, mount) pairs that have no PV.
import {
  claimMounts,
  claimTemplateNames,
  hasClaimShape,
  fixedTargetSize,
  hasStateClaim,
  hostPortsKeepTargetsApart,
  isClaimTemplateOf,
  isSomeStateClaim,
  isStateClaim,
  mountsOf,
  splitClaimName,
  dataClaimName,
  isTargetAutoScaling,
  scaleDownDeletesClaims,
  shutsDown,
  stateClaimClass,
  stateClaimName,
  stateTemplateName,
  targetsUseHostNetwork,
  templateName,
  type AIStoreCR,
} from '../aistore.js';
import { recreatesTargets } from '../rollout.js';
import {
  cachedSetClaims,
  claimNameProblem,
  claimOwners,
  mountOfClaim,
  namespaceMakingIt,
  scaleOutTo,
} from '../claims.js';
import type { ClusterContext } from '../context.js';
import {
  asText,
  byName,
  canServeClaim,
  capacityOf,
  claimGone,
  claimRefOf,
  diskPathOf,
  isBeingDeleted,
  isDiscoveredDisk,
  isInside,
  isMadeForItsClaim,
  isObject,
  labelsOf,
  nameOf,
  namespaceOf,
  normalDiskPath,
  pathsNest,
  phaseOf,
  type PersistentVolume,
  asksNodeFields,
  pinnedHostnames,
  pvHostname,
  pvLabelTerms,
  requiredTermsOf,
  stringsOf,
  HOSTNAME_KEY,
  objectsOf,
  type NodeSelectorRequirement,
} from '../k8s.js';
import {
  stateClaimMounted,
  stateTemplateClass,
  targetVolumes,
  targetVolumesNear,
  type TargetVolume,
} from '../target-volumes.js';
import { targetCount } from '../target-count.js';
import {
  keepOutOfDiscovery,
  LISTED,
  listedNames,
  patchPvCommand,
  PENDING_PORTS,
  removeUidCommand,
  targetsWithOrdinals,
} from '../messages.js';
import { isOfNoTarget } from '../recognise.js';
import { placementExcludes, placementOf } from '../nodes.js';
import { capacityHolds } from '../quantity.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink, pointer, type RuleInput } from '../rule.js';

/** A PV pre-bound to a target claim: its claim, its shape, its node, and the other PVs it meets. */
function checkVolume(input: RuleInput<'target-volume'>): void {
  const pv = input.subject.object;
  const { ctx } = input;
  const path = diskPathOf(pv);
  // The node it is on: by hostname, or by a node-local CSI driver's topology key (ctx.pvHost).
  const host = ctx.pvHost(pv);
  if (path === undefined && !input.layout.multiTarget) {
    // A network volume outside a multi-target layout follows its target: not this rule's business.
    // A node-local CSI volume pins its target as a local one does (CheckNodeAffinity, whatever the
    // key): where it is, and beside whom, are judged alike; its claim and shape in a multi-target
    // layout only, as before. Beside its own target's other PVs, whatever order they come in.
    if (host !== undefined && !claimGone(pv)) {
      checkVolumeNode(input, host);
      checkTargetOnOneNode(input, host);
      warnKeptApart(input, host, otherTargetsOn(input, host));
    }
    return;
  }
  if (!checkVolumeClaim(input)) return;
  checkVolumeShape(input);
  // Held by a deleted claim's uid, the PV is no target's disk (pv-claim-uid says how to free or drop
  // it): where it is and what it shares are judged again when its uid is cleared, an update.
  if (claimGone(pv)) return;
  checkVolumeNode(input, host);
  checkVolumeClashes(input, host, path);
}

/** The claim it names: in a namespace, and one a target of the CR makes (false: judge no further). */
function checkVolumeClaim({ subject, ctx, report }: RuleInput<'target-volume'>): boolean {
  const { namespace, crName, cr, claimName } = subject;
  const self = nameOf(subject.object);
  if (namespace === '') {
    // component-helpers storage/volume IsVolumeBoundToClaim compares the claim's namespace too.
    report.deny(
      '/spec/claimRef',
      `PV ${self} is pre-bound to claim "${claimName}" in no namespace: the PV controller binds a claimRef's namespace and name together, so this PV binds no claim and stays Available, and the target's claim stays Pending (or gets another disk).`,
      `Set spec.claimRef.namespace to the namespace of AIStore ${crName}.`,
    );
    return false;
  }

  const problem = claimNameProblem(namespace, crName, cr, claimName, ctx, 'pv');
  const later = problem?.laterTarget;
  // An autoscaled CR grows with the nodes its targets may use, not with a size field.
  const autoscaled = cr !== undefined && isTargetAutoScaling(cr);
  if (later)
    // Disks are prepared before a scale-out (the operator's webhook lets targetSpec.size change).
    report.warn(
      '/spec/claimRef/name',
      `PV ${self} is pre-bound to claim "${claimName}" of ${crName}-target-${later.ordinal}, but AIStore ${crName} has ${targetsWithOrdinals(later.size, autoscaled ? 'one per node its targets may use, at most autoScale.sizeLimit' : undefined)}: no pod uses it until the target count is at least ${later.ordinal + 1}.`,
      `If this PV is for a scale-out, ${scaleOutTo(cr, later.ordinal + 1)} when the disks are ready; otherwise delete it.`,
    );
  else if (problem)
    report[problem.severity](
      '/spec/claimRef/name',
      `PV ${self} is pre-bound to claim "${claimName}", ${problem.reason}.`,
      problem.fix,
    );
  else if (!cr) warnNamespaceElsewhere({ subject, ctx, report });
  return true;
}

/**
 * A PV pre-bound by name (no uid: binding sets one) to a claim of a namespace where no AIStore is
 * known, named exactly as a claim that an AIStore of that name makes in another namespace, where its
 * StatefulSet is (target/statefulset.go NewTargetSS): a PV binds only the claim its claimRef names
 * by namespace and name together (component-helpers storage/volume/pv_helpers.go
 * IsVolumeBoundToClaim), so it stays Available and that target's claim gets no disk of it. A
 * warning: it may be made for an AIStore of that name yet to come in its own namespace.
 */
function warnNamespaceElsewhere({
  subject,
  ctx,
  report,
}: Pick<RuleInput<'target-volume'>, 'subject' | 'ctx' | 'report'>): void {
  const { namespace, crName, claimName } = subject;
  const pv = subject.object;
  if (heldByClaim(ctx, pv) || ctx.aistoresIn(namespace).length > 0) return;
  const home = namespaceMakingIt(ctx, namespace, crName, claimName);
  if (!home) return;
  report.warn(
    '/spec/claimRef/namespace',
    `PV ${nameOf(pv)} is pre-bound to claim ${claimName} in namespace ${namespace}, where no AIStore is known; AIStore ${crName} makes a claim of this name for ${crName}-target-${home.ordinal} in namespace ${home.namespace}, where its StatefulSet is: a PV binds only the claim its claimRef names by namespace and name together, so this PV stays Available and that claim gets no disk of it.`,
    `Set spec.claimRef.namespace: ${home.namespace}, unless the PV is for an AIStore ${crName} yet to be made in namespace ${namespace}.`,
  );
}

/** A way a PV fails its claim: the field, what is wrong, the fix. */
interface MountMisfit {
  path: string;
  what: string;
  fix: string;
}

/** What a target claim asks of its PV beyond the modes: the class and size of its claim template. */
interface ClaimAsk {
  /** What asks it, in a message: "mount /data/aistore", "the state claim". */
  of: string;
  storageClass?: string | undefined;
  size?: string | undefined;
  /** How to fix a PV too small. */
  sizeFix: string;
}

/**
 * The state claim asks for 1Gi, whatever the CR (cmn.DefineStatePVC,
 * internal/resources/aistore/cmn/res.go: `Requests: {storage: resource.MustParse("1Gi")}`).
 */
const STATE_CLAIM_SIZE = '1Gi';

/**
 * What claim `claimName` of AIStore `crName` asks for: a data claim its mount's class and size
 * (Mount.BuildPVC), the state claim 1Gi of stateStorage.pvc.storageClass (cmn.DefineStatePVC, both
 * templates added by target/volumes.go newTargetPVCs). The state claim's size is known from its name
 * alone, before the CR is; its class and a mount's need the CR.
 */
function claimAsk(
  namespace: string,
  crName: string,
  cr: AIStoreCR | undefined,
  claimName: string,
): ClaimAsk | undefined {
  if (isStateClaim(namespace, crName, claimName)) {
    // With hostPath or emptyDir state the CR makes no state claim (newTargetPVCs adds it only when
    // StateStoragePVCStorageClass is non-nil; aistore.ts hasStateClaim): nothing asks for 1Gi.
    if (cr && !hasStateClaim(cr)) return undefined;
    return {
      of: 'the state claim',
      // '' (none named) leaves the claim to the default class: nothing to compare.
      storageClass: (cr && stateClaimClass(cr)) || undefined,
      size: STATE_CLAIM_SIZE,
      sizeFix: `Use a disk of at least ${STATE_CLAIM_SIZE}: the operator's state claim always asks for ${STATE_CLAIM_SIZE}.`,
    };
  }
  const mount = cr ? mountOfClaim(crName, cr, claimName) : undefined;
  return (
    mount && {
      of: `mount ${mount.path}`,
      storageClass: mount.storageClass,
      size: mount.size,
      sizeFix: `Use a disk of at least ${mount.size ?? ''}, or lower the mount size.`,
    }
  );
}

/**
 * How a target PV fails what its claim asks (class and size, claimAsk): what a PV made before its CR
 * could not be judged on, so the CR's CREATE judges it then (checkMountFit). Kubernetes skips a PV
 * smaller than the request even when its claimRef names the claim (component-helpers
 * storage/volume/pv_helpers.go FindMatchingVolume), and binds one of another class regardless.
 */
function mountMisfits(pv: PersistentVolume, ask: ClaimAsk | undefined): MountMisfit[] {
  const found: MountMisfit[] = [];
  if (!ask) return found;
  const storageClass: unknown = pv.spec?.storageClassName;
  if (ask.storageClass && storageClass !== ask.storageClass) {
    found.push({
      path: '/spec/storageClassName',
      what: `has storageClassName "${typeof storageClass === 'string' ? storageClass : ''}" but ${ask.of} asks for "${ask.storageClass}"; a claimRef binds regardless, so the mismatch would pass silently`,
      fix: `Set storageClassName: ${ask.storageClass}.`,
    });
  }
  const capacity = capacityOf(pv);
  if (ask.size && capacityHolds(capacity, ask.size) === false) {
    found.push({
      path: '/spec/capacity/storage',
      what: `offers ${capacity === undefined ? 'no capacity' : asText(capacity)} but ${ask.of} needs ${ask.size}`,
      fix: ask.sizeFix,
    });
  }
  return found;
}

/**
 * The access and volume mode every claim of the operator asks for, a data claim (Mount.BuildPVC) and
 * the state claim (cmn.DefineStatePVC) alike: ReadWriteOnce, Filesystem.
 */
function checkClaimModes(pv: PersistentVolume, report: RuleInput['report']): void {
  const self = nameOf(pv);
  const modes = stringsOf(pv.spec?.accessModes);
  // The operator's claims ask for ReadWriteOnce (Mount.BuildPVC), and a PV serves a claim only if it
  // has every mode the claim asks for (component-helpers pv_helpers.go CheckAccessModes; the PV
  // controller's findByClaim): ReadWriteOncePod alone is not ReadWriteOnce.
  if (!modes.includes('ReadWriteOnce')) {
    report.deny(
      '/spec/accessModes',
      `PV ${self} is not ReadWriteOnce (${modes.join(', ') || 'no access modes'}): the target's claim asks for ReadWriteOnce, and a PV without it never binds to it.`,
      'Set accessModes: [ReadWriteOnce].',
    );
  }
  // The operator's claims carry no volumeMode (Mount.BuildPVC), so the apiserver makes them
  // Filesystem; a target mounts its disk as a directory.
  // null, as an empty YAML value reads, is unset to the apiserver too: Filesystem.
  const volumeMode: unknown = pv.spec?.volumeMode;
  if (volumeMode !== undefined && volumeMode !== null && volumeMode !== 'Filesystem') {
    report.deny(
      '/spec/volumeMode',
      `PV ${self} has volumeMode ${asText(volumeMode)}, but the target's claim is Filesystem: the PV binder passes it over (CheckVolumeModeMismatches), and bound by name the kubelet refuses it ("has volumeMode Block, but is specified in volumeMounts"), so the target never starts.`,
      'Remove volumeMode (Filesystem is the default), and give the PV a formatted disk.',
    );
  }
}

/** What the target's claim asks of its disk: class, size, access and volume mode, one node for a node's disk. */
function checkVolumeShape({ subject, ctx, report }: RuleInput<'target-volume'>): void {
  const { namespace, crName, cr, claimName } = subject;
  const pv = subject.object;
  const self = nameOf(pv);
  for (const misfit of mountMisfits(pv, claimAsk(namespace, crName, cr, claimName)))
    report.deny(misfit.path, `PV ${self} ${misfit.what}.`, misfit.fix);
  checkClaimModes(pv, report);
  // Only a disk that lives on one node (a local or hostPath source) ties its target to that node:
  // a network or cloud volume (NFS, a CSI block volume) follows the pod, attached wherever the
  // scheduler puts it within what its nodeAffinity admits (component-helpers storage/volume/helpers.go
  // CheckNodeAffinity; the attach/detach controller), and the operator never reads the PV
  // (target/volumes.go newTargetPVCs asks for a claim only). A node-local CSI volume (TopoLVM) is
  // made by its provisioner for its claim, and is not judged here at all (recognise.ts).
  if (diskPathOf(pv) === undefined) return;
  const terms = requiredTermsOf(pv);
  const hosts = pinnedHostnames(terms);
  if (hosts.length !== 1) {
    // A PV's node affinity is matched against a Node built from labels alone, with no name
    // (component-helpers storage/volume/helpers.go CheckNodeAffinity), and nodeSelectorTerm.match
    // skips matchFields for such a Node: matchFields metadata.name is not read, and pins nothing.
    const fields = asksNodeFields(terms)
      ? '; matchFields (metadata.name) is not read for a PV, whose node affinity Kubernetes matches against node labels only, so it pins nothing'
      : '';
    report.deny(
      '/spec/nodeAffinity',
      `PV ${self} must pin exactly one node with kubernetes.io/hostname in spec.nodeAffinity (found ${hosts.length ? hosts.join(', ') : 'none'}${fields}): the target must follow its disk.`,
      'Add nodeAffinity.required.nodeSelectorTerms[0].matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [<node>]}].',
    );
  } else checkOneNodeAdmitted(pv, hosts[0] as string, ctx, report);
}

/**
 * A local or hostPath PV that names one hostname must also admit that node alone, as the scheduler
 * reads its terms (CheckNodeAffinity: terms ORed, requirements ANDed, labels only): a term without
 * the hostname (a zone, matchFields only) lets the target be placed on another node, where the path
 * is another disk or none; a known node that fails the rest of its term is admitted by no term, and
 * the target stays Pending until the node is labelled so. ctx.pvHost is the node the PV is on when
 * every term admits just it (by hostname, or by a node-local driver's key with Nodes known).
 */
function checkOneNodeAdmitted(
  pv: PersistentVolume,
  host: string,
  ctx: ClusterContext,
  report: RuleInput['report'],
): void {
  if (ctx.pvHost(pv) !== undefined) return;
  const self = nameOf(pv);
  if (pvHostname(pv) === undefined) {
    report.deny(
      '/spec/nodeAffinity',
      `PV ${self} names node ${host} by kubernetes.io/hostname, but a term of its required node affinity admits other nodes (terms are ORed: one without that hostname, or with matchFields only, which is not read for a PV): the target may be placed on another node, where ${diskPathOf(pv) ?? 'its path'} is not this disk.`,
      `Pin node ${host} in every term of spec.nodeAffinity.required.nodeSelectorTerms (kubernetes.io/hostname In [${host}]), or keep only that term.`,
    );
    return;
  }
  const others = pvLabelTerms(requiredTermsOf(pv))
    .flatMap((t) => objectsOf<NodeSelectorRequirement>(t.matchExpressions))
    .filter((r) => r.key !== HOSTNAME_KEY)
    .slice(0, LISTED)
    .map((r) => `${asText(r.key)} ${asText(r.operator)}${r.values ? ` ${asText(r.values)}` : ''}`);
  report.warn(
    '/spec/nodeAffinity',
    `PV ${self} is pinned to node ${host}, but node ${host} does not meet the rest of its required node affinity (${others.join(', ')}): no node matches it, so the target whose claim binds it stays Pending ("node(s) didn't match PersistentVolume's node affinity").`,
    `Remove from spec.nodeAffinity the requirements node ${host} does not meet, or label node ${host} to meet them.`,
  );
}

/**
 * A hand-made PV pre-bound to a target's state claim: the claim asks for 1Gi of the state class
 * (claimAsk), and a PV smaller than that is passed over though its claimRef names the claim
 * (FindMatchingVolume), so the claim, and the target pod with it, stays Pending. It pins its target
 * to its node as a data PV does (target-volumes.ts TargetVolume.state), so the rest is judged as a data PV's:
 * its node, and the other PVs it meets (checkVolumeClashes: its claim, its disk, its target's node).
 */
function checkStateVolume(input: RuleInput<'state-volume'>): void {
  const { subject, report } = input;
  const { namespace, crName, cr, claimName } = subject;
  const self = nameOf(subject.object);
  if (subject.claimNotMade && cr) {
    warnStateClaimNotMade(input, cr);
    return;
  }
  for (const misfit of mountMisfits(subject.object, claimAsk(namespace, crName, cr, claimName)))
    report.deny(
      misfit.path,
      `PV ${self}, pre-bound to state claim ${claimName}, ${misfit.what}.`,
      misfit.fix,
    );
  checkClaimModes(subject.object, report);
  // Held by a deleted claim's uid it is no target's disk (pv-claim-uid says how to free or drop it).
  if (claimGone(subject.object)) return;
  const host = input.ctx.pvHost(subject.object);
  checkVolumeNode(input, host);
  checkVolumeClashes(input, host, diskPathOf(subject.object));
}

/** Where a CR that makes no state claim keeps its state (operator StateStorageHostPathPrefix, UsesStateEmptyDir). */
function stateHome(cr: AIStoreCR): string {
  const storage: unknown = cr.spec?.stateStorage;
  if (!isObject(storage)) return 'on hostPath (spec.hostpathPrefix, with no spec.stateStorageClass)';
  return isObject(storage.emptyDir)
    ? 'in an emptyDir (spec.stateStorage.emptyDir)'
    : 'on hostPath (spec.stateStorage.hostPath)';
}

/**
 * A PV pre-bound to the state claim of a CR that makes none: the state claim template comes only
 * with PVC state (target/volumes.go newTargetPVCs), and the operator's webhook refuses moving a live
 * CR there (aistore_webhook.go validateStateStorageUpdate), so the PV stays Available, unused, while
 * its author may think the targets' state is on it. Warned, not denied: it may be made ahead of a
 * redeploy with PVC state.
 */
function warnStateClaimNotMade({ subject, ctx, report }: RuleInput<'state-volume'>, cr: AIStoreCR): void {
  const { namespace, crName, claimName } = subject;
  const self = nameOf(subject.object);
  // Bound: its claim is there (one kept from the CR's earlier life with PVC state: the operator keeps
  // claims unless cleanupMetadata is set), only no target mounts it; and it holds the PV from deletion.
  if (liveBound(ctx, subject.object))
    return report.warn(
      '/spec/claimRef/name',
      `PV ${self} is Bound to state claim ${namespace}/${claimName}, which no target of AIStore ${namespace}/${crName} mounts: the CR keeps its targets' state ${stateHome(cr)} (${NO_STATE_TEMPLATE}), so the targets' state is not on this PV.`,
      `Delete claim ${namespace}/${claimName} once its data is not needed, then PV ${self} (the claim holds it until then).`,
    );
  report.warn(
    '/spec/claimRef/name',
    `PV ${self} is pre-bound to state claim ${claimName}, but AIStore ${namespace}/${crName} keeps its targets' state ${stateHome(cr)}: no claim of that name is made while it does (${NO_STATE_TEMPLATE}), so nothing binds this PV and the targets' state is not on it.`,
    `Delete PV ${self}, unless it is made for a new deployment of AIStore ${crName} with spec.stateStorage.pvc (the operator refuses that change on the live CR), whose state claim asks for at least ${STATE_CLAIM_SIZE} of the state class.`,
  );
}

const NO_STATE_TEMPLATE =
  'the operator adds the state claim template only for PVC state, spec.stateStorage.pvc or the legacy spec.stateStorageClass, and refuses that change on a live cluster';

/**
 * On the CR's CREATE, warnStateClaimNotMade's case from the CR's side: hand-made PVs already
 * pre-bound to its state claims while it makes none (and no target StatefulSet has the state
 * template). PVs are made before the CR (README), and a state PV reviewed then has no CR to be
 * judged against (recognise.ts stateClaimOf): said here, or never in the webhook.
 */
function checkStateClaimsNotMade({ subject, operation, ctx, report }: RuleInput<'aistore'>): void {
  const cr = subject.object;
  if (operation !== 'CREATE' || hasStateClaim(cr)) return;
  const { namespace, crName } = subject;
  const pvs = targetVolumes(ctx, namespace, crName)
    .filter((v) => v.state && canServeClaim(v.pv))
    .map((v) => `${nameOf(v.pv)} (claim ${v.claim})`);
  if (pvs.length === 0 || stateClaimMounted(ctx, namespace, crName, cr)) return;
  const listed = listedNames(pvs);
  report.warn(
    isObject(cr.spec?.stateStorage) ? '/spec/stateStorage' : '/spec/hostpathPrefix',
    `PV(s) ${listed} are pre-bound to state claims of AIStore ${namespace}/${crName}, which keeps its targets' state ${stateHome(cr)}: its targets mount no state claim while it does (${NO_STATE_TEMPLATE}), so the targets' state is not on them.`,
    `Delete those PVs (a claim of those names kept from an earlier life of the CR first), or give the CR spec.stateStorage.pvc before it is created if its state is meant to be on them (a state claim asks for at least ${STATE_CLAIM_SIZE} of the state class).`,
  );
}

/** A data or state PV's rule input, as far as its node is judged. */
type VolumeNodeInput = Pick<RuleInput, 'layout' | 'ctx' | 'report'> & {
  subject: { crName: string; object: PersistentVolume; ordinal?: number | undefined };
};

/** A data or state PV's rule input, as far as the targets beside it are judged. */
type TargetPVInput = Pick<RuleInput, 'layout' | 'ctx' | 'report'> & {
  subject: RuleInput<'target-volume'>['subject'] | RuleInput<'state-volume'>['subject'];
};

/** Its node: one the targets may use, and one the cluster has. */
function checkVolumeNode({ subject, layout, ctx, report }: VolumeNodeInput, host: string | undefined): void {
  const { crName } = subject;
  const self = nameOf(subject.object);
  // With no CR or StatefulSet yet (PVs are made first), nothing says the targets will not tolerate
  // a dedicated node's taint.
  const excluded =
    host &&
    layout.view.placementKnown &&
    placementExcludes(layout.view.placement, host, ctx.nodeOfHost(host));
  if (host && excluded) {
    const target = subject.ordinal === undefined ? 'its target' : `${crName}-target-${subject.ordinal}`;
    report.deny(
      '/spec/nodeAffinity',
      `PV ${self} is on node ${host}, where the targets of ${crName} cannot run (${excluded}): ${target} would stay Pending ("node(s) didn't match PersistentVolume's node affinity").`,
      "Put the PV on a node the targets may use, or change the targets' placement.",
    );
  } else if (host && ctx.hostMissing(host)) {
    // A Node of that name labelled another hostname (--hostname-override; FQDN node names): the PV's
    // affinity matches labels, not names, so no node takes it (outside review op53).
    const named = ctx.node(host);
    const label = named && labelsOf(named)[HOSTNAME_KEY];
    if (label !== undefined && pinnedHostnames(requiredTermsOf(subject.object)).includes(host))
      return report.warn(
        '/spec/nodeAffinity',
        `PV ${self} asks for ${HOSTNAME_KEY}=${host}, but Node ${host} is labelled ${HOSTNAME_KEY}=${asText(label)}: node affinity matches labels, not names, so no node takes the PV, and the target whose claim binds it stays Pending.`,
        `Pin the PV by the Node's ${HOSTNAME_KEY} label (${asText(label)}).`,
      );
    // A node replaced: a PV made or freed for it binds the claim (volumeName is then fixed) and the
    // pod waits for a node that does not come back. A node yet to join is the benign case: warned.
    report.warn(
      '/spec/nodeAffinity',
      `PV ${self} is on node ${host}, which is not among the cluster's Nodes: the target whose claim binds it waits for that node.`,
      `Put the PV on a live node, or delete it if node ${host} is gone for good.`,
    );
  }
}

/**
 * A pathless PV pinned to a node (a node-local CSI volume) outside a multi-target layout, which
 * checkVolumeClashes does not see: on its own target's other PVs' node, as the pod needs every claim
 * there (the scheduler's VolumeBinding filter, CheckNodeAffinity for each bound PV). Denied as the
 * local PV beside it is when reviewed second. A PV on a node the cluster no longer has is one this
 * one replaces, not a rival (as checkVolumeClashes takes it); one being deleted holds no pod.
 */
function checkTargetOnOneNode(input: RuleInput<'target-volume'>, host: string): void {
  const { subject, ctx, report } = input;
  const { namespace, crName, cr } = subject;
  const live = !ctx.hostMissing(host);
  const { near } = targetVolumesNear(
    ctx,
    namespace,
    crName,
    { reviewed: subject.object, cr },
    { ordinal: subject.ordinal },
  );
  const other = near.find(
    (v) =>
      v.ordinal === subject.ordinal && // as every PV near is: kept for the reader, and for a wider spot
      v.host !== undefined &&
      v.host !== host &&
      !isBeingDeleted(v.pv) &&
      !(live && ctx.pvMissingNode(v.pv) !== undefined),
  );
  if (other) report.deny('/spec/nodeAffinity', ...onTwoNodes(subject, host, other));
}

/** Message and fix for a target whose PVs are on two nodes: the reviewed one on `host`, `other` elsewhere. */
function onTwoNodes(
  subject: TargetPVInput['subject'],
  host: string,
  other: { pv: PersistentVolume; host?: string | undefined; claim?: string | undefined; state?: boolean },
): [string, string] {
  const { namespace, crName, ordinal } = subject;
  const self = nameOf(subject.object);
  return [
    `the disks of ${crName}-target-${ordinal} are on two nodes (${subject.role === 'state-volume' ? `its state PV ${self}` : self} on ${host}, ${other.state ? `its state PV ${nameOf(other.pv)}, claim ${other.claim},` : nameOf(other.pv)} on ${other.host}): the pod cannot run on both.`,
    other.state
      ? `Put this PV on ${other.host}; or, if the target is to move (its node gone for good), delete the state claim ${namespace}/${other.claim} first: the StatefulSet makes a new one where the pod runs.`
      : 'Put all disks of one target on one node.',
  ];
}

/**
 * The other PVs a data or state PV meets: of the same claim, on the same disk, of the same target
 * elsewhere (one node per target: the scheduler's VolumeBinding puts a pod where all its claims'
 * PVs are), and the ones it replaces on a node the cluster no longer has.
 */
function checkVolumeClashes(input: TargetPVInput, host: string | undefined, path: string | undefined): void {
  const { subject, ctx, report } = input;
  const { namespace, crName, cr, claimName } = subject;
  const pv = subject.object;
  const self = nameOf(pv);
  // Each kind of clash is reported for the first few PVs, then counted: thousands of PVs on one
  // disk must not become thousands of findings.
  const clashes = { claim: [] as string[], disk: [] as string[], node: [] as string[] };
  const replaced: string[] = []; // this target's PVs on a node the cluster no longer has
  const stale: string[] = [claimName]; // the claims bound to them, which must be made anew
  // Only PVs of its claim, its target or its node can clash with it (the three kinds below).
  const { near, inSet } = targetVolumesNear(
    ctx,
    namespace,
    crName,
    { reviewed: pv, cr },
    { claim: claimName, ordinal: subject.ordinal, host },
  );
  for (const other of near) {
    const otherName = nameOf(other.pv);
    // A PV being deleted binds no claim made from now on (k8s.ts isBeingDeleted): no rival of this
    // one for its claim's name, nor a node this target is held to. Its disk is still taken.
    const leaving = isBeingDeleted(other.pv);
    // A PV on a node the cluster no longer has (the node replaced): its claim can never move there
    // again, so this PV on a live node is the target's way out, not a rival (review "day2").
    // Its node is missing by its hostname, or its terms admit no Node at all (ctx.pvMissingNode).
    const sameTarget = other.claim === claimName || other.ordinal === subject.ordinal;
    if (sameTarget && host && !ctx.hostMissing(host) && ctx.pvMissingNode(other.pv) !== undefined) {
      if (!replaced.includes(otherName)) replaced.push(otherName);
      if (other.claim && !stale.includes(other.claim)) stale.push(other.claim);
      continue;
    }
    if (other.claim === claimName) {
      if (leaving) continue;
      if (!parkedBeside(ctx, pv, ctx.pv(otherName) ?? other.pv) && clashes.claim.push(otherName) <= LISTED)
        report.deny(
          '/spec/claimRef/name',
          `PVs ${self} and ${otherName} are both pre-bound to claim ${claimName}: the claim binds one and strands the other.`,
          'Keep one PV per (target, mount) claim.',
        );
    } else if (host && other.host === host && path && diskPathOf(other.pv) === path) {
      if (clashes.disk.push(otherName) <= LISTED)
        report.deny(
          pointer('spec', isObject(pv.spec?.local) ? 'local' : 'hostPath', 'path'),
          `PVs ${self} and ${otherName} use the same disk ${host}:${path} for two claims (${claimName}, ${other.claim}).`,
          'Give every target its own disk.',
        );
    } else if (host && other.host && other.host !== host && other.ordinal === subject.ordinal && !leaving) {
      if (clashes.node.push(otherName) <= LISTED)
        report.deny('/spec/nodeAffinity', ...onTwoNodes(subject, host, other));
    }
  }
  if (replaced.length > 0)
    report.warn(
      '/spec/claimRef/name',
      `PV ${self} replaces ${replaced.join(', ')} of ${crName}-target-${subject.ordinal}, on a node that is not among the cluster's Nodes: a live claim stays bound to its PV, so this one is bound only by the claim made next.`,
      `Delete claim${stale.length > 1 ? 's' : ''} ${stale.map((c) => `${namespace}/${c}`).join(', ')} and pod ${crName}-target-${subject.ordinal} once this target's new PVs exist (the StatefulSet controller makes them anew, and the new claims bind the new PVs); delete ${replaced.join(', ')} once their data is not needed.`,
    );
  if (host && path) checkDiskTaken(input, { host, path, inSet, clashes });
  if (host && path) checkHostPathDirs(input, host, path);
  const more = Object.values(clashes).reduce((n, list) => n + Math.max(0, list.length - LISTED), 0);
  if (more > 0)
    report.deny(
      '/spec',
      `PV ${self} clashes with ${more} more PV(s) in the ways above (not listed one by one).`,
      'Give every (target, mount) its own PV and disk, all disks of a target on one node.',
    );
  warnKeptApart(input, host, otherTargetsOn(input, host));
}

/** Other targets with a PV on this node: ordinal -> one of those PVs (the first by name). */
function otherTargetsOn(
  { subject, ctx, layout }: TargetPVInput,
  host: string | undefined,
): Map<number, string> {
  const beside = new Map<number, string>();
  if (host === undefined) return beside;
  const { namespace, crName, cr } = subject;
  const { near } = targetVolumesNear(ctx, namespace, crName, { reviewed: subject.object, cr }, { host });
  for (const { pv, host: at, ordinal } of near) {
    // A target past the size (its disks kept by a scale-down) shares no node with anyone. (Every PV
    // near is on this host: `at === host` is kept for the reader.)
    const runs = layout.view.size === undefined || ordinal < layout.view.size;
    if (at === host && runs && ordinal !== subject.ordinal && !beside.has(ordinal))
      beside.set(ordinal, nameOf(pv));
  }
  return beside;
}

/**
 * Any other PV object on this very disk, whoever's: two PVs for one disk let two claims write it.
 * Bound or free (a disk the local static provisioner published, or a spare made by hand: the
 * scheduler may bind it to any claim of its class), it is refused. Held by its deleted claim's uid,
 * it is the one to free instead, and pre-bound to a claim this CR's templates no longer make (a
 * mount renamed), the one to delete once this one stands: both warned of.
 */
function checkDiskTaken(
  { subject, ctx, report }: TargetPVInput,
  {
    host,
    path,
    inSet,
    clashes,
  }: {
    host: string;
    path: string;
    /** The reviewed PV and the CR's target PVs: those on this disk were judged by checkVolumeClashes. */
    inSet: (name: string) => boolean;
    clashes: { disk: string[] };
  },
): void {
  const self = subject.object;
  const at = pointer('spec', isObject(self.spec?.local) ? 'local' : 'hostPath', 'path');
  // Any PV on this very disk, whoever's; and a PV of no target on a path holding this one or inside
  // it (a published mount point holding this directory, say), on this node among others: the
  // mirror of recognise.ts spareOnTargetDisk.
  const onDisk = (other: PersistentVolume) => {
    const otherPath = diskPathOf(other);
    if (otherPath === undefined || !pathsNest(otherPath, path)) return false;
    return (otherPath === path && ctx.pvHost(other) === host) || isOfNoTarget(other, ctx);
  };
  // A PV being deleted still takes its disk: it lingers only while its claim is bound to it. Held
  // by a deleted claim's uid as well, it is gone in a moment: nothing to free.
  const others = ctx
    .pvsOnHost(host)
    .filter((other) => !inSet(nameOf(other)) && onDisk(other))
    .map((other) => ctx.pv(nameOf(other)) ?? other) // its binding state as last seen
    .filter((other) => !(claimGone(other) && isBeingDeleted(other)))
    .sort(byName);
  const disk = `${host}:${path}`;
  const held = others.find((other) => claimGone(other) && diskPathOf(other) === path);
  if (held) report.warn(at, ...heldDisk(ctx, held, subject, disk));
  let heldNested = false;
  for (const other of others) {
    if (diskPathOf(other) !== path) {
      // Nothing of it is this target's to take over: the fixes below would hand its directory,
      // not the disk, to the target. Held by a deleted claim's uid it binds nothing yet: warned
      // of once, as `held` is.
      if (claimGone(other)) {
        if (!heldNested) report.warn(at, ...nestedDisk(other, self, host, path));
        heldNested = true;
      } else if (clashes.disk.push(nameOf(other)) <= LISTED)
        report.deny(at, ...nestedDisk(other, self, host, path));
      continue;
    }
    if (claimGone(other)) continue;
    const ref = claimRefOf(other);
    if (ref && isDroppedClaim(ctx, subject, ref)) {
      report.warn(
        at,
        `PV ${nameOf(other)}, pre-bound to claim ${ref.name} that no claim template of AIStore ${subject.crName} makes now, is on the same disk ${disk}: should a claim of that name be made again, both PVs would be written.`,
        `Delete PV ${nameOf(other)} once ${nameOf(self)} stands for the disk.`,
      );
      continue;
    }
    if (clashes.disk.push(nameOf(other)) > LISTED) continue;
    const owner = ref && ownerOf(ctx, ref, subject);
    if (ref)
      report.deny(
        at,
        `PVs ${nameOf(self)} and ${nameOf(other)} use the same disk ${disk} for two claims (${subject.claimName}, ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${owner ? `, of ${owner}` : ''}).`,
        owner
          ? `Give every target its own disk: this PV another one (PV ${nameOf(other)} is the disk of ${owner}).`
          : `Give every target its own disk, or delete PV ${nameOf(other)} if it is no longer meant for claim ${ref.name}.`,
      );
    else report.deny(at, ...freeDisk(liveBound(ctx, self), other, self, subject, disk));
  }
}

/**
 * A CR's useHostPath mount writes <path>/<namespace>/<cr>/target on every node its targets run on
 * (operator target/volumes.go appendHostPathDataVolumes): a PV whose disk path holds that directory,
 * or lies inside it, on such a node puts two targets on one filesystem, as two PVs nesting do
 * (checkDiskTaken). Work: the cluster's CRs with such a mount, a handful.
 */
function checkHostPathDirs({ subject, ctx, report }: TargetPVInput, host: string, path: string): void {
  const self = subject.object;
  const crs = ctx.aistoresWritingHostPaths();
  const node = crs.length > 0 ? ctx.nodeOfHost(host) : undefined;
  for (const cr of crs) {
    // Its directory names its namespace; without one (a manifest for `kubectl apply -n`) it is unknown.
    if (!namespaceOf(cr)) continue;
    const placement = placementOf(cr.spec?.targetSpec);
    // With the Node unknown, a placement by labels may well keep the CR off it: not judged.
    if (!node && (Object.keys(placement.nodeSelector).length > 0 || placement.requiredTerms)) continue;
    if (placementExcludes(placement, host, node)) continue;
    for (const mount of mountsOf(cr)) {
      if (!mount.useHostPath) continue;
      const dir = normalDiskPath(`${mount.path}/${namespaceOf(cr)}/${nameOf(cr)}/target`);
      if (!pathsNest(dir, path)) continue;
      report.deny(
        pointer('spec', isObject(self.spec?.local) ? 'local' : 'hostPath', 'path'),
        `PV ${nameOf(self)} is on ${diskPlace(host, path, dir)}, the directory that useHostPath mount ${mount.path} of AIStore ${nameOf(cr)} (namespace ${namespaceOf(cr)}) writes on every node its targets run on: two targets would share one filesystem.`,
        `Give this PV a disk that AIStore ${nameOf(cr)}'s mounts do not use, or keep ${nameOf(cr)}'s targets off node ${host} (its nodeSelector).`,
      );
      return;
    }
  }
}

/** "AIStore <cr> (<ns>/<cr>-target-<N>)" when another CR than `self` makes the claim now. */
function ownerOf(
  ctx: ClusterContext,
  ref: { namespace?: string; name: string },
  self: { namespace: string; crName: string },
): string | undefined {
  const owner = ref.namespace ? claimOwners(ctx, ref.namespace, ref.name)[0] : undefined;
  if (!owner || (owner.crName === self.crName && ref.namespace === self.namespace)) return undefined;
  return `AIStore ${owner.crName} (${ref.namespace}/${owner.crName}-target-${owner.ordinal})`;
}

/**
 * A claim of this CR's shape (its name, not only its suffix: CR test-ais's claims end in
 * -ais-target-N too) that none of its templates makes now and no other CR in the namespace makes.
 */
function isDroppedClaim(
  ctx: ClusterContext,
  { namespace, crName, cr }: { namespace: string; crName: string; cr?: AIStoreCR | undefined },
  ref: { namespace?: string; name: string },
): boolean {
  // Another CR's state claim (<ns>-<cr>-state-<cr>-target-N) may end in this CR's -target-N too.
  if (!cr || ref.namespace !== namespace || isSomeStateClaim(namespace, ref.name)) return false;
  if (!hasClaimShape(crName, ref.name) || mountOfClaim(crName, cr, ref.name)) return false;
  return !madeByAnotherCR(ctx, namespace, crName)(ref.name);
}

/** Whether one of the namespace's other CRs makes the claim now (a data or state claim template). */
function madeByAnotherCR(ctx: ClusterContext, namespace: string, crName: string): (claim: string) => boolean {
  const others = ctx.aistoresIn(namespace).filter((cr) => nameOf(cr) !== crName);
  return (claim) =>
    others.some((cr) => isClaimTemplateOf(cr, splitClaimName(nameOf(cr), claim)?.template ?? ''));
}

/** Message and fix for a PV of no target on a path holding the reviewed PV's disk, or inside it. */
function nestedDisk(
  other: PersistentVolume,
  self: PersistentVolume,
  host: string,
  path: string,
): [string, string] {
  const ref = claimRefOf(other);
  const held = claimGone(other);
  const whose = ref
    ? `${held ? 'held by the uid of its deleted claim' : 'pre-bound to claim'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`
    : 'free for any claim of its class';
  return [
    `PV ${nameOf(other)}, ${whose}, is on ${diskPlace(host, diskPathOf(other) ?? '', path)}: ${held ? 'freed, its claim' : ref ? 'its claim' : 'whatever claim binds it'} would write the disk of ${nameOf(self)}.`,
    isDiscoveredDisk(other)
      ? `${keepOutOfDiscovery(diskPathOf(other) ?? '')}, then delete PV ${nameOf(other)}${held ? ' once its data is not needed' : ''}.`
      : `Put this disk where no other PV's path holds it or lies inside it, or delete PV ${nameOf(other)} if it is no longer needed.`,
  ];
}

/** Message and fix for a Released PV on the reviewed PV's disk. */
function heldDisk(
  ctx: ClusterContext,
  held: PersistentVolume,
  {
    object,
    namespace,
    claimName,
    crName,
  }: { object: PersistentVolume; namespace: string; claimName: string; crName: string },
  disk: string,
): [string, string] {
  const self = nameOf(object);
  const ref = claimRefOf(held);
  const message = `PV ${nameOf(held)}, held by the uid of its deleted claim ${ref?.name ?? ''}, is on the same disk ${disk}: freed, it and ${self} would be two PVs for one disk.`;
  // Its claim is one another live CR makes again (re-created on Retain disks): the disk, and its
  // data, are that CR's target's, waiting to be freed for it.
  const owner = ref && ownerOf(ctx, ref, { namespace, crName });
  if (owner)
    return [
      `${message} It keeps the data of ${owner}, whose claim ${ref.name} is made again.`,
      `Give this PV another disk; free PV ${nameOf(held)} for ${owner} (${removeUidCommand(nameOf(held))}), or delete it once its data is not needed.`,
    ];
  // Its provisioner wipes such a disk and publishes it anew: freed now, a disk being wiped binds.
  if (isDiscoveredDisk(held) && held.spec?.persistentVolumeReclaimPolicy === 'Delete')
    return [
      message,
      `The local static provisioner is cleaning this disk (reclaim Delete) and will publish it as a new PV: pre-bind that one to the claim instead of making ${self}.`,
    ];
  // Freed, it is pre-bound to its old claim again: this disk's PV for this claim only if that is this one.
  if (ref?.namespace === namespace && ref.name === claimName)
    return [
      message,
      `Free PV ${nameOf(held)} instead of making a new one (${removeUidCommand(nameOf(held))}), or delete it first.`,
    ];
  const command = patchPvCommand(nameOf(held), {
    spec: { claimRef: { namespace, name: claimName, uid: null, resourceVersion: null } },
  });
  return [
    message,
    `Point PV ${nameOf(held)} at claim ${namespace}/${claimName} instead of making a new one (${command}), or delete it first.`,
  ];
}

/**
 * The other PV is parked on the claim this Bound PV holds (liveBound): on the same disk, pre-bound
 * to it by name (no uid, so not Bound: binding sets the uid) and not to be wiped (Retain), it binds no other claim
 * (pv_controller.go syncVolume leaves a PV pre-bound by a user to a claim bound elsewhere as it is),
 * and its provisioner does not publish the disk again. How a disk published beside a live target PV
 * is kept from other claims (freeDisk's fix).
 */
function parkedBeside(ctx: ClusterContext, self: PersistentVolume, other: PersistentVolume): boolean {
  const host = ctx.pvHost(self);
  const path = diskPathOf(self);
  const reclaim = other.spec?.persistentVolumeReclaimPolicy;
  return (
    liveBound(ctx, self) &&
    claimRefOf(other)?.uid === undefined &&
    // The same disk: a PV elsewhere would bind the claim's next life to another disk.
    host !== undefined &&
    path !== undefined &&
    ctx.pvHost(other) === host &&
    diskPathOf(other) === path &&
    // Kept when that next life ends: Delete or Recycle would wipe the disk the live PV keeps.
    reclaim !== 'Delete' &&
    reclaim !== 'Recycle'
  );
}

/**
 * A PV Bound to its claim: by its own phase and claimRef uid (a whole object: the webhook's review,
 * `check`), or by the context's Bound claim holding it (audit, whose PVs are reduced as the
 * webhook caches them: server/reduce.ts keeps neither of a Bound PV).
 */
function liveBound(ctx: ClusterContext, pv: PersistentVolume): boolean {
  const ref = claimRefOf(pv);
  if (ref === undefined) return false;
  if (phaseOf(pv) === 'Bound' && ref.uid !== undefined) return true;
  return ctx.claimHolds(ref.namespace, ref.name) === nameOf(pv);
}

/**
 * A PV some claim object holds: its claimRef's uid names one (set by binding), or a Bound claim of
 * the context holds it (audit lists PVs reduced, without the uid: liveBound).
 */
const heldByClaim = (ctx: ClusterContext, pv: PersistentVolume) =>
  claimRefOf(pv)?.uid !== undefined || liveBound(ctx, pv);

/** Message and fix for a free PV (no claimRef) on the reviewed PV's disk. */
function freeDisk(
  live: boolean,
  other: PersistentVolume,
  self: PersistentVolume,
  { namespace, claimName }: { namespace: string; claimName: string },
  disk: string,
): [string, string] {
  const published = isDiscoveredDisk(other);
  const message = `PV ${nameOf(other)}${published ? ', published by the local static provisioner,' : ''} is already on the disk ${disk}, free for any claim of its class: the scheduler may bind it to another claim, and two targets would write one disk.`;
  // Pre-bound to this claim the free PV binds no other; Retain keeps the data when the claim goes
  // (the local static provisioner wipes a disk whose PV says Delete).
  const command = patchPvCommand(nameOf(other), {
    spec: { persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace, name: claimName } },
  });
  // A live PV holds the disk (audit): the disk stays mounted where that PV reads it, and the free PV
  // is parked on the claim it holds (parkedBeside); deleted, a published one would come back.
  if (live)
    return [
      message,
      published
        ? `Leave the disk where it is mounted (${nameOf(self)} reads it there) and park PV ${nameOf(other)} on claim ${namespace}/${claimName}, which ${nameOf(self)} holds: no other claim binds it then (${command}).`
        : `Delete PV ${nameOf(other)}: ${nameOf(self)} holds the disk.`,
    ];
  return [
    message,
    `Pre-bind PV ${nameOf(other)} to claim ${namespace}/${claimName} instead of making a second PV for its disk (${command}).`,
  ];
}

/** Where `otherPath` is, said beside `path` (the disk under review) on `host`. */
function diskPlace(host: string, otherPath: string, path: string): string {
  if (otherPath === path) return `${host}:${path}`;
  return `${host}:${otherPath} (${isInside(path, otherPath) ? 'which holds' : 'inside'} ${path})`;
}

/**
 * A PV that is no target's on a target PV's disk (recognise.ts spareOnTargetDisk), made after it: the
 * other side of checkDiskTaken, which judges a target PV made after such a PV. Free, any claim of
 * its class may bind it; pre-bound, its claim writes the target's disk. A disk the local static
 * provisioner publishes is the common case: it publishes every entry of its discovery directory,
 * whoever uses the disk, and wipes it when its PV is released with reclaim Delete. Beside a
 * Released target PV it is refused too: the target's kept data is on that disk.
 */
function checkSpare({ subject, report }: RuleInput<'spare-volume'>): void {
  const { object, holder, host, namespace, claimName, crName, ordinal } = subject;
  const self = nameOf(object);
  const path = diskPathOf(object) ?? '';
  const holderPath = diskPathOf(holder) ?? '';
  const at = pointer('spec', isObject(object.spec?.local) ? 'local' : 'hostPath', 'path');
  const published = isDiscoveredDisk(object);
  const ref = claimRefOf(object);
  const target = ordinal === undefined ? `a target of ${crName}` : `${crName}-target-${ordinal}`;
  const kept = claimGone(holder);
  const holderName = nameOf(holder);
  const what = published
    ? `PV ${self}, published by the local static provisioner,`
    : ref
      ? `PV ${self}, pre-bound to claim ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name},`
      : `PV ${self}`;
  const whose = kept
    ? `PV ${holderName} keeps for the deleted claim ${namespace}/${claimName} (${target}; Released)`
    : `PV ${holderName} stands for (claim ${namespace}/${claimName}, ${target})`;
  const place = diskPlace(host, path, holderPath);
  // Held by its deleted claim's uid it binds nothing until freed: warned of, as checkDiskTaken warns
  // of such a PV beside a new target PV.
  if (ref && claimGone(object)) {
    report.warn(
      at,
      `PV ${self}, held by the uid of its deleted claim ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}, is on ${place}, the disk ${whose}: freed, it would be bound again and write ${kept ? 'the kept data' : "the target's disk"}.`,
      `Delete PV ${self} once its data is not needed; do not free it while PV ${holderName} stands for the disk.`,
    );
    return;
  }
  const harm = ref
    ? 'two claims would write one disk.'
    : `free for any claim of its class, it may be bound to another claim, which would write ${kept ? 'the kept data' : "the target's disk"}${published ? ' and, when released, have the provisioner wipe it' : ''}.`;
  const fixes = [
    published
      ? `${keepOutOfDiscovery(path)}, then delete PV ${self} if it stands (the provisioner removes only Released PVs it published); until then the provisioner retries on each pass and is refused.`
      : `Do not make a second PV for this disk: give ${ref ? 'its claim a disk of its own' : 'other claims disks of their own'}.`,
    kept
      ? `Free PV ${holderName} for the target to get its data back (${removeUidCommand(holderName)}), or delete PV ${holderName} once its data is not needed (this PV is admitted then).`
      : `If PV ${holderName} is no longer meant for claim ${claimName}, delete it instead (this PV is admitted then).`,
  ];
  report.deny(at, `${what} is on ${place}, the disk ${whose}: ${harm}`, fixes.join(' '));
}

/**
 * A PV that puts its target on the node of another target's disk, while the targets it is for keep
 * required hostname anti-affinity (a CR created with it on, before any PV said "multi-target", is
 * not changed later: the operator refuses a targetSpec update, validateTargetUpdate). The scheduler
 * then never places one of the two ("node(s) didn't match pod anti-affinity rules"). A warning: the
 * PV is right for the layout the user meant; the CR is what must change.
 */
function warnKeptApart(
  { subject, layout, report }: TargetPVInput,
  host: string | undefined,
  beside: ReadonlyMap<number, string>,
): void {
  const { crName, ordinal, cr } = subject;
  if (!host || ordinal === undefined || beside.size === 0) return;
  const listed = [...beside].slice(0, LISTED).map(([n, pv]) => `${crName}-target-${n} (PV ${pv})`);
  const more = beside.size > LISTED ? ` and ${beside.size - LISTED} more` : '';
  // A host port (or the host network) fixed at creation keeps one target per node whatever the
  // anti-affinity: the scheduler never starts the second one there, and the guard refuses its pod
  // (target-host-port): this PV is what would put it there (review "day2"). With anti-affinity on as
  // well, the warning below says the same of the anti-affinity.
  if (cr && hostPortsKeepTargetsApart(cr) && layout.view.antiAffinityOff) {
    const asks = targetsUseHostNetwork(cr)
      ? 'runs on the host network'
      : `asks for host port ${asText(cr.spec?.targetSpec?.hostPort)}`;
    report.deny(
      '/spec/nodeAffinity',
      `PV ${nameOf(subject.object)} puts ${crName}-target-${ordinal} on node ${host} beside ${listed.join(', ')}${more}, but every target of ${crName} ${asks}: the second one on a node stays Pending ("${PENDING_PORTS}").`,
      `Put the PV on a node with no other target's disk: ${crName} keeps one target per node until a new AIStore CR drops the host port (the operator refuses that change on an update).`,
    );
    return;
  }
  if (!layout.view.placementKnown || layout.view.antiAffinityOff) return;
  const from = layout.view.antiAffinityFrom;
  const why =
    from === 'template'
      ? 'in their pod template'
      : from === 'own-term'
        ? "spec.targetSpec.affinity's own required hostname term"
        : 'spec.targetSpec.disablePodAntiAffinity is not true';
  // The operator keeps the user's own term even with disablePodAntiAffinity: it must go too.
  const change =
    from === 'own-term'
      ? 'without the required hostname term in spec.targetSpec.affinity.podAntiAffinity, and with spec.targetSpec.disablePodAntiAffinity: true'
      : 'with spec.targetSpec.disablePodAntiAffinity: true';
  report.warn(
    '/spec/nodeAffinity',
    `PV ${nameOf(subject.object)} puts ${crName}-target-${ordinal} on node ${host} beside ${listed.join(', ')}${more}, but the targets of ${crName} keep a required hostname anti-affinity (${why}): all but one of them stay Pending ("node(s) didn't match pod anti-affinity rules").`,
    `Put the PV on a node with no other target's disk, or recreate AIStore ${crName} ${change} (the operator refuses that change on an update).`,
  );
}

/**
 * The most (target, mount) claims the coverage check names one by one. Beyond it (a CR with
 * thousands of mounts and targets is junk or hostile: 10,000 x 4,000 took 38 s) it says so once,
 * keeping every review's work bounded by the input's size.
 */
export const COVERAGE_BUDGET = 50_000;

/** How a CR's finding says its targets cannot run where their PVs are (evaluate.ts ratchet reads it). */
export const UNPLACEABLE = 'the targets cannot run on node';

/**
 * How many targets the operator runs through this CR's update, undefined when it follows the nodes.
 * A rollout applies its template before it scales (target_controllers.go handleTargetState): a
 * scale-down in the same update re-creates the targets it removes first. A restart after a shutdown
 * rolls nothing out: the StatefulSet is at 0 and is scaled straight to the new size.
 */
function runningTargets({ subject, layout, operation, oldObject }: RuleInput<'aistore'>): number | undefined {
  const size = layout.view.size;
  if (size === undefined || operation !== 'UPDATE' || !isObject(oldObject)) return size;
  const stored = oldObject as AIStoreCR;
  if (shutsDown(stored) || !recreatesTargets(stored, subject.object)) return size;
  const before = fixedTargetSize(stored);
  return before === undefined ? undefined : Math.max(size, before);
}

/** On the CR: the nodes its target PVs are on must be nodes its targets may use. */
function checkPlacement(input: RuleInput<'aistore'>): void {
  const { subject, layout, ctx, report } = input;
  const byHost = new Map<string, TargetVolume[]>();
  const size = runningTargets(input);
  for (const volume of targetVolumes(ctx, subject.namespace, subject.crName, { cr: subject.object })) {
    if (!volume.host) continue;
    // A target past the size (its PVs kept by a scale-down) runs nowhere: its disks' node is no
    // target's to be admitted on until a scale-out brings it back, and that update is judged then.
    if (size !== undefined && volume.ordinal >= size) continue;
    const on = byHost.get(volume.host);
    if (on) on.push(volume);
    else byHost.set(volume.host, [volume]);
  }
  let reported = 0;
  for (const [host, volumes] of byHost) {
    const excluded = placementExcludes(layout.view.placement, host, ctx.nodeOfHost(host));
    if (!excluded) continue;
    if (++reported > LISTED) break;
    const names = volumes.map((v) => nameOf(v.pv));
    const listed = listedNames(names);
    // State claims kept from an earlier life of the CR (the operator's cleanup keeps claims unless
    // cleanupMetadata is set): a provisioner's local PV cannot move, but its claim can be made anew.
    const state = volumes.filter((v) => v.state).map((v) => v.claim);
    const stateFix = state.length
      ? ` The state claims there (${state.slice(0, LISTED).join(', ')}${state.length > LISTED ? ', …' : ''}) were kept from an earlier life: delete them, and the StatefulSet makes new ones where the targets run.`
      : '';
    report.deny(
      '/spec/targetSpec',
      `${UNPLACEABLE} ${host} (${excluded}), yet their PV(s) ${listed} are there: those targets would stay Pending ("node(s) didn't match PersistentVolume's node affinity").`,
      `Let the targets use the nodes of their disks (nodeSelector, required node affinity, tolerations), or move the PVs.${stateFix}`,
    );
  }
}

/**
 * PVs pre-bound to claims shaped as this CR's (<cr>-…-<cr>-target-N) that none of its claim
 * templates makes, nor another CR's in the namespace: a mount path misspelt in the PVs, or PVs of a
 * mount the re-created CR no longer has. No target ever claims them. Not those of a template the
 * target StatefulSet still has (a mount removed from a live CR: the set's templates never change,
 * its targets keep those claims, and a PV re-pointed away from its bound claim leaves it Lost).
 */
function warnStrays({ subject, ctx, report }: RuleInput<'aistore'>, known: readonly TargetVolume[]): void {
  const { crName, namespace } = subject;
  const mine = new Set(known.map((v) => v.pv));
  const ofOther = madeByAnotherCR(ctx, namespace, crName);
  // A state PV is the StatefulSet's while it has the state template, whatever the CR says now.
  const strays = targetVolumes(ctx, namespace, crName).filter(
    (v) =>
      !v.state && !mine.has(v.pv) && !ofOther(v.claim) && !cachedSetClaims(ctx, namespace, crName, v.claim),
  );
  if (strays.length === 0) return;
  const listed = strays.slice(0, LISTED).map((v) => `${nameOf(v.pv)} (claim ${v.claim})`);
  const more = strays.length > LISTED ? ` and ${strays.length - LISTED} more` : '';
  const templates = claimTemplateNames(subject.object);
  report.warn(
    '/spec/targetSpec/mounts',
    `PV(s) ${listed.join(', ')}${more} are pre-bound to claims no claim template of AIStore ${crName} makes (${templates.length ? templates.join(', ') : 'it has none'}): no target ever claims them.`,
    'Point each at a claim of a mount the CR has (spec.claimRef.name: <template>-<cr>-target-<N>), or delete it once its data is not needed.',
  );
}

/**
 * On the CR's CREATE: the hand-made PVs already pre-bound to its target claims, against the mounts
 * those claims are made from. PVs are made before the CR (README), and judged then with no mount to
 * compare (checkVolumeShape): the class and size they could not be judged on are judged here, as
 * `check` judges them with the CR at hand. A claimRef binds a PV of another class regardless
 * (component-helpers storage/volume/pv_helpers.go FindMatchingVolume checks a pre-bound PV's size
 * and modes, not its class), and a PV too small leaves the target's claim Pending.
 */
function checkMountFit({ subject, operation, ctx, report }: RuleInput<'aistore'>): void {
  if (operation !== 'CREATE') return;
  const { crName, namespace } = subject;
  const misfits: { pv: string; misfit: MountMisfit }[] = [];
  for (const v of targetVolumes(ctx, namespace, crName, { cr: subject.object })) {
    if (!canServeClaim(v.pv)) continue;
    const ask = claimAsk(namespace, crName, subject.object, v.claim);
    for (const misfit of mountMisfits(v.pv, ask)) misfits.push({ pv: nameOf(v.pv), misfit });
  }
  for (const { pv, misfit } of misfits.slice(0, LISTED))
    report.deny(
      '/spec/targetSpec/mounts',
      `PV ${pv}, pre-bound to a target claim of AIStore ${crName}, ${misfit.what}.`,
      `${misfit.fix.replace(/\.$/, '')} on PV ${pv}.`,
    );
  if (misfits.length > LISTED)
    report.deny(
      '/spec/targetSpec/mounts',
      `${misfits.length - LISTED} more PV misfit(s) of AIStore ${crName}'s mounts (not listed one by one).`,
      "Give every target PV the mount's storageClassName and at least its size.",
    );
}

/** On the CR: in a multi-target layout with some PVs known, every (ordinal, mount) needs one. */
function checkCoverage(input: RuleInput<'aistore'>): void {
  const { subject, layout, ctx, report } = input;
  if (!layout.multiTarget) return;
  const { crName, namespace } = subject;
  const size = layout.view.size;
  // Data disks only: a state PV (a provisioner's, most often) says nothing of how data PVs are made.
  const isData = (v: TargetVolume) => !v.state;
  const data = targetVolumes(ctx, namespace, crName, { cr: subject.object }).filter(isData);
  const gone = targetVolumes(ctx, namespace, crName, { gone: true, cr: subject.object }).filter(isData);
  warnStrays(input, data);
  // A mount whose claims a provisioner serves (its PVs, bound or Released, made for their claims)
  // gets new PVs for new claims: none is missing there. One PV bound now by hand says the mount is
  // served by hand, whatever stale Released PVs of another class it has. A Released PV made for its
  // claim is never freed, whatever the mount.
  const dynamic = new Set([...data, ...gone].filter((v) => isMadeForItsClaim(v.pv)).map((v) => v.template));
  for (const v of data) if (!isMadeForItsClaim(v.pv)) dynamic.delete(v.template);
  const known = data.filter((v) => !dynamic.has(v.template));
  // A claim deleted by a scale-in (whenScaled: Delete), a shutdown or a cleanup leaves its PV
  // Released, held by the old uid: that PV is the one to free, not another to make for its disk.
  // Only those on a node the targets may use: freeing one elsewhere (a CR moved to another pool)
  // would pin its target where it cannot run.
  // Nor on a node that is gone (replaced): freed, it would fix the new claim to a disk no pod reaches.
  const { placement, placementKnown } = layout.view;
  const held = new Map<string, string>();
  const stranded: string[] = [];
  // One being deleted is gone in a moment (Released, nothing holds it): nothing to free.
  for (const v of gone.filter((g) => !isMadeForItsClaim(g.pv) && !isBeingDeleted(g.pv))) {
    if (ctx.pvMissingNode(v.pv) !== undefined) stranded.push(nameOf(v.pv));
    else if (!v.host || !placementKnown || !placementExcludes(placement, v.host, ctx.nodeOfHost(v.host)))
      if (!held.has(v.claim)) held.set(v.claim, nameOf(v.pv)); // of several, the first by name
  }
  if (stranded.length > 0) {
    const more = stranded.length > LISTED ? ` and ${stranded.length - LISTED} more` : '';
    report.warn(
      '/spec/targetSpec/mounts',
      `PVs of ${crName}'s deleted claims (${stranded.slice(0, LISTED).join(', ')}${more}) are Released on nodes that are not among the cluster's Nodes: freed, they would bind the targets' new claims to disks no pod can reach.`,
      'Do not free them: make those targets PVs on live nodes, and delete the old PVs once their data is not needed.',
    );
  }
  if (size === undefined) return;
  if (size <= COVERAGE_BUDGET) checkStateCoverage(input, size);
  const mounts = claimMounts(subject.object);
  // No PVs made by hand here: dynamic provisioning, not created yet, or made for another namespace
  // (only when no PV at all is here: claims a provisioner served need none from elsewhere).
  if (known.length === 0 && held.size === 0) {
    if (data.length === 0 && size * mounts.length <= COVERAGE_BUDGET) warnClaimsElsewhere(input, size);
    return;
  }
  if (size * mounts.length > COVERAGE_BUDGET) {
    report.warn(
      '/spec/targetSpec/mounts',
      `${size} targets x ${mounts.length} PVC-backed mounts are too many (target, mount) pairs to check one by one (over ${COVERAGE_BUDGET}); ${known.length} PV(s) are pre-bound to claims of AIStore ${crName}.`,
      `Check that every (target, mount) has a PV with \`ais-guard plan\`, or lower the target count or the number of mounts.`,
    );
    return;
  }
  const claimed = new Set(known.map((v) => v.claim));
  for (const mount of mounts) {
    if (dynamic.has(templateName(crName, mount.path))) continue;
    // The local static provisioner's disks of the mount's class (and, with a selector, its labels:
    // Mount.BuildPVC copies it into every claim) go to its claims as the scheduler places them: none
    // is missing, though one a deleted claim still holds is to free.
    const discovered = ctx.hasFreeDiscoveredDisk(mount.storageClass, mount.selector);
    const missing: number[] = [];
    const freeable: string[] = [];
    for (let ordinal = 0; ordinal < size; ordinal++) {
      const claim = dataClaimName(crName, mount.path, ordinal);
      if (claimed.has(claim)) continue;
      const pv = held.get(claim);
      if (pv !== undefined) freeable.push(pv);
      else if (!discovered) missing.push(ordinal);
    }
    if (freeable.length > 0) {
      report.warn(
        pointer('spec', 'targetSpec', 'mounts', mount.index),
        `the PVs for mount ${mount.path} of ${freeable.length} target(s) (${listedNames(freeable)}) are held by the uid of a deleted claim (Released): the targets' new claims stay Pending until each is freed.`,
        `Free each, do not make another PV for its disk: ${removeUidCommand(freeable[0] as string)}`,
      );
    }
    if (missing.length === 0) continue;
    const targets = listedNames(missing.map((n) => `${crName}-target-${n}`));
    report.warn(
      pointer('spec', 'targetSpec', 'mounts', mount.index),
      `${targets} ha${missing.length === 1 ? 's' : 've'} no PV for mount ${mount.path} (no PV with claimRef ${namespace}/${dataClaimName(crName, mount.path, missing[0] as number)}${missing.length > 1 ? ', …' : ''}); without one a target stays Pending unless a provisioner makes it.`,
      `Create one PV per missing claim, on the node that holds its disk (claimRef ${namespace}/${templateName(crName, mount.path)}-${crName}-target-<N>).`,
    );
  }
}

/**
 * On the CR whose targets mount a state claim served by hand-made PVs: the targets below `size`
 * whose state claim has none. The StatefulSet claims <ns>-<cr>-state-<cr>-target-N for every target
 * beside its data claims (target/volumes.go newTargetPVCs, cmn/res.go DefineStatePVC), and keeps
 * doing so after the CR moves its state off claims (target-volumes.ts stateClaimMounted), so a scale-out's
 * new target stays Pending without its state PV, whatever its data PVs. Hand-made: a state PV a
 * provisioner made for its claim says the class has one (none is missing then), and so do free disks
 * of the class the local static provisioner published. A Released state PV is never offered to free
 * (target-volumes.ts TargetVolume.state): its claim counts as missing a PV.
 */
function checkStateCoverage({ subject, ctx, report }: RuleInput<'aistore'>, size: number): void {
  const { crName, namespace, object } = subject;
  const state = targetVolumes(ctx, namespace, crName, { cr: object }).filter((v) => v.state);
  // Hand-made state PVs only: one a provisioner made for its claim means the class has one.
  if (state.length === 0 || state.some((v) => isMadeForItsClaim(v.pv))) return;
  const storageClass = stateTemplateClass(ctx, namespace, crName) ?? stateClaimClass(object);
  if (ctx.hasFreeDiscoveredDisk(storageClass)) return;
  const claimed = new Set(state.map((v) => v.claim));
  const missing: number[] = [];
  for (let ordinal = 0; ordinal < size; ordinal++)
    if (!claimed.has(stateClaimName(namespace, crName, ordinal))) missing.push(ordinal);
  const [first] = missing;
  if (first === undefined) return;
  const targets = listedNames(missing.map((n) => `${crName}-target-${n}`));
  const cls =
    storageClass === undefined
      ? ''
      : storageClass === ''
        ? ' of no storage class (storageClassName "")'
        : ` of class ${storageClass}`;
  report.warn(
    isObject(object.spec?.stateStorage) ? '/spec/stateStorage' : '/spec/stateStorageClass',
    `${targets} ha${missing.length === 1 ? 's' : 've'} no PV for the state claim (no PV with claimRef ${namespace}/${stateClaimName(namespace, crName, first)}${missing.length > 1 ? ', …' : ''}), while the other targets' state is on PVs made by hand: each target also claims ${STATE_CLAIM_SIZE}${cls} for its state, and without a PV for it the target stays Pending unless a provisioner makes one.`,
    `Create one PV per missing state claim (claimRef ${namespace}/${stateTemplateName(namespace, crName)}-${crName}-target-<N>, at least ${STATE_CLAIM_SIZE}), on the node of that target's data PVs.`,
  );
}

/**
 * On the CR, none of whose target claims has a PV in its namespace: hand-made PVs pre-bound to
 * claims of exactly its targets' names in another namespace, where no AIStore of its name is known.
 * The StatefulSet makes the claims in the CR's namespace (target/statefulset.go NewTargetSS), and a
 * PV binds only the claim of its claimRef's namespace and name (component-helpers
 * storage/volume/pv_helpers.go IsVolumeBoundToClaim): the PVs stay Available, the claims get no
 * disk of them. Work: the PVs named for its targets in namespaces with no AIStore of its name (the
 * context keeps those namespaces by CR name), and a set of its (target, mount) claims, within
 * COVERAGE_BUDGET.
 */
function warnClaimsElsewhere({ subject, ctx, report }: RuleInput<'aistore'>, size: number): void {
  const { crName, namespace } = subject;
  // A manifest with no namespace (for `kubectl apply -n`): its claims' namespace is unknown.
  if (namespace === '') return;
  const claims = new Set<string>();
  for (const mount of claimMounts(subject.object))
    for (let ordinal = 0; ordinal < size; ordinal++) claims.add(dataClaimName(crName, mount.path, ordinal));
  const found: { pv: string; namespace: string; claim: string }[] = [];
  // Only namespaces holding PVs named for its targets and no AIStore of its name (a CR of this name
  // there makes the claims its own): other teams' deployments are not walked.
  for (const at of ctx.targetPvNamespacesWithoutCR(crName)) {
    // '' is pv-target-binding's deny on the PV.
    if (at === '' || at === namespace) continue;
    for (const pv of ctx.pvsForTargetsOf(at, crName).sort(byName)) {
      const claim = claimRefOf(pv)?.name;
      if (claim === undefined || !claims.has(claim)) continue;
      // Held there: the kept claim of an AIStore deleted from that namespace (the operator deletes
      // claims only with cleanupMetadata).
      if (!canServeClaim(pv) || heldByClaim(ctx, pv)) continue;
      found.push({ pv: nameOf(pv), namespace: at, claim });
    }
  }
  const [first] = found;
  if (first === undefined) return;
  const names = found.map((f) => f.pv);
  const listed = listedNames(names);
  const where = [...new Set(found.map((f) => f.namespace))].sort();
  report.warn(
    '/metadata/namespace',
    `PV(s) ${listed} are pre-bound to claims named as ${crName}'s targets' (${first.namespace}/${first.claim}${found.length > 1 ? ', …' : ''}) in namespace ${where.join(', ')}, where no AIStore ${crName} is known, and none to its claims in namespace ${namespace}, where its StatefulSet makes them: a PV binds only the claim its claimRef names by namespace and name together, so, unless they are Bound to claims of those names made there (an AIStore deleted from a namespace leaves its claims behind), these stay Available and the targets' claims get no disk of them.`,
    `Set spec.claimRef.namespace: ${namespace} on each Available one (${patchPvCommand(first.pv, { spec: { claimRef: { namespace } } })}), unless they are for an AIStore ${crName} yet to be made in namespace ${where.join(', ')}; leave a Bound one to its claim.`,
  );
}

/**
 * On the CR: the update that shuts the cluster down while the target StatefulSet deletes the claims
 * a scale-down removes: at 0 replicas, every target claim. Pre-bound PVs come back Released with the
 * deleted claims' uids, so on restart every new claim stays Pending (pv-claim-uid); provisioned disks
 * go with their claims. The stored CR's policy counts too: the shutdown only scales the StatefulSet
 * (client UpdateStatefulSetReplicas) and never syncs a policy changed in the same update
 * (target_controllers.go syncTargetPVCRetentionPolicy runs in the normal reconcile only).
 */
function checkShutdown({ subject, oldObject, ctx, report }: RuleInput<'aistore'>): void {
  const stored = isObject(oldObject) ? (oldObject as AIStoreCR) : undefined;
  if (!shutsDown(subject.object) || (stored && shutsDown(stored))) return;
  if (!scaleDownDeletesClaims(subject.object) && !(stored && scaleDownDeletesClaims(stored))) return;
  report.warn(
    '/spec/shutdownCluster',
    `spec.shutdownCluster scales the target StatefulSet to 0, and with pvcRetentionPolicy.whenScaled: Delete (${stored && scaleDownDeletesClaims(stored) ? 'as the stored CR has it: a change in the same update is not applied before the shutdown' : 'in this CR'}) the StatefulSet controller then deletes every target claim, without a target decommissioned first: ${afterClaimsDeleted(targetVolumes(ctx, subject.namespace, subject.crName, { cr: subject.object }))}.`,
    'Set shutdownCluster: false, apply whenScaled: Retain first, then shut down in a later update.',
  );
}

/**
 * What deleting every target claim does to the volumes behind them. A PV made by hand and pre-bound
 * comes back Released, held by the deleted claim's uid, and the claims made on restart stay Pending
 * (pv-claim-uid). A provisioner's volume goes with its claim (reclaimPolicy Delete, its default:
 * deleted, data and all; Retain: left Released), and on restart it serves the new claims with new
 * volumes: the targets start, empty.
 */
function afterClaimsDeleted(volumes: readonly TargetVolume[]): string {
  const byHand =
    'PVs made by hand for them come back Released, bound to claims that no longer exist, and no target starts again until each is freed';
  const provisioned =
    "a provisioner's volumes go with their claims (reclaimPolicy Delete: deleted with their data; Retain: left Released) and the targets restart on new, empty volumes, the cluster's data lost to them";
  const made = volumes.filter((v) => isMadeForItsClaim(v.pv)).length;
  if (volumes.length === 0) return `${byHand}; ${provisioned}`;
  if (made === 0) return byHand;
  return made === volumes.length ? provisioned : `${byHand}; ${provisioned}`;
}

/**
 * On the CR: an update that lowers the target count of a running cluster (a shut-down one has no
 * pods to remove). Switched to autoscaling (size -1), a CR counts one target per matching node
 * (GetTargetSize, from cluster_controller.go determineAutoScaleStatus), so a cluster running
 * several targets on a node loses some, silently. And while the target StatefulSet deletes the claims
 * of the pods it removes (whenScaled: Delete, stateful_pod_control.go
 * UpdatePodClaimForRetentionPolicy), the removed targets' hand-made PVs are left held by the deleted
 * claims' uids: the next scale-out's claims stay Pending until they are freed. The policy is this
 * update's: the operator syncs it onto the StatefulSet before it scales (target_controllers.go
 * handleTargetState), unlike a shutdown (checkShutdown). With scaleDownMode: retain the removed
 * targets keep their data on their disks, nothing migrated (prepareTargetsForScaleDown: maintenance
 * with SkipRebalance), and deleting their claims loses it, whatever made their volumes.
 */
function checkScaleDown({ subject, oldObject, ctx, report }: RuleInput<'aistore'>): void {
  const stored = isObject(oldObject) ? (oldObject as AIStoreCR) : undefined;
  if (!stored || shutsDown(subject.object) || shutsDown(stored)) return;
  const [before, after] = [targetCount(stored, ctx), targetCount(subject.object, ctx)];
  if (before === undefined || after === undefined || after >= before) return;
  const at = sizePointer(subject.object);
  const removed = ordinalRange(subject.crName, after, before);
  if (isTargetAutoScaling(subject.object) && !isTargetAutoScaling(stored))
    report.warn(
      at,
      `size -1 (autoscaling) makes the target count the number of matching nodes: ${after} where there are ${before} targets, so the operator scales down and ${removed} ${before - after === 1 ? 'leaves' : 'leave'} the cluster (decommissioned, or in maintenance with scaleDownMode: retain); the targets that stay keep their disks and nodes.`,
      'Keep a fixed size to keep every target.',
    );
  if (!scaleDownDeletesClaims(subject.object)) return;
  // The mode of this update: the operator reads it from the CR as it scales down
  // (target_controllers.go startTargetScaling, prepareTargetsForScaleDown).
  if (subject.object.spec?.targetSpec?.scaleDownMode === 'retain')
    report.warn(
      at,
      `scaleDownMode: retain puts ${removed} in maintenance without moving their data off (the operator starts maintenance with SkipRebalance), for them to come back to it, while with pvcRetentionPolicy.whenScaled: Delete the StatefulSet controller deletes their claims as the pods go: a provisioner's volume is deleted with that data (reclaimPolicy Delete), a PV made by hand is left Released to no new claim, so what they held is lost to the cluster unless mirrored or erasure-coded.`,
      'Keep scaleDownMode safe_decommission (the default) or decommission, which rebalance the data off first; or apply whenScaled: Retain before scaling down, to keep their disks for their return.',
    );
  const left = targetVolumes(ctx, subject.namespace, subject.crName)
    .filter((v) => v.ordinal >= after && v.ordinal < before && !isMadeForItsClaim(v.pv))
    .map((v) => nameOf(v.pv));
  if (left.length === 0) return;
  const listed = listedNames(left);
  report.warn(
    at,
    `scaling the targets from ${before} to ${after} with pvcRetentionPolicy.whenScaled: Delete: the StatefulSet controller deletes the claims of ${removed}, so PV(s) ${listed} are left held by the deleted claims' uids, and a later scale-out's claims stay Pending until those PVs are freed.`,
    'Apply whenScaled: Retain before scaling down; or, before scaling out again, remove spec.claimRef.uid from those PVs.',
  );
}

/** The field that sets the target count: the -1 that autoscales it, else targetSpec.size, else spec.size. */
function sizePointer(cr: AIStoreCR): string {
  const own: unknown = cr.spec?.targetSpec?.size;
  if (own === -1) return '/spec/targetSpec/size';
  if (cr.spec?.size === -1) return '/spec/size';
  return own !== undefined && own !== null ? '/spec/targetSpec/size' : '/spec/size';
}

/** "ais-target-2" or "ais-target-2 to ais-target-5": the targets at ordinals from..to-1. */
const ordinalRange = (crName: string, from: number, to: number): string =>
  to - from === 1 ? `${crName}-target-${from}` : `${crName}-target-${from} to ${crName}-target-${to - 1}`;

export default defineRule({
  id: 'pv-target-binding',
  title: 'Target PVs bound one disk per (target, mount)',
  summary:
    "A PV pre-bound to a target claim: claim name as the StatefulSet makes it (an ordinal with leading zeros, such as -target-01 of a known CR, or past 2147483646, is no pod's: deny), class and capacity of the mount, ReadWriteOnce, Filesystem (not Block), one hostname for a local or hostPath disk, every term of its node affinity admitting that node alone (a term without it, a zone or matchFields only, admits others: deny; that node failing the rest of its terms admits none: warn) (a network or cloud volume follows its target), a node the targets may use (nodeSelector, required node affinity, taints); no two PVs for one claim or one disk (any other PV on that node and path, whoever's, a free disk the local static provisioner published included, and the other way round: a PV bound to no target claim on a target PV's disk, or on a path holding it or inside it, one the provisioner publishes there included, is refused, beside a Released one too; one pre-bound to a claim the CR's templates no longer make is warned of, and a PV parked on the claim a live PV holds, on its disk and Retain, is no clash; paths compared after POSIX normalisation), one node per target, the PV of its state claim (<ns>-<cr>-state-…) included (a PV is on a node when every term of its required node affinity admits that node alone: by kubernetes.io/hostname, or by another label, such as a node-local CSI driver's topology key, whose every value one known Node carries, never a zone, region or location key; matchFields, which Kubernetes does not read for a PV, pins none; a PV whose terms admit no known Node, told from the Node label index among at most 64, is on a node the cluster no longer has; a node-local CSI PV is judged for its node, its own target's other PVs' node, and another target's disk beside it, whatever the layout), and, while the targets ask for a host port or the host network with anti-affinity off, no target beside another's disk (deny). A PV on a live node for a target whose PVs are on a node the cluster no longer has is its replacement (warn, with the claims and pod to delete). Warn: a PV for a target past the CR size (a scale-out), or one beside the disk of another target while the targets keep anti-affinity. On the CR, an update that re-creates the targets (one that changes what the operator compares in their pod template: an image, env, resources, probes, security contexts, labels, annotations, tolerations, priority class, volumes (secrets, state storage, TLS, logs) or configToUpdate.net.http; a restart after a shutdown) while their disks' node no longer admits them (deny: each comes back Pending). On the CR's CREATE: the PVs already pre-bound to its target claims, made before it and judged then with no mount to compare, against their mount's class and size (deny, as when the CR is known). On the CR: every (target, mount) has a PV once any is known, or a Released one to free (a mount whose PVs a provisioner made aside; none is asked for while the local static provisioner has free disks of the mount's class that its selector, if any, matches), and every target a PV for its state claim while the targets mount one and their state PVs are hand-made (the StatefulSet claims state for a scale-out's new targets too); PVs pre-bound to claims none of its templates makes; with none in its namespace, hand-made PVs pre-bound to its targets' claim names in another namespace where no AIStore of its name is known (a PV binds only the claim of its claimRef's namespace and name; such a PV is warned of too, naming the CR's namespace, while at most 4 AIStores have that name and that claim has no PV there); a shutdown with pvcRetentionPolicy.whenScaled: Delete (and whenDeleted written: without it the operator never scales, operator-never-in-sync), which deletes every target claim, a scale-down with it that leaves hand-made PVs held by the deleted claims, or with scaleDownMode: retain (maintenance, nothing migrated) deletes the retained targets' claims and data, and a switch to autoscaling that leaves fewer targets, one per matching node (warn). A hand-made PV pre-bound to a target's state claim, of a CR that makes one (stateStorage.pvc or stateStorageClass; hostPath or emptyDir state makes none): at least the 1Gi the operator's state claim asks for, and the state class (stateStorage.pvc.storageClass) when one is named (deny; also on the CR's CREATE), ReadWriteOnce, Filesystem; the rest as a data PV's: a node the targets may use and its target's data PVs are on, no second PV for its claim, no other PV on its disk (a published one made after it included), a replacement of its target's PVs on a node the cluster no longer has warned of, beside no other target's disk while they are kept apart. One pre-bound to the state claim of a known CR whose state is on hostPath or in an emptyDir (and whose StatefulSet has no state template) is warned of, and on the CR's CREATE those made before it: no claim of that name is made, and the operator refuses moving a live CR's state to a PVC. A PV held by a deleted claim's uid (Released, Failed) is no target's disk: judged for itself only, and left out of the others' checks; a new PV on its disk is warned about.",
  verdict: 'deny / warn',
  operator: `The operator asks for one claim per (target, mount) through the StatefulSet's volumeClaimTemplates (${operatorLink('internal/resources/aistore/target/volumes.go', 90, 'newTargetPVCs')}), each ReadWriteOnce with the mount's storageClass and size (${operatorLink('api/aistore/v1beta1/aistore_types.go', 1060, 'Mount.BuildPVC')}); a PV pre-bound by claimRef is bound without Kubernetes checking its class (component-helpers storage/volume/pv_helpers.go FindMatchingVolume checks a pre-bound PV's size and modes only; a claim whose volumeName names the PV skips even those, pv_controller.go syncUnboundClaim), so the guard checks class and size, and its own volumeName patch (target-disk-binding) is made only onto a PV that fits the claim.`,
  howToFix:
    "One PV per (target, mount): claimRef to the target claim, the mount's class, enough capacity, ReadWriteOnce, volumeMode Filesystem, one hostname for a local or hostPath disk; all disks of a target on one node.",
  upstream: `${MULTI_TARGET_DOC}#persistent-volume-configuration ("Properly setting up PVs and PVCs is crucial for managing storage resources")`,
  roles: ['target-volume', 'state-volume', 'spare-volume', 'aistore'],
  mutates: false,
  check(input) {
    if (input.subject.role === 'target-volume') checkVolume(input as RuleInput<'target-volume'>);
    else if (input.subject.role === 'state-volume') checkStateVolume(input as RuleInput<'state-volume'>);
    else if (input.subject.role === 'spare-volume') checkSpare(input as RuleInput<'spare-volume'>);
    else {
      checkPlacement(input as RuleInput<'aistore'>);
      checkMountFit(input as RuleInput<'aistore'>);
      checkStateClaimsNotMade(input as RuleInput<'aistore'>);
      checkCoverage(input as RuleInput<'aistore'>);
      checkShutdown(input as RuleInput<'aistore'>);
      checkScaleDown(input as RuleInput<'aistore'>);
    }
  },
});
