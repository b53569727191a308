// DESIGN rule 11. With target anti-affinity on, at most one target runs per matching node: the rest
// stay Pending. (On CREATE of a CR, anti-affinity-not-disabled turns it off first.)
import { HOSTNAME_KEY } from '../k8s.js';
import { defineRule, MULTI_TARGET_DOC } from '../rule.js';

export default defineRule({
  id: 'targets-exceed-nodes',
  title: 'More targets than nodes with anti-affinity on',
  summary:
    'Target anti-affinity on and more targets than matching nodes: warn (the extra targets stay Pending).',
  howToFix: 'Add nodes, lower the size, or go multi-target (anti-affinity off, a PV per disk, no hostPort).',
  upstream: `${MULTI_TARGET_DOC} ("it's recommended to operate one proxy and one target per Kubernetes (K8s) node")`,
  roles: ['aistore', 'target-statefulset'],
  mutates: false,
  check({ layout, ctx, report }) {
    const { view } = layout;
    if (view.antiAffinityOff || view.size === undefined) return;
    const capacity = view.nodeSelector[HOSTNAME_KEY] ? 1 : ctx.nodesMatching(view.nodeSelector);
    if (capacity === undefined || view.size <= capacity) return;
    report.warn(
      '',
      `${view.size} targets with required anti-affinity but only ${capacity} matching node(s): ${view.size - capacity} target(s) stay Pending ("node(s) didn't match pod anti-affinity rules").`,
      'Add nodes, lower the target size, or run several targets per node: spec.targetSpec.disablePodAntiAffinity: true, one PV per target disk, no hostPort.',
    );
  },
});
