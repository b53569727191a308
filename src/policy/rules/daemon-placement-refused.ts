// The operator copies targetSpec and proxySpec nodeSelector and tolerations onto the pod template of
// their StatefulSets as written (target.NewTargetSS, proxy.NewProxyStatefulSet), and their affinity
// too (CreateAISAffinity adds pod anti-affinity only where none is given). The CRD takes any map of
// strings, any toleration, any node selector requirement and any pod affinity term; Kubernetes'
// validation of a pod (pkg/apis/core/validation: ValidateLabels on the nodeSelector,
// ValidateTolerations, validateNodeAffinity, validatePodAffinity) then refuses every pod
// the StatefulSet controller makes. Kubernetes 1.33 takes the StatefulSet itself unvalidated; 1.36 refuses it. Either
// way the daemons never start, and a rolling update stops once it has deleted a daemon it cannot make
// again, while the CR is accepted. The guard warns and names what Kubernetes refuses; e2e 23 holds it
// to the operator's rendering and the apiserver's answer. The same fields of spec.adminClient go onto
// the admin client's Deployment (adminclient.NewClientDeployment), whose template every Kubernetes
// version validates: the operator's reconcile fails at that step, before the daemons.
import { goString, isObject, objectOf } from '../k8s.js';
import { isDnsLabel, isDnsSubdomain, isLabelValue, isQualifiedName, labelMapProblems } from '../k8s-names.js';
import { labelSelectorProblems, problemAt, requirementProblems } from '../label-selector.js';
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

/** What ValidateNodeFieldSelectorRequirement refuses in one matchFields entry. */
function fieldProblems(r: Record<string, unknown>): string[] {
  const [key, operator] = [goString(r.key), goString(r.operator)];
  const values = Array.isArray(r.values) ? r.values.map(goString) : [];
  const out: string[] = [];
  if (operator !== 'In' && operator !== 'NotIn')
    out.push(`operator ${quoted(operator)} is neither In nor NotIn, all a field selector takes`);
  else if (values.length !== 1) out.push(`operator ${operator} on a field takes exactly one value`);
  if (key !== 'metadata.name') out.push(`key ${quoted(key)} is no node field (metadata.name is the one)`);
  else for (const v of values) if (!isDnsSubdomain(v)) out.push(`value ${quoted(v)} is no node name`);
  return out;
}

/** One node selector term's problems, at `at`; label values are checked in required terms only. */
function termProblems(term: unknown, at: (string | number)[], labelValues: boolean): Problem[] {
  const found: Problem[] = [];
  if (!isObject(term)) return found;
  for (const [field, check] of [
    ['matchExpressions', (r: Record<string, unknown>) => requirementProblems(r, { node: true, labelValues })],
    ['matchFields', fieldProblems],
  ] as const) {
    const list = Array.isArray(term[field]) ? (term[field] as unknown[]) : [];
    list.forEach((r, j) => {
      if (isObject(r)) for (const text of check(r)) found.push(problemAt([...at, field, j], text));
    });
  }
  return found;
}

/**
 * What validateNodeAffinity refuses (k8s pkg/apis/core/validation validation.go ValidateNodeSelector,
 * ValidatePreferredSchedulingTerms): a required node selector without terms, a requirement
 * Kubernetes cannot read (review sched46: matchFields metadata.name In [n1, n2] passed, and every
 * target pod was refused), a preference's weight outside 1-100. Label values are checked in required
 * terms only, as a new pod's are.
 */
function nodeAffinityProblems(affinity: unknown): Problem[] {
  const nodeAffinity = isObject(affinity) ? affinity.nodeAffinity : undefined;
  if (!isObject(nodeAffinity)) return [];
  const found: Problem[] = [];
  const base = ['affinity', 'nodeAffinity'];
  const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (isObject(required)) {
    const at = [...base, 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
    const terms = Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms : [];
    if (terms.length === 0) found.push(problemAt(at, 'at least one term is required'));
    terms.forEach((term, i) => found.push(...termProblems(term, [...at, i], true)));
  }
  const preferred = nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution;
  (Array.isArray(preferred) ? preferred : []).forEach((p, i) => {
    if (!isObject(p)) return;
    const at = [...base, 'preferredDuringSchedulingIgnoredDuringExecution', i];
    found.push(...weightProblems(p.weight, [...at, 'weight']));
    found.push(...termProblems(p.preference, [...at, 'preference'], false));
  });
  return found;
}

/** What validatePodAffinityTerm refuses (matchLabelKeys and mismatchLabelKeys are affinity-label-keys'). */
function podTermProblems(term: unknown, at: (string | number)[]): Problem[] {
  if (!isObject(term)) return [];
  const found = [
    ...labelSelectorProblems(term.labelSelector, [...at, 'labelSelector']),
    ...labelSelectorProblems(term.namespaceSelector, [...at, 'namespaceSelector']),
  ];
  const namespaces = Array.isArray(term.namespaces) ? term.namespaces.map(goString) : [];
  for (const ns of namespaces)
    if (!isDnsLabel(ns)) found.push(problemAt([...at, 'namespaces'], `${quoted(ns)} is no namespace name`));
  const topologyKey = goString(term.topologyKey);
  if (topologyKey === '')
    found.push(
      problemAt(
        [...at, 'topologyKey'],
        'none given (a term needs a node label key, such as kubernetes.io/hostname)',
      ),
    );
  else if (!isQualifiedName(topologyKey))
    found.push(problemAt([...at, 'topologyKey'], `${quoted(topologyKey)} is no label key`));
  return found;
}

/**
 * What validatePodAffinity and validatePodAntiAffinity refuse (k8s pkg/apis/core/validation
 * validation.go validatePodAffinityTerm, validateWeightedPodAffinityTerms): the operator copies
 * targetSpec.affinity as written (CreateAISAffinity adds its anti-affinity only when none is given).
 */
function podAffinityProblems(affinity: unknown): Problem[] {
  if (!isObject(affinity)) return [];
  const found: Problem[] = [];
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const section = affinity[kind];
    if (!isObject(section)) continue;
    const base = ['affinity', kind];
    const required = section.requiredDuringSchedulingIgnoredDuringExecution;
    (Array.isArray(required) ? required : []).forEach((term, i) =>
      found.push(...podTermProblems(term, [...base, 'requiredDuringSchedulingIgnoredDuringExecution', i])),
    );
    const preferred = section.preferredDuringSchedulingIgnoredDuringExecution;
    (Array.isArray(preferred) ? preferred : []).forEach((p, i) => {
      if (!isObject(p)) return;
      const at = [...base, 'preferredDuringSchedulingIgnoredDuringExecution', i];
      found.push(...weightProblems(p.weight, [...at, 'weight']));
      found.push(...podTermProblems(p.podAffinityTerm, [...at, 'podAffinityTerm']));
    });
  }
  return found;
}

