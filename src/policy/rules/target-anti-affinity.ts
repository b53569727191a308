// With anti-affinity disabled the operator copies targetSpec.affinity verbatim, so a
// hand-written required hostname anti-affinity between targets still keeps them one per node. Which
// terms reach the other targets is layout.ts requiredTargetAntiAffinity's question.
import { targetPodLabels } from '../aistore.js';
import type { ClusterContext } from '../context.js';
import { HOSTNAME_KEY, labelsOf, type Affinity, type PodAffinityTerm } from '../k8s.js';
import {
  describeLayout,
  requiredTargetAntiAffinity,
  requiredTargetAntiAffinityByKey,
  type Layout,
} from '../layout.js';
import { knownByNameOnly } from '../nodes.js';
import { podSpecOf } from '../podspec.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink, type Reporter } from '../rule.js';

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

/**
 * Required terms between targets on another topology key (a zone, a rack) keep targets one per node
 * wherever the node carries the key. The guard knows a node's labels only for the node the layout
 * pins the targets to: known with the key, the CR or StatefulSet is denied as for a hostname term;
 * known without it, the term keeps nothing apart; unknown (or a pod, left as written), a warning.
 */
function judgeOtherKeys(
  terms: PodAffinityTerm[],
  path: string,
  where: string,
  { layout, ctx, report }: { layout: Layout; ctx: ClusterContext; report: Reporter },
  mayDeny: boolean,
): void {
  if (terms.length === 0) return;
  const host = layout.view.nodeSelector[HOSTNAME_KEY];
  const node = host ? ctx.nodeOfHost(host) : undefined;
  const labels = node && !knownByNameOnly(node) ? labelsOf(node) : undefined;
  const keys = [...new Set(terms.map((t) => t.topologyKey as string))].filter(
    (key) => labels === undefined || Object.hasOwn(labels, key),
  );
  if (keys.length === 0) return;
  const named = keys.map((k) => `"${k}"`).join(', ');
  const stuck = `the second target on a node stays Pending ("node(s) didn't match pod anti-affinity rules") in a ${describeLayout(layout)}`;
  if (mayDeny && labels !== undefined)
    return report.deny(
      path,
      `${where} a required anti-affinity between targets on ${named}, which node ${host} carries: targets that share it share its value, so ${stuck}.`,
      'Remove the target-selecting term, or make it preferred.',
    );
  report.warn(
    path,
    `${where} a required anti-affinity between targets on ${named}: targets that share a node share its value of that label, so on a node that carries it ${stuck}.`,
    `Remove the target-selecting term or make it preferred, unless the nodes the targets share carry no ${named} label.`,
  );
}

export default defineRule({
  id: 'target-anti-affinity',
  title: 'Required target-to-target anti-affinity in a multi-target layout',
  summary:
    "A required kubernetes.io/hostname pod anti-affinity that reaches the other targets (in their namespace, after matchLabelKeys/mismatchLabelKeys), in a multi-target layout: deny on the CR and StatefulSet; removed from target Pods on CREATE (warn). A term for other namespaces, or keyed on the pod's own name, is left alone. The same term on another topology key (a zone, a rack) keeps targets one per node wherever the node carries that label: denied on the CR and StatefulSet when the node the targets are pinned to is known to carry it, left alone when it is known without it, warned of otherwise (and on pods).",
  verdict: 'mutate + warn / deny',
  operator: `With disablePodAntiAffinity true the operator copies targetSpec.affinity verbatim onto the target pods (${operatorLink('internal/resources/aistore/target/statefulset.go', 158, 'createTargetAffinity')}), so a hand-written required term still applies.`,
  howToFix: 'Remove the target-selecting required term (a preferred one is fine).',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("To allow the placement of multiple proxies/targets on a single node, set disablePodAntiAffinity: true")`,
  roles: ['aistore', 'target-statefulset', 'target-pod'],
  mutates: true,
  // The finding is a required anti-affinity between targets.
  keepsTargetsApart: () => true,
  check({ subject, writable, layout, operation, report, ctx }) {
    if (!layout.multiTarget) return;
    const blocked = `keeps targets one per node in a ${describeLayout(layout)}: the second target on a node stays Pending ("node(s) didn't match pod anti-affinity rules")`;
    if (subject.role === 'aistore') {
      const affinity = subject.object.spec?.targetSpec?.affinity;
      const labels = targetPodLabels(subject.crName, subject.object.spec?.targetSpec?.labels);
      const terms = requiredTargetAntiAffinityByKey(affinity, labels, subject.namespace);
      judgeOtherKeys(
        terms.otherKeys,
        `/spec/targetSpec/affinity/${REQUIRED}`,
        'spec.targetSpec.affinity has',
        { layout, ctx, report },
        true,
      );
      if (terms.hostname.length > 0)
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
    if (!ref) return;
    const path = `${ref.base}/affinity/${REQUIRED}`;
    const what = subject.role === 'target-pod' ? 'the target pod has' : 'the target pod template has';
    const terms = requiredTargetAntiAffinityByKey(ref.spec.affinity, labels, subject.namespace);
    judgeOtherKeys(
      terms.otherKeys,
      path,
      what,
      { layout, ctx, report },
      subject.role === 'target-statefulset',
    );
    if (terms.hostname.length === 0) return;
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
