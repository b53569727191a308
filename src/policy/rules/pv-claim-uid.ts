// A target PV pre-bound by a claimRef that still carries a uid. The PV controller binds a PV only to
// the claim object its claimRef.uid names (component-helpers storage/volume IsVolumeBoundToClaim), and
// a PV whose claim of that uid is gone is Released, not offered to the next claim of that name
// (pkg/controller/volume/persistentvolume pv_controller.go syncVolume). A claim the StatefulSet
// controller makes anew always has a new uid: after an AIStore is deleted and redeployed on Retain
// disks, or from PV manifests exported from a live cluster, the target's claim stays Pending.
import type { ClusterContext } from '../context.js';
import {
  asText,
  canServeClaim,
  claimGone,
  claimRefOf,
  isBeingDeleted,
  isProvisioned,
  nameOf,
  phaseOf,
  type PersistentVolume,
} from '../k8s.js';
import { removeUidCommand } from '../messages.js';
import { defineRule, operatorLink, type RuleInput } from '../rule.js';

/** Another PV pre-bound to the claim that can serve it: neither a provisioner's nor held by a gone claim's uid. */
const servingPV = (ctx: ClusterContext, namespace: string, claim: string, besides: string) =>
  ctx.pvsForClaim(namespace, claim).find((pv) => nameOf(pv) !== besides && canServeClaim(pv));

/**
 * The node of a PV that is not among the cluster's Nodes (a node replaced): freeing its stale uid
 * would fix the next claim's volumeName to a disk no pod can reach.
 */
function strandedOn(ctx: ClusterContext, pv: PersistentVolume): string | undefined {
  // Pinned by hostname or by any other key (a node-local driver's topology key) alike.
  return ctx.pvMissingNode(pv);
}

const strandedFix = (pv: string, host: string) =>
  `Do not free it: pre-bind a PV on a live node to the claim, and delete PV ${pv} once its data is not needed (should node ${host} come back, free it instead).`;

/**
 * A target PV, data or state: the state claim is made anew by the StatefulSet controller as a data
 * claim is (the operator's state claim template, cmn.DefineStatePVC), so a stale uid strands it alike.
 */
function checkVolume({ subject, ctx, operation, report }: RuleInput<'target-volume' | 'state-volume'>): void {
  const pv = subject.object;
  const uid = claimRefOf(pv)?.uid;
  if (!uid || subject.namespace === '') return; // no namespace: pv-target-binding denies the claimRef
  const phase = phaseOf(pv);
  const claim = `${subject.namespace}/${subject.claimName}`;
  const serving = claimGone(pv) && servingPV(ctx, subject.namespace, subject.claimName, nameOf(pv));
  if (serving) {
    // A replacement PV serves the claim now (a node replaced): freeing this one would pre-bind two.
    report.warn(
      '/spec/claimRef/uid',
      `PV ${nameOf(pv)} is ${asText(phase)}: its claimRef still holds uid ${uid} of an earlier claim ${claim}, and PV ${nameOf(serving)} is pre-bound to that claim now.`,
      `Delete PV ${nameOf(pv)} once its data is not needed; clearing its uid would pre-bind two PVs to one claim.`,
    );
    return;
  }
  const gone = strandedOn(ctx, pv);
  if (claimGone(pv) && gone) {
    report.warn(
      '/spec/claimRef/uid',
      `PV ${nameOf(pv)} is ${asText(phase)}, held by uid ${uid} of an earlier claim ${claim}, on node ${gone}, which is not among the cluster's Nodes: freed, it would bind the target's next claim to a disk no pod can reach.`,
      strandedFix(nameOf(pv), gone),
    );
    return;
  }
  if (claimGone(pv)) {
    report.warn(
      '/spec/claimRef/uid',
      `PV ${nameOf(pv)} is ${asText(phase)}: its claimRef still holds uid ${uid} of an earlier claim ${claim}, so the PV controller binds it to no new claim of that name and the target's claim stays Pending.`,
      `Remove spec.claimRef.uid and the next claim of that name binds (namespace and name still pre-bind the disk): ${removeUidCommand(nameOf(pv))}`,
    );
    return;
  }
  // A bound PV carries its claim's uid by right (a provisioner's PV is no target volume at all:
  // recognise.ts); a live one reaches the rules without it (server/reduce.ts, also audit's). On
  // CREATE a status is what `kubectl get -o yaml` left in a manifest: the apiserver resets it to
  // Pending (pkg/registry/core/persistentvolume strategy.go PrepareForCreate).
  if (operation !== 'CREATE') return;
  report.warn(
    '/spec/claimRef/uid',
    `PV ${nameOf(pv)} is pre-bound to claim ${claim} by uid ${uid}: the PV controller binds it only to the claim object with that uid. A claim made from a manifest, or by the StatefulSet controller, gets a new uid; the PV is then Released instead of bound and the claim stays Pending.`,
    'Remove spec.claimRef.uid (and resourceVersion): a claim made now gets a new uid and would not bind this PV; namespace and name pre-bind it.',
  );
}

