// With anti-affinity disabled the operator copies targetSpec.affinity verbatim, so a
// hand-written required hostname anti-affinity between targets still keeps them one per node. Which
// terms reach the other targets is layout.ts requiredTargetAntiAffinity's question.
import { targetPodLabels } from '../aistore.js';
import { labelsOf, type Affinity } from '../k8s.js';
import { describeLayout, requiredTargetAntiAffinity } from '../layout.js';
import { podSpecOf } from '../podspec.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink } from '../rule.js';

const REQUIRED = 'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution';

/** Remove the given terms, and the objects they leave empty, so the result is what a human would write. */
function stripTerms(affinity: Affinity, terms: unknown[]): void {
  const anti = affinity.podAntiAffinity;
  if (!anti?.requiredDuringSchedulingIgnoredDuringExecution) return;
  const kept = anti.requiredDuringSchedulingIgnoredDuringExecution.filter((t) => !terms.includes(t));
  if (kept.length > 0) anti.requiredDuringSchedulingIgnoredDuringExecution = kept;
  else delete anti.requiredDuringSchedulingIgnoredDuringExecution;
  if (Object.keys(anti).length === 0) delete affinity.podAntiAffinity;
}

export default defineRule({
  id: 'target-anti-affinity',
  title: 'Required target-to-target anti-affinity in a multi-target layout',
  summary:
    "A required kubernetes.io/hostname pod anti-affinity that reaches the other targets (in their namespace, after matchLabelKeys/mismatchLabelKeys), in a multi-target layout: deny on the CR and StatefulSet; removed from target Pods on CREATE (warn). A term for other namespaces, or keyed on the pod's own name, is left alone.",
  verdict: 'mutate + warn / deny',
  operator: `With disablePodAntiAffinity true the operator copies targetSpec.affinity verbatim onto the target pods (${operatorLink('internal/resources/aistore/target/statefulset.go', 158, 'createTargetAffinity')}), so a hand-written required term still applies.`,
  howToFix: 'Remove the target-selecting required term (a preferred one is fine).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("To allow the placement of multiple proxies/targets on a single node, set disablePodAntiAffinity: true")`,
  roles: ['aistore', 'target-statefulset', 'target-pod'],
  mutates: true,
  // The finding is a required hostname anti-affinity between targets.
  keepsTargetsApart: () => true,
  check({ subject, writable, layout, operation, report }) {
    if (!layout.multiTarget) return;
    const blocked = `keeps targets one per node in a ${describeLayout(layout)}: the second target on a node stays Pending ("node(s) didn't match pod anti-affinity rules")`;
    if (subject.role === 'aistore') {
      const affinity = subject.object.spec?.targetSpec?.affinity;
      const labels = targetPodLabels(subject.crName, subject.object.spec?.targetSpec?.labels);
      const terms = requiredTargetAntiAffinity(affinity, labels, subject.namespace);
      if (terms.length > 0)
        report.deny(
          `/spec/targetSpec/affinity/${REQUIRED}`,
          `spec.targetSpec.affinity has a required hostname anti-affinity between targets; the operator copies it verbatim even with disablePodAntiAffinity, so it ${blocked}.`,
          'Remove the target-selecting term from spec.targetSpec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution (a preferred term is fine).',
        );
      return;
    }
    const ref = podSpecOf(subject);
    const labels =
      subject.role === 'target-pod' ? labelsOf(subject.object) : labelsOf(subject.object.spec?.template);
    const terms = requiredTargetAntiAffinity(ref?.spec.affinity, labels, subject.namespace);
    if (!ref || terms.length === 0) return;
    const path = `${ref.base}/affinity/${REQUIRED}`;
    if (subject.role === 'target-pod' && operation === 'CREATE') {
      // The same terms, found again on the copy the guard changes.
      const spec = (podSpecOf(writable()) as NonNullable<typeof ref>).spec;
      stripTerms(
        spec.affinity as Affinity,
        requiredTargetAntiAffinity(spec.affinity, labels, subject.namespace),
      );
      if (Object.keys(spec.affinity ?? {}).length === 0) delete spec.affinity;
      report.mutated(
        path,
        `removed the target pod's required hostname anti-affinity: it ${blocked}.`,
        'Set spec.targetSpec.disablePodAntiAffinity: true on the AIStore CR.',
      );
      return;
    }
    if (subject.role === 'target-statefulset')
      report.deny(
        path,
        `the target pod template's required hostname anti-affinity ${blocked}.`,
        'Set spec.targetSpec.disablePodAntiAffinity: true on the AIStore CR and let the operator re-render the StatefulSet.',
      );
  },
});
