// A Kubernetes label selector (matchLabels, matchExpressions) against a set of labels, as the
// apiserver matches a webhook's namespaceSelector against a namespace's labels.
import type { LabelSelector } from '../types.js';

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : false; // an unknown operator: the apiserver would have refused the object
    if (!ok) return false;
  }
  return true;
}
