// Bind each target to its own disks: a target claim gets spec.volumeName of the PV
// pre-bound to it, when that PV fits the claim; a target Pod gets node affinity to the node of its PVs and an annotation listing
// them. Never guess: without a known PV, warn (only where the layout needs local disks, and not
// where the scheduler hands out free disks the local static provisioner published).
import {
  asText,
  canServeClaim,
  capacityOf,
  claimGone,
  claimRefOf,
  cloneJson,
  diskPathOf,
  HOSTNAME_KEY,
  isBeingDeleted,
  isObject,
  isProvisioned,
  nameOf,
  objectAt,
  objectsOf,
  stringsOf,
  type NodeSelectorRequirement,
  type PersistentVolume,
  type Pod,
  type PvcSpec,
} from '../k8s.js';
import { compareQuantities } from '../quantity.js';
import type { AIStoreCR } from '../aistore.js';
import { claimNameProblem, mountOfClaim } from '../claims.js';
import type { ClusterContext } from '../context.js';
import { describeLayout } from '../layout.js';
import { removeUidCommand } from '../messages.js';
import { claimNamesOf } from '../podspec.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink, type Reporter, type RuleInput } from '../rule.js';

export const DISKS_ANNOTATION = 'ais-guard/disks';

/** Whether PV `pvName` is a provisioner's, made for and still holding this claim. */
function heldByProvisioned(ctx: ClusterContext, namespace: string, claim: string, pvName: string): boolean {
  const pv = ctx.pv(pvName);
  const ref = pv && claimRefOf(pv);
  return !!pv && isProvisioned(pv) && !claimGone(pv) && ref?.namespace === namespace && ref.name === claim;
}

function bindClaim({ subject, writable, layout, ctx, operation, report }: RuleInput<'target-claim'>): void {
  const claim = subject.object;
  const name = nameOf(claim);
  // A provisioner's PV that names this claim served an earlier claim of that name (Released): the
  // provisioner makes this one its own, and a volumeName pointing back would leave it Pending. A
  // hand-made PV whose claim is gone binds no new claim either, and volumeName is set only once: the
  // claim would stay Pending until deleted (pv-claim-uid warns how to free the PV).
  const named = ctx.pvsForClaim(subject.namespace, name);
  const pvs = named.filter(canServeClaim);
  const wanted: unknown = claim.spec?.volumeName;
  if (pvs.length === 1) {
    const pv = nameOf(pvs[0] as PersistentVolume);
    // Bound already to the provisioner's PV that holds it: the hand-made PV beside it is the stray,
    // and pv-target-binding says so on it (review atk55-A: the claim was named the odd one out).
    if (wanted && wanted !== pv && !heldByProvisioned(ctx, subject.namespace, name, asText(wanted))) {
      report.deny(
        '/spec/volumeName',
        `claim ${name} asks for PV ${asText(wanted)}, but PV ${pv} is the one pre-bound to it (claimRef).`,
        `Set spec.volumeName: ${pv}, or fix the PVs' claimRefs.`,
      );
    } else if (!wanted && operation === 'CREATE') {
      const misfit = misfits(pvs[0] as PersistentVolume, claim.spec);
      if (misfit.length > 0) {
        // With volumeName set and the PV's claimRef naming the claim, the PV controller binds at once,
        // without checkVolumeSatisfyClaim (k8s pkg/controller/volume/persistentvolume/pv_controller.go
        // syncUnboundClaim); left alone, the claim goes through FindMatchingVolume (component-helpers
        // storage/volume/pv_helpers.go), which passes over a pre-bound PV too small or of another
        // volume or access mode. The guard's patch must not skip the checks Kubernetes makes.
        report.warn(
          '/spec/volumeName',
          `PV ${pv} is pre-bound to claim ${name} but does not fit it (${misfit.join('; ')}): the guard does not set spec.volumeName to it, which would make the PV controller bind it unchecked.`,
          `Make PV ${pv} fit the claim (pv-target-binding says how), or delete it.`,
        );
        return;
      }
      const spec = objectAt(writable().object, 'spec');
      if (!spec) return;
      spec.volumeName = pv;
      report.mutated(
        '/spec/volumeName',
        `bound claim ${name} to PV ${pv} (its claimRef names this claim).`,
        `Write spec.volumeName: ${pv} in your manifest.`,
      );
    }
    return;
  }
  // A misnamed claim is pvc-name's finding; whether it has a disk does not matter then.
  if (claimNameProblem(subject.namespace, subject.crName, subject.cr, name, ctx)?.severity === 'deny') return;
  // A PV is pre-bound to it, but held by an earlier claim's uid, or being deleted: pv-claim-uid says
  // what to do.
  if (named.some((pv) => claimGone(pv) || isBeingDeleted(pv))) return;
  if (
    pvs.length === 0 &&
    !wanted &&
    layout.multiTarget &&
    operation === 'CREATE' &&
    !leftToFreeDisks(subject, [name], ctx)
  ) {
    report.warn(
      '/spec/volumeName',
      `no PV is pre-bound to claim ${subject.namespace}/${name} in a ${describeLayout(layout)}: it is left to the provisioner, which may not put it on the target's own disk.`,
      'Create one PV per (target, mount) with claimRef to this claim.',
    );
  }
}

