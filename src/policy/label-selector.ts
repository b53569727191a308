// What Kubernetes' ValidateLabelSelector refuses (apimachinery pkg/apis/meta/v1/validation
// ValidateLabelSelectorRequirement), as it validates a new object: label values checked. The operator
// copies selectors as written into pod affinity terms (CreateAISAffinity) and a mount's claims
// (Mount.BuildPVC); the CRD types them and checks nothing more.
import { goString, isObject, objectOf } from './k8s.js';
import { isLabelValue, isQualifiedName, labelMapProblems } from './k8s-names.js';
import { quoted } from './text.js';
import type { Problem } from './refused-fields.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const NODE_OPERATORS = [...OPERATORS, 'Gt', 'Lt'];

/**
 * What one matchExpressions entry breaks: of a label selector (ValidateLabelSelectorRequirement) or,
 * with Gt and Lt, of a node selector (ValidateNodeSelectorRequirement); label values are checked
 * unless Kubernetes lets them pass (a node affinity preference).
 */
export function requirementProblems(
  r: Record<string, unknown>,
  { node, labelValues }: { node: boolean; labelValues: boolean },
): string[] {
  const [key, operator] = [goString(r.key), goString(r.operator)];
  const values = Array.isArray(r.values) ? r.values.map(goString) : [];
  const out: string[] = [];
  if (!(node ? NODE_OPERATORS : OPERATORS).includes(operator))
    out.push(`operator ${quoted(operator)} is not a ${node ? 'node' : 'label'} selector operator`);
  else if ((operator === 'In' || operator === 'NotIn') && values.length === 0)
    out.push(`operator ${operator} needs values`);
  else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0)
    out.push(`operator ${operator} takes no values`);
  else if ((operator === 'Gt' || operator === 'Lt') && values.length !== 1)
    out.push(`operator ${operator} takes exactly one value`);
  if (!isQualifiedName(key)) out.push(`key ${quoted(key)} is no label key`);
  if (labelValues)
    for (const v of values) if (!isLabelValue(v)) out.push(`value ${quoted(v)} is no label value`);
  return out;
}

/** A field path as Kubernetes writes it: `a.b[0].c`. */
export const fieldPath = (at: readonly (string | number)[]): string =>
  at.reduce<string>(
    (out, step) => (typeof step === 'number' ? `${out}[${step}]` : out ? `${out}.${step}` : step),
    '',
  );

/** A problem at `at`, its text led by that path as Kubernetes writes it. */
export const problemAt = (at: (string | number)[], text: string): Problem => ({
  at,
  text: `${fieldPath(at)}: ${text}`,
});

/** The selector's problems, each at its path under `at` (where the selector is). */
export function labelSelectorProblems(selector: unknown, at: (string | number)[]): Problem[] {
  if (!isObject(selector)) return [];
  // labelMapProblems' text names the map and key already: led by the selector's path alone.
  const found = labelMapProblems(objectOf(selector.matchLabels), 'matchLabels').map(
    ({ key, text }): Problem => ({ at: [...at, 'matchLabels', key], text: `${fieldPath(at)}: ${text}` }),
  );
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  expressions.forEach((r, j) => {
    if (!isObject(r)) return;
    for (const text of requirementProblems(r, { node: false, labelValues: true }))
      found.push(problemAt([...at, 'matchExpressions', j], text));
  });
  return found;
}
