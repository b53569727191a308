// The operator copies targetSpec and proxySpec nodeSelector and tolerations onto the pod template of
// their StatefulSets as written (target.NewTargetSS, proxy.NewProxyStatefulSet). The CRD takes any
// map of strings and any toleration; Kubernetes' validation of a pod (pkg/apis/core/validation:
// ValidateLabels on the nodeSelector, ValidateTolerations) then refuses every pod the StatefulSet
// controller makes. Kubernetes 1.33 takes the StatefulSet itself unvalidated; 1.36 refuses it. Either
// way the daemons never start, and a rolling update stops once it has deleted a daemon it cannot make
// again, while the CR is accepted. The guard warns and names what Kubernetes refuses; e2e 23 holds it
// to the operator's rendering and the apiserver's answer.
import { isObject } from '../k8s.js';
import { isLabelValue, isQualifiedName } from '../k8s-names.js';
import { defineRule, operatorLink, pointer } from '../rule.js';
import { clip } from '../text.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L4020';
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const DAEMONS = [
  { spec: 'targetSpec', daemon: 'target', daemons: 'targets' },
  { spec: 'proxySpec', daemon: 'proxy', daemons: 'proxies' },
] as const;

/** A string field as Go decodes it: absent or null is "". */
const text = (v: unknown) => (typeof v === 'string' ? v : '');
/** CR text as a warning quotes it: JSON-quoted (no line breaks), clipped (a key can be megabytes). */
const quoted = (v: string) => JSON.stringify(clip(v, 100));
/** A nodeSelector key as a warning names it: as written while it is plain text, else quoted. */
const named = (key: string) => (/^[\x21-\x7e]+$/.test(key) ? clip(key, 100) : quoted(key));
/** Problems a warning names; the rest are counted (a CR can hold thousands of bad tolerations). */
const NAMED = 5;

/** What ValidateTolerations refuses in one toleration. */
function tolerationProblems(t: Record<string, unknown>): string[] {
  const [key, operator, value, effect] = [text(t.key), text(t.operator), text(t.value), text(t.effect)];
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

export default defineRule({
  id: 'daemon-placement-refused',
  title: 'Daemon nodeSelector or tolerations Kubernetes refuses on a pod',
  summary:
    "CR whose targetSpec or proxySpec nodeSelector has a key that is no label key or a value that is no label value, or whose tolerations hold what Kubernetes refuses on a pod (a key that is no label key, no key without operator Exists, tolerationSeconds without effect NoExecute, an operator other than Equal or Exists, a value with Exists or one that is no label value with Equal, an effect other than NoSchedule, PreferNoSchedule or NoExecute): warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces, though the CR was accepted).",
  verdict: 'warn',
  operator: `The operator copies the daemon's nodeSelector and tolerations onto its pod template as written (${operatorLink('internal/resources/aistore/target/statefulset.go', 115, 'targetPodSpec')}, ${operatorLink('internal/resources/aistore/proxy/statefulset.go', 119, 'proxyPodSpec')}).`,
  howToFix:
    'Write nodeSelector keys and values as node labels are written, and tolerations as Kubernetes takes them: operator Equal (with a value) or Exists (without one), an effect of NoSchedule, PreferNoSchedule or NoExecute, tolerationSeconds only with NoExecute.',
  upstream: `${K8S_VALIDATION} (ValidateTolerations, and ValidateLabels on the nodeSelector, run on every pod the StatefulSet controller creates, and from 1.36 on the StatefulSet's pod template)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const spec = isObject(subject.object.spec) ? subject.object.spec : {};
    for (const { spec: name, daemon, daemons } of DAEMONS) {
      const daemonSpec = isObject(spec[name]) ? spec[name] : {};
      const found: { at: (string | number)[]; text: string }[] = [];
      const selector = isObject(daemonSpec.nodeSelector) ? daemonSpec.nodeSelector : {};
      for (const [key, value] of Object.entries(selector)) {
        if (!isQualifiedName(key))
          found.push({
            at: ['nodeSelector', key],
            text: `nodeSelector key ${quoted(key)} is no label key`,
          });
        if (typeof value === 'string' && !isLabelValue(value))
          found.push({
            at: ['nodeSelector', key],
            text: `nodeSelector ${named(key)}: ${quoted(value)} is no label value`,
          });
      }
      const tolerations = Array.isArray(daemonSpec.tolerations) ? daemonSpec.tolerations : [];
      tolerations.forEach((t, i) => {
        if (isObject(t))
          for (const problem of tolerationProblems(t))
            found.push({ at: ['tolerations', i], text: `tolerations[${i}]: ${problem}` });
      });
      if (found.length === 0) continue;
      const listed = found.slice(0, NAMED).map((f) => f.text);
      const more = found.length > NAMED ? ` (and ${found.length - NAMED} more)` : '';
      report.warn(
        pointer('spec', name, ...found[0]!.at),
        `spec.${name}: Kubernetes refuses every ${daemon} pod made from the operator's StatefulSet (from 1.36 the StatefulSet itself): ${listed.join('; ')}${more}. The ${daemons} never start, or a rolling update stops at the first one it replaces; the CR is accepted, and only events and the operator's logs say so.`,
        `Fix spec.${name} ${[...new Set(found.map((f) => f.at[0]))].join(' and ')}: label keys and values as node labels are written; a toleration with operator Equal and a value, or Exists and none, an effect of NoSchedule, PreferNoSchedule or NoExecute, and tolerationSeconds only with NoExecute.`,
      );
    }
  },
});