/**
 * How a PV fails the claim it is pre-bound to, as the PV controller judges a PV pre-bound to a claim
 * (component-helpers pv_helpers.go FindMatchingVolume, findByClaim): capacity at least the request,
 * volume modes equal (unset is Filesystem), the claim's access modes among the PV's. Not the storage
 * class: a pre-bound PV is taken before the class is compared (and the DefaultStorageClass admission
 * plugin gives a class-less claim the cluster's default before any webhook sees it). Empty: it fits.
 */
function misfits(pv: PersistentVolume, claim: PvcSpec | undefined): string[] {
  const spec: unknown = pv.spec;
  const pvSpec = isObject(spec) ? spec : {};
  const claimSpec: Record<string, unknown> = isObject(claim) ? claim : {};
  const found: string[] = [];
  const resources = isObject(claimSpec.resources) ? claimSpec.resources : {};
  const request = isObject(resources.requests) ? resources.requests.storage : undefined;
  const capacity = capacityOf(pv);
  if (request !== undefined && request !== null) {
    const shown = `capacity ${capacity === undefined ? 'none' : asText(capacity)}, the claim requests ${asText(request)}`;
    // Not compared exactly (over 40 digits, zeros too, a power of ten past 80, or no quantity): not
    // bound. Left unbound, the PV controller binds the claim itself if the PV fits it.
    const order = capacity === undefined ? -1 : compareQuantities(capacity, request);
    if (order === undefined) found.push(`${shown}, which the guard cannot compare exactly`);
    else if (order < 0) found.push(shown);
  }
  const modes = stringsOf(pvSpec.accessModes);
  const missing = stringsOf(claimSpec.accessModes).filter((m) => !modes.includes(m));
  if (missing.length > 0)
    found.push(`access modes ${modes.join(', ') || 'none'}, the claim asks for ${missing.join(', ')}`);
  const mode = (v: unknown) => (typeof v === 'string' && v !== '' ? v : 'Filesystem');
  if (mode(pvSpec.volumeMode) !== mode(claimSpec.volumeMode))
    found.push(`volumeMode ${mode(pvSpec.volumeMode)}, the claim's is ${mode(claimSpec.volumeMode)}`);
  return found;
}

/** Add `hostname In [host]` to every required node-selector term (terms are ORed, expressions ANDed). */
function requireHost(pod: Pod, host: string): boolean {
  const required = objectAt(
    objectAt(objectAt(objectAt(pod, 'spec'), 'affinity'), 'nodeAffinity'),
    'requiredDuringSchedulingIgnoredDuringExecution',
  );
  if (!required) return false;
  required.nodeSelectorTerms ??= [];
  const terms = required.nodeSelectorTerms;
  if (!Array.isArray(terms)) return false;
  if (terms.length === 0) terms.push({});
  let changed = false;
  for (const term of terms) {
    if (!isObject(term)) continue;
    term.matchExpressions ??= [];
    const exprs = term.matchExpressions;
    if (!Array.isArray(exprs)) continue;
    const has = objectsOf<NodeSelectorRequirement>(exprs).some(
      (e) =>
        e.key === HOSTNAME_KEY &&
        e.operator === 'In' &&
        stringsOf(e.values).length === 1 &&
        e.values?.[0] === host,
    );
    if (!has) {
      exprs.push({ key: HOSTNAME_KEY, operator: 'In', values: [host] });
      changed = true;
    }
  }
  return changed;
}

