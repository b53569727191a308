// With target anti-affinity on, at most one target runs per matching node: the rest
// stay Pending. (On CREATE of a CR, anti-affinity-not-disabled turns it off first.)
import { antiAffinityDisabled, type AIStoreCR } from '../aistore.js';
import { HOSTNAME_KEY, isObject } from '../k8s.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

export default defineRule({
  id: 'targets-exceed-nodes',
  title: 'More targets than nodes with anti-affinity on',
  summary:
    'Target anti-affinity on and more targets than nodes a target can be scheduled on (nodeSelector, tolerated taints, required node affinity; a cordon and a node’s not-ready or pressure taints come and go, so such a node counts): warn (the extra targets stay Pending); with the node count unknown, warn that it was not checked.',
  verdict: 'warn',
  operator: `Unless disablePodAntiAffinity is true the operator adds a required hostname anti-affinity between targets (${operatorLink('internal/resources/aistore/target/statefulset.go', 158, 'createTargetAffinity')}, ${operatorLink('internal/resources/aistore/cmn/res.go', 151, 'CreateAISAffinity')}); its webhook only warns, and counts nodes by label alone (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 256, 'verifyNodesAvailable')}). The pod also carries targetSpec.nodeSelector, tolerations and affinity (${operatorLink('internal/resources/aistore/target/statefulset.go', 114, 'targetPodSpec')}), so the scheduler skips untolerated taints and nodes outside the required node affinity (and, for the moment, cordoned nodes).`,
  howToFix: 'Add nodes, lower the size, or go multi-target (anti-affinity off, a PV per disk, no hostPort).',
  upstream: `${MULTI_TARGET_DOC} ("it's recommended to operate one proxy and one target per Kubernetes (K8s) node")`,
  roles: ['aistore', 'target-statefulset'],
  mutates: false,
  check({ subject, operation, oldObject, layout, ctx, report }) {
    const { view } = layout;
    if (view.antiAffinityOff || view.size === undefined || view.size <= 1) return;
    // Turning anti-affinity back on: the operator refuses the update (operator-fixed-fields says so).
    if (subject.role === 'aistore' && isObject(oldObject) && antiAffinityDisabled(oldObject as AIStoreCR))
      return;
    const capacity = view.nodeSelector[HOSTNAME_KEY] ? 1 : ctx.schedulableNodeCount(view.placement);
    if (capacity === undefined) {
      const inferred = ctx.hostsOfVolumes();
      report.warn(
        '',
        `node count unknown: whether ${view.size} targets with required anti-affinity fit one per node was not checked` +
          (inferred.length
            ? ` (PVs name ${inferred.length} node(s): ${inferred.slice(0, 5).join(', ')}${inferred.length > 5 ? ', …' : ''}).`
            : '.'),
        'Give the Node objects (kubectl get nodes -o yaml) or the number of schedulable nodes with the input.',
      );
      return;
    }
    if (view.size <= capacity) return;
    report.warn(
      '',
      `${view.size} targets with required anti-affinity but only ${capacity} node(s) they can be scheduled on: ${view.size - capacity} target(s) stay Pending ("node(s) didn't match pod anti-affinity rules").`,
      // A live CR keeps its anti-affinity and hostPort as created (the operator's validateTargetUpdate):
      // only a new CR goes multi-target; and the operator writes a target StatefulSet only for a CR
      // that exists. Short, so it survives the 256-character warning cut.
      operation === 'UPDATE' || subject.role === 'target-statefulset'
        ? 'Add nodes or lower the target size: anti-affinity is fixed at creation (a new CR changes it).'
        : 'Add nodes, lower the target size, or run several targets per node: spec.targetSpec.disablePodAntiAffinity: true, one PV per target disk, no hostPort.',
    );
  },
});
