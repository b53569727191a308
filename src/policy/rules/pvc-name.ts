// The StatefulSet claims <template>-<statefulset>-<ordinal>; a PVC named any other way
// (notably after the namespace, as the old AIStore doc wrote) is never used by a target. One named so
// for an ordinal past the target count is used after a scale-out (claims.ts withCR).
import { byStatefulSetController, cachedSetClaims, claimNameProblem, claimOwners } from '../claims.js';
import { isObject, nameOf } from '../k8s.js';
import type { KubeObject } from '../types.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

/**
 * A claim a Pod controls: the ephemeral-volume controller's <pod>-<volume> claim, which the shared
 * system:kube-controller-manager identity also sends. The StatefulSet controller's claims never are.
 */
const podOwned = (claim: KubeObject): boolean =>
  Array.isArray(claim.metadata?.ownerReferences) &&
  claim.metadata.ownerReferences.some(
    (r: unknown) => isObject(r) && r.kind === 'Pod' && r.controller === true,
  );

export default defineRule({
  id: 'pvc-name',
  title: 'Target data PVC named as the StatefulSet claims it',
  summary:
    "A target data PVC must be named <cr><mount-path-with-dashes>-<cr>-target-<N> for a mount of the CR, N as the StatefulSet controller writes it (no leading zero, at most 2147483646): deny otherwise, with the free names that fit (a name one of the cached target StatefulSet's claim templates makes, in a claim from the StatefulSet controller: warn, the guard's view of the CR lags). N at or past the target count (autoscaled: the matching nodes, at most autoScale.sizeLimit): warn, the claim is used after a scale-out (the StatefulSet controller takes an existing claim of a pod's name as it is), as a PV made for it is; from the StatefulSet controller, which claims only for replicas it has, it says the guard's view of the CR lags. The claim of two CRs at once: deny; a name of no known CR: warn.",
  verdict: 'deny / warn',
  operator: `The StatefulSet claims <template>-<cr>-target-<N>, the template being the CR name + the mount path with "/" turned into "-" (${operatorLink('api/aistore/v1beta1/aistore_types.go', 1040, 'Mount.GetPVCName')}, ${operatorLink('internal/resources/aistore/target/volumes.go', 90, 'newTargetPVCs')}); N runs below the target count: targetSpec.size, else spec.size, or with size -1 the nodes matching the selector whose taints are tolerated, at most sizeLimit (${operatorLink('api/aistore/v1beta1/aistore_types.go', 964, 'IsTargetAutoScaling')}, ${operatorLink('api/aistore/v1beta1/aistore_types.go', 888, 'GetTargetSize')}, ${operatorLink('internal/controller/aistore/cluster_controller.go', 1193, 'listMatchingNodes')}).`,
  howToFix:
    'Name the claim `<cr><mount-path-with-dashes>-<cr>-target-<N>` (the message gives the exact name).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("Follow a naming convention for PVCs: <namespace>-<path-separated-by-dashes>-<pod-name>", corrected: the operator uses the CR name)`,
  roles: ['target-claim'],
  mutates: false,
  check({ subject, ctx, requester, report }) {
    const name = nameOf(subject.object);
    const problem = claimNameProblem(subject.namespace, subject.crName, subject.cr, name, ctx);
    if (!problem) return;
    const later = problem.laterTarget;
    if (later && byStatefulSetController(requester) && !podOwned(subject.object)) {
      // Refused, the new target would wait out the controller's backoff (up to ~17 min) after the cache caught up.
      report.warn(
        '/metadata/name',
        `claim "${name}" for ${subject.crName}-target-${later.ordinal} comes from the StatefulSet controller, which claims only for the replicas it has: the guard's view of AIStore ${subject.crName} (${later.size} target(s)) is behind a scale-out; not refused.`,
        `Nothing, if AIStore ${subject.crName} was scaled out; if the guard's view stays behind, see /readyz (its cluster cache).`,
      );
      return;
    }
    // Watches of different kinds are not ordered: the operator's new StatefulSet can reach the guard
    // before the CR it was made from (re-created with other mounts, say). Refused, its pod would wait
    // out the controller's backoff for a claim named exactly as the set makes it.
    if (
      problem.severity === 'deny' &&
      byStatefulSetController(requester) &&
      !podOwned(subject.object) &&
      cachedSetClaims(ctx, subject.namespace, subject.crName, name) &&
      // The claim of two CRs at once is no lag: both StatefulSets would mount it.
      claimOwners(ctx, subject.namespace, name).length < 2
    ) {
      report.warn(
        '/metadata/name',
        `claim "${name}" comes from the StatefulSet controller, named after a claim template of StatefulSet ${subject.crName}-target as the guard has it, but not after the mounts of AIStore ${subject.crName} as the guard has it: its view of the CR is behind the StatefulSet's, or the set's templates are not the CR's mounts; not refused. By the CR: claim "${name}", ${problem.reason}.`,
        `Nothing, if AIStore ${subject.crName} was just created or changed; if this persists, compare the StatefulSet's volumeClaimTemplates with spec.targetSpec.mounts and see /readyz (the guard's cluster cache).`,
      );
      return;
    }
    report[problem.severity]('/metadata/name', `claim "${name}", ${problem.reason}.`, problem.fix);
  },
});