/** Does this node-selector requirement on the hostname rule `host` out? */
function excludes(e: NodeSelectorRequirement, host: string): boolean {
  if (e.key !== HOSTNAME_KEY) return false;
  const values = stringsOf(e.values);
  if (e.operator === 'In') return !values.includes(host);
  if (e.operator === 'NotIn') return values.includes(host);
  return e.operator === 'DoesNotExist';
}

/**
 * The pod's required node affinity, when every one of its terms (terms are ORed) rules `host` out by
 * a hostname requirement: the pod can never run where its disks are, and adding `In [host]` to the
 * terms would only hide that behind a warning. Requirements on other labels are not judged here.
 */
function hostRuledOut(pod: Pod, host: string): boolean {
  const required: unknown = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms =
    isObject(required) && Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms : [];
  const objects = terms.filter(isObject);
  return (
    objects.length > 0 &&
    objects.every((t) =>
      objectsOf<NodeSelectorRequirement>(t.matchExpressions).some((e) => excludes(e, host)),
    )
  );
}

/**
 * Whether the claims are all of mounts the local static provisioner's free disks can serve (of the
 * mount's class, with labels its selector matches, if it has one): the scheduler binds each to a
 * disk on the node it picks for the pod, nothing for the guard to pin.
 * Read from the CR's mounts, as coverage reads them (the claim's own class may be the apiserver's
 * default filled in), so a target's claim and pod are judged alike.
 */
function leftToFreeDisks(
  { cr, crName }: { cr?: AIStoreCR | undefined; crName: string },
  claims: readonly string[],
  ctx: ClusterContext,
): boolean {
  if (!cr) return false;
  const mounts = claims.flatMap((claim) => mountOfClaim(crName, cr, claim) ?? []);
  // A claim with the mount's selector (Mount.BuildPVC) binds only a disk whose labels it matches.
  return mounts.length > 0 && mounts.every((m) => ctx.hasFreeDiscoveredDisk(m.storageClass, m.selector));
}

