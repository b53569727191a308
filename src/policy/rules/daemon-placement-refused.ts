// The operator copies targetSpec and proxySpec nodeSelector and tolerations onto the pod template of
// their StatefulSets as written (target.NewTargetSS, proxy.NewProxyStatefulSet). The CRD takes any
// map of strings and any toleration; Kubernetes' validation of a pod (pkg/apis/core/validation:
// ValidateLabels on the nodeSelector, ValidateTolerations) then refuses every pod the StatefulSet
// controller makes. Kubernetes 1.33 takes the StatefulSet itself unvalidated; 1.36 refuses it. Either
// way the daemons never start, and a rolling update stops once it has deleted a daemon it cannot make
// again, while the CR is accepted. The guard warns and names what Kubernetes refuses; e2e 23 holds it
// to the operator's rendering and the apiserver's answer. The same fields of spec.adminClient go onto
// the admin client's Deployment (adminclient.NewClientDeployment), whose template every Kubernetes
// version validates: the operator's reconcile fails at that step, before the daemons.
import { goString, isObject, objectOf } from '../k8s.js';
import { isLabelValue, isQualifiedName, labelMapProblems } from '../k8s-names.js';
import { podSections, warnRefused, type Problem } from '../refused-fields.js';
import { defineRule, operatorLink } from '../rule.js';
import { quoted } from '../text.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L4020';
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** What ValidateTolerations refuses in one toleration. */
function tolerationProblems(t: Record<string, unknown>): string[] {
  const [key, operator, value, effect] = [
    goString(t.key),
    goString(t.operator),
    goString(t.value),
    goString(t.effect),
  ];
  const out: string[] = [];
  if (key !== '' && !isQualifiedName(key)) out.push(`key ${quoted(key)} is no label key`);
  if (key === '' && operator !== 'Exists') out.push('no key needs operator Exists');
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute')
    out.push('tolerationSeconds needs effect NoExecute');
  if (operator === '' || operator === 'Equal') {
    if (!isLabelValue(value)) out.push(`value ${quoted(value)} is no label value`);
  } else if (operator === 'Exists') {
    if (value !== '') out.push('operator Exists takes no value');
  } else out.push(`operator ${quoted(operator)} is neither Equal nor Exists`);
  if (effect !== '' && !EFFECTS.includes(effect))
    out.push(`effect ${quoted(effect)} is none of ${EFFECTS.join(', ')}`);
  return out;
}

/** What Kubernetes refuses in one pod spec's nodeSelector and tolerations, as the CR writes them. */
function problems(podSpec: Record<string, unknown>): Problem[] {
  const found: Problem[] = [];
  for (const { key, text } of labelMapProblems(objectOf(podSpec.nodeSelector), 'nodeSelector'))
    found.push({ at: ['nodeSelector', key], text });
  const tolerations = Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [];
  tolerations.forEach((t, i) => {
    if (isObject(t))
      for (const problem of tolerationProblems(t))
        found.push({ at: ['tolerations', i], text: `tolerations[${i}]: ${problem}` });
  });
  return found;
}

export default defineRule({
  id: 'daemon-placement-refused',
  title: 'Daemon or admin client nodeSelector or tolerations Kubernetes refuses on a pod',
  summary:
    "CR whose targetSpec or proxySpec nodeSelector has a key that is no label key or a value that is no label value, or whose tolerations hold what Kubernetes refuses on a pod (a key that is no label key, no key without operator Exists, tolerationSeconds without effect NoExecute, an operator other than Equal or Exists, a value with Exists or one that is no label value with Equal, an effect other than NoSchedule, PreferNoSchedule or NoExecute): warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces, though the CR was accepted); the same in spec.adminClient (while enabled) makes Kubernetes refuse the admin client Deployment, and the operator's reconcile fails there, before it makes or updates the daemons.",
  verdict: 'warn',
  operator: `The operator copies the daemon's nodeSelector and tolerations onto its pod template as written (${operatorLink('internal/resources/aistore/target/statefulset.go', 115, 'targetPodSpec')}, ${operatorLink('internal/resources/aistore/proxy/statefulset.go', 119, 'proxyPodSpec')}), and the admin client's onto its Deployment (${operatorLink('internal/resources/aistore/adminclient/deployment.go', 157, 'NewClientDeployment')}), which it makes in reconcileResources, before the daemons.`,
  howToFix:
    'Write nodeSelector keys and values as node labels are written, and tolerations as Kubernetes takes them: operator Equal (with a value) or Exists (without one), an effect of NoSchedule, PreferNoSchedule or NoExecute, tolerationSeconds only with NoExecute.',
  upstream: `${K8S_VALIDATION} (ValidateTolerations, and ValidateLabels on the nodeSelector, run on every pod the StatefulSet controller creates, from 1.36 on the StatefulSet's pod template, and on a Deployment's template in every version)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = objectOf(subject.object.spec);
    for (const { section: name, effect } of podSections(spec))
      warnRefused(
        report,
        name,
        problems(objectOf(spec[name])),
        effect,
        (fields) =>
          `Fix spec.${name} ${fields}: label keys and values as node labels are written; a toleration with operator Equal and a value, or Exists and none, an effect of NoSchedule, PreferNoSchedule or NoExecute, and tolerationSeconds only with NoExecute.`,
      );
  },
});
