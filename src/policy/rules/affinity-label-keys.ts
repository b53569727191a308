// A pod (anti-)affinity term whose matchLabelKeys Kubernetes refuses on the pods. Neither the CRD
// nor a StatefulSet template's validation sees it: at pod creation the apiserver first adds
// `key in (own value)` to the selector for each matchLabelKeys key the pod carries
// (pkg/registry/core/pod/strategy.go applyMatchLabelKeysAndMismatchLabelKeys), then refuses a key
// now both there and in the selector already (pkg/apis/core/validation
// validateMatchLabelKeysAndMismatchLabelKeys). Every target pod is refused; no target starts.
import { targetPodLabels } from '../aistore.js';
import { isObject, labelsOf, objectsOf, recordOf, stringsOf } from '../k8s.js';
import { targetsCarry } from '../layout.js';
import { podSpecOf } from '../podspec.js';
import { defineRule, operatorLink, pointer } from '../rule.js';

interface Term {
  labelSelector?: unknown;
  matchLabelKeys?: unknown;
  mismatchLabelKeys?: unknown;
}

/** Every pod affinity and anti-affinity term, required and preferred, with its JSON pointer. */
function termsOf(affinity: unknown, base: string): { term: Term; path: string }[] {
  const found: { term: Term; path: string }[] = [];
  if (!isObject(affinity)) return found;
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const section: unknown = affinity[kind];
    if (!isObject(section)) continue;
    const required: unknown = section.requiredDuringSchedulingIgnoredDuringExecution;
    const preferred: unknown = section.preferredDuringSchedulingIgnoredDuringExecution;
    if (Array.isArray(required))
      required.forEach((term: unknown, i) => {
        if (isObject(term))
          found.push({
            term,
            path: base + pointer(kind, 'requiredDuringSchedulingIgnoredDuringExecution', i),
          });
      });
    if (Array.isArray(preferred))
      preferred.forEach((weighted: unknown, i) => {
        const term: unknown = isObject(weighted) ? weighted.podAffinityTerm : undefined;
        if (isObject(term))
          found.push({
            term,
            path:
              base + pointer(kind, 'preferredDuringSchedulingIgnoredDuringExecution', i, 'podAffinityTerm'),
          });
      });
  }
  return found;
}

/**
 * What the apiserver says of the term on a pod carrying the labels `carried` tells, or undefined.
 * The selector's keys are walked as its validation walks them: matchLabels first, then each
 * expression (the merged ones last); an expression on a matchLabelKeys key already seen fails.
 */
function refusal(term: Term, carried: (key: string) => boolean): string | undefined {
  const match = stringsOf(term.matchLabelKeys);
  const mismatch = new Set(stringsOf(term.mismatchLabelKeys));
  const both = match.find((k) => mismatch.has(k));
  if (both !== undefined) return `"${both}" exists in both matchLabelKeys and mismatchLabelKeys`;
  if (match.length + mismatch.size === 0) return undefined;
  const selector = term.labelSelector;
  if (!isObject(selector))
    return 'matchLabelKeys or mismatchLabelKeys must not be specified when labelSelector is not set';
  const labelled = new Set(Object.keys(recordOf(selector.matchLabels)));
  const expressionKeys = objectsOf<{ key?: unknown }>(selector.matchExpressions).map((e) => e.key);
  for (const key of match) {
    const expressions = expressionKeys.filter((k) => k === key).length + (carried(key) ? 1 : 0);
    if (expressions >= 1 && (labelled.has(key) ? 1 : 0) + expressions >= 2)
      return `"${key}" exists in both matchLabelKeys and labelSelector`;
  }
  return undefined;
}

export default defineRule({
  id: 'affinity-label-keys',
  title: 'Pod affinity matchLabelKeys that Kubernetes refuses on the target pods',
  summary:
    'A pod affinity or anti-affinity term of the targets with a matchLabelKeys key also in its labelSelector (the target pods carry it, so the apiserver merges it in), in mismatchLabelKeys too, or without a labelSelector: deny on the CR and the target StatefulSet. Kubernetes refuses every target pod.',
  verdict: 'deny',
  operator: `The operator copies spec.targetSpec.affinity onto the target pods (${operatorLink('internal/resources/aistore/target/statefulset.go', 158, 'createTargetAffinity')}); the CRD and a StatefulSet template's validation accept such a term, the pods made from it are refused.`,
  howToFix:
    'Drop the key from matchLabelKeys, or from the labelSelector: matchLabelKeys already selects pods with the same value.',
  upstream:
    'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L8136 (validateMatchLabelKeysAndMismatchLabelKeys: "exists in both matchLabelKeys and labelSelector")',
  roles: ['aistore', 'target-statefulset'],
  mutates: false,
  check({ subject, report }) {
    let affinity: unknown;
    let base: string;
    let labels: Record<string, string>;
    if (subject.role === 'aistore') {
      affinity = subject.object.spec?.targetSpec?.affinity;
      base = '/spec/targetSpec/affinity';
      labels = targetPodLabels(subject.crName, subject.object.spec?.targetSpec?.labels);
    } else {
      const ref = podSpecOf(subject);
      if (!ref) return;
      affinity = ref.spec.affinity;
      base = `${ref.base}/affinity`;
      labels = labelsOf(subject.object.spec?.template);
    }
    const carried = (key: string) => targetsCarry(labels, key);
    for (const { term, path } of termsOf(affinity, base)) {
      const why = refusal(term, carried);
      if (why)
        report.deny(
          path,
          `Kubernetes refuses every target pod made from this pod affinity term (${why}), so no target starts: the StatefulSet controller reports FailedCreate.`,
          'Drop the key from matchLabelKeys (it already selects pods with the same value), or from the labelSelector.',
        );
    }
  },
});