function bindPod({ subject, writable, layout, ctx, operation, report }: RuleInput<'target-pod'>): void {
  if (operation !== 'CREATE') return; // pod scheduling fields are immutable after CREATE
  const pod = subject.object;
  const claims = claimNamesOf(pod.spec ?? {});
  const disks: { claim: string; pv: PersistentVolume; host: string | undefined }[] = [];
  // A PV whose claim is gone (an earlier claim of that name) is not where this pod's disk is: after a
  // node is replaced its Released PV names a node that may no longer exist.
  const held: PersistentVolume[] = [];
  for (const claim of claims)
    for (const pv of ctx.pvsForClaim(subject.namespace, claim))
      // Its node by hostname or by a node-local driver's topology key (ctx.pvHost).
      if (!claimGone(pv)) disks.push({ claim, pv, host: ctx.pvHost(pv) });
      else held.push(pv);
  // A claim's PV being deleted may still be the one it is bound to (it lingers only while bound), or
  // a stale copy: the pod is left to the scheduler, which follows whatever the claim is bound to.
  if (disks.some((d) => isBeingDeleted(d.pv))) return;
  // Two PVs naming one claim on two nodes (a stray from before the guard, or from its audit rollout):
  // the claim is bound to one of them, and which one the webhook cannot know (it holds no claims, and
  // a Bound PV keeps no uid): a node chosen from the other would be a guess, and immutable on the pod.
  // On one node (a published disk parked beside its live PV, as pv-target-binding advises) the node
  // is no guess.
  // Grouped once: a filter of the disks per claim was quadratic in a pod's volumes (3 MiB of them).
  const hostsByClaim = new Map<string, Set<string | undefined>>();
  for (const d of disks) {
    const hosts = hostsByClaim.get(d.claim);
    if (hosts) hosts.add(d.host);
    else hostsByClaim.set(d.claim, new Set([d.host]));
  }
  const doubled = [...hostsByClaim].filter(([, hosts]) => hosts.size > 1).map(([claim]) => claim);
  if (doubled.length > 0) {
    const named = disks.filter((d) => hostsByClaim.get(d.claim)!.size > 1).map((d) => nameOf(d.pv));
    report.warn(
      '/spec/volumes',
      `more than one PV names claim${doubled.length > 1 ? 's' : ''} ${doubled.join(', ')} of target pod ${nameOf(pod)} (${named.join(', ')}): the guard does not guess which one is its disk, and leaves the pod to the scheduler.`,
      'Delete the PV the claim is not bound to (kubectl get pvc shows its volume), so each claim is named by one PV.',
    );
    return;
  }
  if (disks.length === 0) {
    if (held.length > 0) warnHeldByDeletedClaims(nameOf(pod), held, ctx, report);
    else if (layout.multiTarget && claims.length > 0 && !leftToFreeDisks(subject, claims, ctx))
      report.warn(
        '/spec/volumes',
        `no PV is known for the claims of target pod ${nameOf(pod)} (${claims.join(', ')}) in a ${describeLayout(layout)}: the guard does not guess its node.`,
        'Create one PV per (target, mount) with claimRef to the target claim.',
      );
    return;
  }
  const hosts = [...new Set(disks.map((d) => d.host).filter((h): h is string => !!h))];
  if (hosts.length !== 1) {
    if (hosts.length > 1)
      report.deny(
        '/spec/volumes',
        `the disks of target pod ${nameOf(pod)} are on ${hosts.length} nodes (${hosts.join(', ')}): it can never be scheduled.`,
        'Put all disks of one target on one node.',
      );
    return;
  }
  const host = hosts[0] as string;
  // A node replaced or gone: pinned there (immutable on a pod) the target would wait for good, while
  // left free the StatefulSet controller makes its missing claim and the pod goes where that lands.
  if (ctx.hostMissing(host)) {
    // Its claims stay bound to those PVs (a claim's volumeName never changes): only new claims move.
    report.warn(
      '/spec/volumes',
      `the disks of target pod ${nameOf(pod)} are on node ${host}, which is not among the cluster's Nodes: not pinned there; its claim${claims.length > 1 ? 's' : ''} ${claims.join(', ')} stay bound to them.`,
      `If ${host} is gone for good: pre-bind a PV on a live node to each of ${claims.join(', ')}, then delete those claims and this pod (the StatefulSet controller makes them anew, and the new claims bind the new PVs); delete ${disks.map((d) => nameOf(d.pv)).join(', ')} once their data is not needed.`,
    );
    return;
  }
  const pinned = pod.spec?.nodeSelector?.[HOSTNAME_KEY];
  if (pinned && pinned !== host) {
    report.deny(
      '/spec/nodeSelector',
      `target pod ${nameOf(pod)} is pinned to ${asText(pinned)}, but its disks are on ${host}: it can never be scheduled.`,
      `Pin it to ${host}, or move its PVs.`,
    );
    return;
  }
  if (hostRuledOut(pod, host)) {
    report.deny(
      '/spec/affinity/nodeAffinity',
      `target pod ${nameOf(pod)}'s required node affinity rules out ${host}, where its disks are: it can never be scheduled.`,
      `Require ${host} (kubernetes.io/hostname In [${host}]) or drop the hostname requirement, or move its PVs.`,
    );
    return;
  }
  // The disks on its node: a network volume beside them follows the pod and has no host to name.
  const list = disks
    .filter((d) => d.host !== undefined)
    .map((d) => `${nameOf(d.pv)}=${d.host}:${diskPathOf(d.pv) ?? ''}`)
    .sort()
    .join(',');
  // A pod already bound to a node (spec.nodeName: the scheduler's binding, or its creator's) is past
  // scheduling: affinity added now would change nothing (the kubelet only checks it at admission). On
  // its disks' node, as any target made before the guard that the scheduler placed by its PVs' node
  // affinity, there is nothing to do; elsewhere it does not run on its disks (a hostPath PV, which
  // has no node affinity, is then an empty directory of the wrong node), and only a new pod moves.
  // nodeName is a Node's name, the host a hostname label value: they differ under kubelet
  // --hostname-override or a cloud's node names, so the Node the host names is compared when known,
  // else the pod's Node (its hostname label is not the host). Neither known (check without Nodes):
  // nothing is concluded from two spellings that may name one node.
  const nodeName: unknown = pod.spec?.nodeName;
  if (typeof nodeName === 'string' && nodeName !== '') {
    const hostNode = ctx.nodeOfHost(host);
    const elsewhere = hostNode
      ? nodeName !== nameOf(hostNode)
      : nodeName !== host && ctx.node(nodeName) !== undefined;
    if (elsewhere)
      report.warn(
        '/spec/nodeName',
        `target pod ${nameOf(pod)} is on node ${nodeName}, but its disks are on ${host} (${list}): it does not run on them.`,
        `Delete pod ${nameOf(pod)}: the StatefulSet controller makes it anew (its template sets no nodeName) and the guard binds it to ${host}.`,
      );
    return;
  }
  // Decide on the input (a probe copy of the small affinity subtree), change only the writable copy.
  const bound = !requireHost({ spec: { affinity: cloneJson(pod.spec?.affinity) } }, host);
  // objectAt's rule: an absent metadata or annotations map is created, a junk one left alone.
  const absentOrObject = (v: unknown) => v === undefined || v === null || isObject(v);
  const meta: unknown = pod.metadata;
  const annotations = isObject(meta) ? meta.annotations : undefined;
  const annotate =
    absentOrObject(meta) &&
    absentOrObject(annotations) &&
    (annotations as Record<string, unknown> | undefined)?.[DISKS_ANNOTATION] !== list;
  if (bound && !annotate) return;
  const draft = writable().object;
  requireHost(draft, host);
  const draftAnnotations = objectAt(objectAt(draft, 'metadata'), 'annotations');
  if (draftAnnotations) draftAnnotations[DISKS_ANNOTATION] = list;
  report.mutated(
    '/spec/affinity/nodeAffinity',
    `bound target pod ${nameOf(pod)} to node ${host}, where its disks are (${list}).`,
    'None needed: the guard keeps each target on its own disks.',
  );
}