/** A preference's weight: 1 to 100 (ValidatePreferredSchedulingTerms, validateWeightedPodAffinityTerms). */
function weightProblems(weight: unknown, at: (string | number)[]): Problem[] {
  return typeof weight === 'number' && weight >= 1 && weight <= 100
    ? []
    : [problemAt(at, `${weight === undefined ? '0 (unset)' : JSON.stringify(weight)} is not within 1-100`)];
}

/** What Kubernetes refuses in one pod spec's nodeSelector, tolerations and node and pod affinity, as the CR writes them. */
function problems(podSpec: Record<string, unknown>): Problem[] {
  const found: Problem[] = [];
  for (const { key, text } of labelMapProblems(objectOf(podSpec.nodeSelector), 'nodeSelector'))
    found.push({ at: ['nodeSelector', key], text });
  const tolerations = Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [];
  tolerations.forEach((t, i) => {
    if (isObject(t))
      for (const problem of tolerationProblems(t)) found.push(problemAt(['tolerations', i], problem));
  });
  found.push(...nodeAffinityProblems(podSpec.affinity));
  found.push(...podAffinityProblems(podSpec.affinity));
  return found;
}

export default defineRule({
  id: 'daemon-placement-refused',
  title: 'Daemon or admin client nodeSelector, tolerations or affinity Kubernetes refuses on a pod',
  summary:
    "CR whose targetSpec or proxySpec nodeSelector has a key that is no label key or a value that is no label value, or whose tolerations hold what Kubernetes refuses on a pod (a key that is no label key, no key without operator Exists, tolerationSeconds without effect NoExecute, an operator other than Equal or Exists, a value with Exists or one that is no label value with Equal, an effect other than NoSchedule, PreferNoSchedule or NoExecute), or whose affinity.nodeAffinity does (a required node selector without terms; in a term, an operator a node selector does not have, In/NotIn without values, Exists/DoesNotExist with values, Gt/Lt without exactly one, a key that is no label key, a value that is no label value in a required term; a matchFields entry on another field than metadata.name, with an operator other than In/NotIn or not exactly one value that is a node name; a preference weight outside 1-100), or whose affinity.podAffinity or podAntiAffinity does (a term with an empty topologyKey or one that is no label key, a labelSelector or namespaceSelector Kubernetes cannot read: an operator other than In, NotIn, Exists, DoesNotExist, In/NotIn without values, Exists/DoesNotExist with values, a key that is no label key, a value that is no label value; a namespace that is no namespace name; a preference weight outside 1-100): warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces, though the CR was accepted); the same in spec.adminClient (while enabled) makes Kubernetes refuse the admin client Deployment, and the operator's reconcile fails there, before it makes or updates the daemons.",
  verdict: 'warn',
  operator: `The operator copies the daemon's nodeSelector and tolerations onto its pod template as written (${operatorLink('internal/resources/aistore/target/statefulset.go', 115, 'targetPodSpec')}, ${operatorLink('internal/resources/aistore/proxy/statefulset.go', 119, 'proxyPodSpec')}), its affinity too (${operatorLink('internal/resources/aistore/cmn/res.go', 151, 'CreateAISAffinity')} adds pod anti-affinity only where none is given), and the admin client's onto its Deployment (${operatorLink('internal/resources/aistore/adminclient/deployment.go', 157, 'NewClientDeployment')}), which it makes in reconcileResources, before the daemons.`,
  howToFix:
    'Write nodeSelector keys and values as node labels are written, and tolerations as Kubernetes takes them: operator Equal (with a value) or Exists (without one), an effect of NoSchedule, PreferNoSchedule or NoExecute, tolerationSeconds only with NoExecute; in node affinity, one value per matchFields entry on metadata.name (a term per node name: terms are ORed), and operators with the values they take; in pod affinity and anti-affinity, a topologyKey (such as kubernetes.io/hostname) in every term and selectors written as Kubernetes reads them.',
  upstream: `${K8S_VALIDATION} (ValidateTolerations, ValidateLabels on the nodeSelector, validateNodeAffinity, validatePodAffinity and validatePodAntiAffinity, run on every pod the StatefulSet controller creates, from 1.36 on the StatefulSet's pod template, and on a Deployment's template in every version)`,
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
          `Fix spec.${name} ${fields}: label keys and values as node labels are written; a toleration with operator Equal and a value, or Exists and none, an effect of NoSchedule, PreferNoSchedule or NoExecute, and tolerationSeconds only with NoExecute; node affinity requirements as Kubernetes reads them (one node name per matchFields entry); a topologyKey and readable selectors in every pod affinity term.`,
      );
  },
});