function checkClaim({ subject, ctx, operation, report }: RuleInput<'target-claim'>): void {
  if (operation !== 'CREATE') return;
  const name = nameOf(subject.object);
  for (const pv of ctx.pvsForClaim(subject.namespace, name)) {
    if (isBeingDeleted(pv)) {
      if (servingPV(ctx, subject.namespace, name, nameOf(pv))) continue;
      // A live claim already bound to it (audit lists claims as CREATEs): it stays Bound, and the
      // PV with it, for as long as the claim exists (pv-protection finalizer).
      if (ctx.claimHolds(subject.namespace, name) === nameOf(pv))
        report.warn(
          '/metadata/name',
          `PV ${nameOf(pv)}, which this claim is bound to, is being deleted: Kubernetes keeps it while the claim exists, but once the claim is deleted (the AIStore scaled down or redeployed) the PV goes, and the claim made again stays Pending, and its target with it, until another PV is pre-bound to it.`,
          `Nothing to do while the claim exists. Once PV ${nameOf(pv)} is gone, pre-bind a new PV of the target's disk to claim ${subject.namespace}/${name} (claimRef namespace and name, no uid): the claim made again binds it.`,
        );
      else
        report.warn(
          '/metadata/name',
          `PV ${nameOf(pv)}, pre-bound to claim ${name}, is being deleted: it binds no claim made now, so this claim stays Pending, and its target with it, until another PV is pre-bound to it.`,
          `Pre-bind the PV of the target's disk to claim ${subject.namespace}/${name} (claimRef namespace and name, no uid).`,
        );
      continue;
    }
    const uid = claimRefOf(pv)?.uid;
    // A live Bound PV reaches the rules without its uid (server/reduce.ts): its claim of that name
    // exists and this CREATE fails on the name. One with a uid and phase Bound is a manifest
    // exported with its status, created anew as Pending. A provisioner's Released PV stays so, and
    // the provisioner makes this claim a new one.
    if (!uid || isProvisioned(pv)) continue;
    // Another PV serves this claim (the guard binds the claim to it): this one is an earlier disk.
    if (servingPV(ctx, subject.namespace, name, nameOf(pv))) continue;
    const gone = strandedOn(ctx, pv);
    if (gone) {
      report.warn(
        '/metadata/name',
        `PV ${nameOf(pv)}, pre-bound to claim ${name}, holds uid ${uid} of an earlier claim of that name and is on node ${gone}, which is not among the cluster's Nodes: this claim stays Pending until it has a PV on a live node.`,
        strandedFix(nameOf(pv), gone),
      );
      continue;
    }
    report.warn(
      '/metadata/name',
      `PV ${nameOf(pv)}, pre-bound to claim ${name}, holds uid ${uid} of an earlier claim of that name: the PV controller will not bind it to this one, so this claim stays Pending and its target with it.`,
      `Clear the PV's stale uid and this claim binds: ${removeUidCommand(nameOf(pv))}`,
    );
  }
}

export default defineRule({
  id: 'pv-claim-uid',
  title: "A target PV pre-bound by an earlier claim's uid",
  summary:
    "A PV pre-bound to a target claim, a data claim or its state claim (<ns>-<cr>-state-…), whose claimRef carries a uid: on a new PV (not a provisioner's) or a Released one, and on the CREATE of the claim it names (warn). The claim would stay Pending: a new claim always has a new uid.",
  verdict: 'warn',
  operator: `The operator asks for the target claims through the StatefulSet's volumeClaimTemplates (${operatorLink('internal/resources/aistore/target/volumes.go', 90, 'newTargetPVCs')}), so the StatefulSet controller creates each claim anew, with a new uid, whenever it is missing: an AIStore deleted and redeployed on Retain disks meets its old PVs still holding the old claims' uids.`,
  howToFix:
    'Pre-bind by claimRef namespace and name only; remove a stale uid from a live PV with kubectl patch.',
  upstream:
    'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/controller/volume/persistentvolume/pv_controller.go#L562 (syncVolume: a PV whose claim of its claimRef.uid is gone is Released, and bound to no other)',
  roles: ['target-volume', 'state-volume', 'target-claim'],
  mutates: false,
  check(input) {
    if (input.subject.role === 'state-volume' && input.subject.claimNotMade) return; // no claim to bind
    if (input.subject.role === 'target-volume' || input.subject.role === 'state-volume')
      checkVolume(input as RuleInput<'target-volume' | 'state-volume'>);
    else checkClaim(input as RuleInput<'target-claim'>);
  },
});
