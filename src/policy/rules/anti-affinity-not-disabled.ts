// DESIGN rule 6. When the layout is multi-target by other signals (PVs, nodeSelector, node count)
// but target anti-affinity is still on, the second target on a node stays Pending. Turn it off on
// CREATE (the operator rejects targetSpec changes on UPDATE; rule targets-exceed-nodes warns then).
import { describeLayout, describeSignal } from '../layout.js';
import { objectAt } from '../k8s.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

export default defineRule({
  id: 'anti-affinity-not-disabled',
  title: 'Multi-target layout with target anti-affinity still on',
  summary:
    'Multi-target layout (by PVs, nodeSelector or node count) without spec.targetSpec.disablePodAntiAffinity: set to true on CREATE (warn); an explicit false is kept and warned about.',
  verdict: 'mutate + warn',
  operator: `Unless targetSpec.disablePodAntiAffinity is true (${operatorLink('api/aistore/v1beta1/aistore_types.go', 1137, 'AllowTargetSharedNodes')}), the operator gives targets a required kubernetes.io/hostname anti-affinity against each other (${operatorLink('internal/resources/aistore/target/statefulset.go', 158, 'createTargetAffinity')}, ${operatorLink('internal/resources/aistore/cmn/res.go', 165, 'createPodAntiAffinity')}).`,
  howToFix: 'Set `spec.targetSpec.disablePodAntiAffinity: true` (the guard does it on CREATE).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("Disable Pod Anti-Affinity ... critical for deploying multiple targets per node")`,
  roles: ['aistore'],
  mutates: true,
  check({ writable, layout, operation, report }) {
    if (operation !== 'CREATE' || layout.view.antiAffinityOff) return;
    if (layout.view.antiAffinityKeptExplicitly && layout.signals.length > 0) {
      // The user said false in so many words: never override it, say what it costs.
      report.warn(
        '/spec/targetSpec/disablePodAntiAffinity',
        `${describeSignal(layout)}, but spec.targetSpec.disablePodAntiAffinity is explicitly false: every target after the first on a node stays Pending ("node(s) didn't match pod anti-affinity rules"). The guard leaves an explicit choice alone.`,
        'Set spec.targetSpec.disablePodAntiAffinity: true for several targets per node, or give every target its own node.',
      );
      return;
    }
    if (!layout.multiTarget) return;
    const targetSpec = objectAt(objectAt(writable().object, 'spec'), 'targetSpec');
    if (!targetSpec) return; // not an object: the CRD's schema validation rejects it anyway
    targetSpec.disablePodAntiAffinity = true;
    report.mutated(
      '/spec/targetSpec/disablePodAntiAffinity',
      `${describeLayout(layout)}, but target anti-affinity was on: every target after the first on a node would stay Pending ` +
        `("node(s) didn't match pod anti-affinity rules"); set spec.targetSpec.disablePodAntiAffinity: true.`,
      'Write spec.targetSpec.disablePodAntiAffinity: true in your manifest.',
    );
  },
});