/**
 * Every PV naming the pod's claims is held by a deleted claim's uid (Released, Failed: a scale-down
 * with pvcRetentionPolicy whenScaled Delete, then a scale-up): the new claims bind none of them until
 * each is freed, and a second PV for the same disk would be one too many.
 */
function warnHeldByDeletedClaims(
  pod: string,
  held: PersistentVolume[],
  ctx: ClusterContext,
  report: Reporter,
): void {
  const names = held.map(nameOf);
  const gone = held.filter((pv) => ctx.pvMissingNode(pv) !== undefined);
  report.warn(
    '/spec/volumes',
    `the PVs of target pod ${pod}'s claims (${names.join(', ')}) are held by the uid of a deleted claim of the same name: its new claims stay Pending until each is freed.`,
    gone.length === 0
      ? `Free each, do not make another PV for its disk: ${names.map(removeUidCommand).join('; ')}.`
      : `${gone.map(nameOf).join(', ')} ${gone.length > 1 ? 'are' : 'is'} on a node that is not among the cluster's Nodes: pre-bind a PV on a live node to its claim instead; free the others (${removeUidCommand('PV')}).`,
  );
}

export default defineRule({
  id: 'target-disk-binding',
  title: 'Targets bound to their own disks',
  summary:
    "On CREATE: a target claim gets spec.volumeName of the PV pre-bound to it, if that PV fits the claim (capacity at least the request, access modes, volume mode: what Kubernetes checks of a PV pre-bound to a claim, not its class), since a claim bound by name skips the PV controller's checks (warn otherwise, no patch); a target Pod gets node affinity to its disks' node and an ais-guard/disks annotation (warn); a Pod already on a node (spec.nodeName, as audit sees a running one) is left as it is, with a warn only when that is not its disks' node. A PV still held by a deleted claim's uid (Released, Failed) is no one's disk. Conflicts deny; no known PV in a multi-target layout warns, unless the local static provisioner has free disks of the mounts' class (the scheduler binds one on the pod's node).",
  verdict: 'mutate + warn / deny',
  operator: `The operator leaves binding to the StatefulSet's claims (${operatorLink('internal/resources/aistore/target/statefulset.go', 63, 'NewTargetSS')}, volumeClaimTemplates) and places pods only by targetSpec.nodeSelector and affinity (${operatorLink('internal/resources/aistore/target/statefulset.go', 114, 'targetPodSpec')}): nothing ties a target to its own disks but the PVs.`,
  howToFix: 'Create the PVs with claimRefs; the guard then binds claims and pods to them.',
  upstream: `${MULTI_TARGET_DOC}#example-deployment ("two PVs are created, each linked to a distinct disk ... each target utilizing one of the PVs")`,
  roles: ['target-claim', 'target-pod'],
  mutates: true,
  check(input) {
    if (input.subject.role === 'target-claim') bindClaim(input as RuleInput<'target-claim'>);
    else bindPod(input as RuleInput<'target-pod'>);
  },
});
