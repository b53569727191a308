// When the layout is multi-target by other signals (PVs, nodeSelector, node count)
// but target anti-affinity is still on, the second target on a node stays Pending. Turn it off on
// CREATE (the operator rejects targetSpec changes on UPDATE; rule targets-exceed-nodes warns then).
// On UPDATE, keep a true the stored CR has when the update drops the field: re-sending the manifest
// the guard patched on CREATE would otherwise be a targetSpec change the operator rejects.
import { describeLayout, describeSignal, type Layout } from '../layout.js';
import { isObject, objectAt } from '../k8s.js';
import { antiAffinityDisabled, dropsStoredAntiAffinityOff, type AIStoreCR } from '../aistore.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink, type Reporter } from '../rule.js';

export default defineRule({
  id: 'anti-affinity-not-disabled',
  title: 'Multi-target layout with target anti-affinity still on',
  summary:
    'Multi-target layout (by PVs, nodeSelector or node count; on CREATE also a size-1 CR beside PVs made for its later targets on one node) without spec.targetSpec.disablePodAntiAffinity: set to true on CREATE (warn) and kept on an UPDATE that drops it; an explicit false is kept and warned about; an update while PVs put two targets on one node and anti-affinity stays on is warned about.',
  verdict: 'mutate + warn',
  operator: `Unless targetSpec.disablePodAntiAffinity is true (${operatorLink('api/aistore/v1beta1/aistore_types.go', 1137, 'AllowTargetSharedNodes')}), the operator gives targets a required kubernetes.io/hostname anti-affinity against each other (${operatorLink('internal/resources/aistore/target/statefulset.go', 158, 'createTargetAffinity')}, ${operatorLink('internal/resources/aistore/cmn/res.go', 165, 'createPodAntiAffinity')}).`,
  howToFix: 'Set `spec.targetSpec.disablePodAntiAffinity: true` (the guard does it on CREATE).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("Disable Pod Anti-Affinity ... critical for deploying multiple targets per node")`,
  roles: ['aistore'],
  mutates: true,
  check({ subject, writable, layout, operation, oldObject, report }) {
    if (operation === 'UPDATE' && dropsStoredAntiAffinityOff(subject.object, oldObject)) {
      const targetSpec = objectAt(objectAt(writable().object, 'spec'), 'targetSpec') as Record<
        string,
        unknown
      >;
      targetSpec.disablePodAntiAffinity = true;
      report.mutated(
        '/spec/targetSpec/disablePodAntiAffinity',
        'spec.targetSpec.disablePodAntiAffinity is true in the stored CR and missing from this update: the operator rejects any change to it on UPDATE (its webhook compares targetSpec), so the guard keeps true.',
        'Write spec.targetSpec.disablePodAntiAffinity: true in your manifest.',
      );
      return;
    }
    if (layout.view.antiAffinityOff) return;
    if (operation === 'UPDATE') {
      // Turning it back on: the operator refuses the update, the targets keep anti-affinity off.
      if (isObject(oldObject) && antiAffinityDisabled(oldObject as AIStoreCR)) return;
      return warnKeptApartOnSharedNode(layout, report);
    }
    if (operation !== 'CREATE') return;
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

/**
 * An update of a CR whose targets keep anti-affinity while PVs put two of them on one node: the
 * operator lets the size change but not disablePodAntiAffinity, so one of them stays Pending. Said on
 * every update (and by audit, which judges a live CR as the update from itself), not only a scale-out:
 * the targets stay Pending whatever else the update changes.
 */
function warnKeptApartOnSharedNode(layout: Layout, report: Reporter): void {
  const shared = layout.signals.find((s) => s.id === 'pvs-share-node');
  // Sharing only among targets past the size (a scale-down ended it) keeps no running target Pending.
  if (!shared || shared.pastSize || layout.multiTarget) return;
  report.warn(
    '/spec/targetSpec/size',
    `${shared.detail}, but the targets keep a required hostname anti-affinity, which the operator refuses to change on a live CR: every target after the first on that node stays Pending ("node(s) didn't match pod anti-affinity rules").`,
    'Move those PVs to nodes of their own, or recreate the AIStore CR with spec.targetSpec.disablePodAntiAffinity: true.',
  );
}
