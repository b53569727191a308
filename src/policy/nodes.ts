// Which nodes a target can use. Two questions, answered as their owners answer them:
// - how many targets the operator renders when autoscaling: nodes whose labels match
//   targetSpec.nodeSelector and whose NoSchedule/NoExecute taints targetSpec.tolerations tolerate
//   (operator internal/controller/aistore/cluster_controller.go listMatchingNodes, common.go toleratesTaints);
// - where the scheduler can put a target pod: the same, minus cordoned nodes (NodeUnschedulable)
//   and nodes outside the required node affinity (NodeAffinity).
import { asText, HOSTNAME_KEY, isObject, labelsOf, nameOf, objectsOf, recordOf, stringsOf } from './k8s.js';
import type { NodeSelectorRequirement, NodeSelectorTerm, Node } from './k8s.js';
import { isLabelValue } from './k8s-names.js';

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

interface Taint {
  key: string;
  value: string;
  effect: string;
}

/** What a target pod carries that decides where it may run. */
export interface Placement {
  nodeSelector: Record<string, string>;
  tolerations: unknown;
  /** spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms */
  requiredTerms?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function taintsOf(node: Node): Taint[] {
  const spec: unknown = node.spec;
  return objectsOf<Record<string, unknown>>(isObject(spec) ? spec.taints : undefined).map((t) => ({
    key: str(t.key),
    value: str(t.value),
    effect: str(t.effect),
  }));
}

/** k8s.io/apimachinery content.IsDecimalInteger, parsed as int64 (strconv.ParseInt), else undefined. */
function int64(value: string): bigint | undefined {
  if (!/^(0|-?[1-9][0-9]*)$/.test(value)) return undefined;
  const n = BigInt(value);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/**
 * strconv.ParseInt(value, 10, 64), as a node selector's Gt/Lt reads the label and its one value
 * (apimachinery labels/selector.go NewRequirement and Requirement.Matches): an optional sign, then
 * digits, leading zeros read ("007" is 7), else undefined. A label has no sign (no label value starts
 * with one); a value with one is refused by NewRequirement's label value check, and its term matches
 * no node (see requirementHolds).
 */
function parseInt64(value: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined;
  const n = BigInt(value);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** k8s.io/api core/v1 Toleration.ToleratesTaint (v0.36, comparison operators enabled, as the operator calls it). */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  const effect = str(toleration.effect);
  if (effect && effect !== taint.effect) return false;
  const key = str(toleration.key);
  if (key && key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return str(toleration.value) === taint.value;
    case 'Exists':
      return true;
    case 'Lt':
    case 'Gt': {
      const want = int64(str(toleration.value));
      const have = int64(taint.value);
      if (want === undefined || have === undefined) return false;
      return toleration.operator === 'Lt' ? have < want : have > want;
    }
    default:
      return false;
  }
}

const HARD_EFFECTS = new Set(['NoSchedule', 'NoExecute']);

/** Every NoSchedule/NoExecute taint of the node is tolerated (operator common.go toleratesTaints). */
export function toleratesTaints(tolerations: unknown, node: Node): boolean {
  const list = objectsOf<Toleration>(tolerations);
  return taintsOf(node).every(
    (taint) => !HARD_EFFECTS.has(taint.effect) || list.some((t) => toleratesTaint(t, taint)),
  );
}

/** labels.SelectorFromSet(nodeSelector).Matches(node labels): every pair present and equal. */
export function matchesNodeSelector(nodeSelector: Record<string, string>, node: Node): boolean {
  const labels = labelsOf(node);
  return Object.entries(nodeSelector).every(
    ([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === asText(v),
  );
}

function requirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = stringsOf(req.values);
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = value === undefined ? undefined : parseInt64(value);
      const one = values.length === 1 ? (values[0] as string) : undefined;
      const want = one !== undefined && isLabelValue(one) ? parseInt64(one) : undefined;
      if (have === undefined || want === undefined) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** Required node affinity (terms ORed, requirements ANDed; matchFields knows metadata.name only). */
export function matchesRequiredTerms(terms: unknown, node: Node): boolean {
  if (terms === undefined || terms === null) return true;
  const labels = labelsOf(node);
  return objectsOf<NodeSelectorTerm>(terms).some((term) => {
    const exprs = objectsOf<NodeSelectorRequirement>(term.matchExpressions);
    const fields = objectsOf<NodeSelectorRequirement>(term.matchFields);
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((r) =>
        requirementHolds(
          r,
          Object.prototype.hasOwnProperty.call(labels, str(r.key)) ? labels[str(r.key)] : undefined,
        ),
      ) && fields.every((r) => r.key === 'metadata.name' && requirementHolds(r, nameOf(node)))
    );
  });
}

/** Nodes the operator counts for an autoscaled target set (selector + tolerated taints). */
export function autoScaleNodes(placement: Placement, nodes: readonly Node[]): Node[] {
  return nodes.filter(
    (n) => matchesNodeSelector(placement.nodeSelector, n) && toleratesTaints(placement.tolerations, n),
  );
}

/**
 * Nodes the scheduler can put a target pod on, for good: by nodeSelector, tolerated taints and
 * required node affinity. A cordon and the taints of a node that is briefly not ready, unreachable or
 * under pressure come and go (withoutLifecycleTaints): a node drained for maintenance while a CR is
 * created must not make its layout multi-target, which the operator never lets change back.
 */
export function schedulableNodes(placement: Placement, nodes: readonly Node[]): Node[] {
  return nodes.filter(
    (n) =>
      matchesNodeSelector(placement.nodeSelector, n) &&
      toleratesTaints(placement.tolerations, withoutLifecycleTaints(n)) &&
      matchesRequiredTerms(placement.requiredTerms, n),
  );
}

/** A requirement the label index answers: the label `key` set to one of `values`, or to any value (Exists). */
export interface LabelRequirement {
  key: string;
  /** The values of an `In`; absent for `Exists`. */
  values?: string[];
}

/**
 * Of each required term (terms are ORed, a term's requirements ANDed) its `In` and `Exists`
 * requirements, as matchesRequiredTerms reads them: each holds every node its term matches, so the
 * nodes with the label of any one of them are all the term can match. A term with no requirement
 * matches no node and is left out. Undefined when there are no terms, or a term has neither (a
 * NotIn, DoesNotExist, Gt, Lt or matchFields term may match any node): only a walk of every node tells.
 */
export function narrowingRequirements(terms: unknown): LabelRequirement[][] | undefined {
  if (terms === undefined || terms === null) return undefined;
  const narrowing: LabelRequirement[][] = [];
  for (const term of objectsOf<NodeSelectorTerm>(terms)) {
    const exprs = objectsOf<NodeSelectorRequirement>(term.matchExpressions);
    if (exprs.length + objectsOf(term.matchFields).length === 0) continue;
    const found: LabelRequirement[] = [];
    for (const r of exprs) {
      if (typeof r.key !== 'string') continue;
      if (r.operator === 'In') found.push({ key: r.key, values: [...new Set(stringsOf(r.values))] });
      else if (r.operator === 'Exists') found.push({ key: r.key });
    }
    if (found.length === 0) return undefined;
    narrowing.push(found);
  }
  return narrowing;
}

/** The node names a requirement lists with this operator: hostname or matchFields metadata.name. */
function namesWith(r: NodeSelectorRequirement, key: string, operator: 'In' | 'NotIn'): string[] | undefined {
  if (r.key !== key || r.operator !== operator || !Array.isArray(r.values)) return undefined;
  return r.values.filter((v): v is string => typeof v === 'string');
}

/** A term's name lists with one operator, from its label and field requirements alike. */
function termNames(term: NodeSelectorTerm, operator: 'In' | 'NotIn'): string[][] {
  return [
    ...objectsOf<NodeSelectorRequirement>(term.matchExpressions).map((r) =>
      namesWith(r, HOSTNAME_KEY, operator),
    ),
    ...objectsOf<NodeSelectorRequirement>(term.matchFields).map((r) =>
      namesWith(r, 'metadata.name', operator),
    ),
  ].filter((l): l is string[] => l !== undefined);
}

/**
 * The most nodes a placement can use, from its required node affinity alone: the names its terms
 * allow by hostname or metadata.name, In and not NotIn (terms are ORed, a term's requirements ANDed).
 * Undefined when a term lets in nodes it does not name. What `check --nodes N` knows beside the count.
 */
export function namedNodeLimit(placement: Placement): number | undefined {
  const terms = objectsOf<NodeSelectorTerm>(placement.requiredTerms);
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    const lists = termNames(term, 'In');
    if (lists.length === 0) {
      // An empty term matches no node; any other term without a name list may match any number.
      if (objectsOf(term.matchExpressions).length + objectsOf(term.matchFields).length > 0) return undefined;
      continue;
    }
    // ANDed: the names every In list holds and no NotIn list does.
    const excluded = new Set(termNames(term, 'NotIn').flat());
    for (const name of lists[0]!)
      if (lists.every((l) => l.includes(name)) && !excluded.has(name)) names.add(name);
  }
  return names.size;
}

/**
 * Required terms as far as a node known by its name alone can be judged: each term's hostname and
 * metadata.name requirements (a term ANDs them, so they alone can rule the node out). Undefined when
 * some term asks only for labels not known: that term may match.
 */
function byHostnameOnly(terms: unknown): NodeSelectorTerm[] | undefined {
  const judged: NodeSelectorTerm[] = [];
  for (const term of objectsOf<NodeSelectorTerm>(terms)) {
    const exprs = objectsOf<NodeSelectorRequirement>(term.matchExpressions);
    const fields = objectsOf<NodeSelectorRequirement>(term.matchFields);
    const byName = {
      matchExpressions: exprs.filter((r) => r.key === HOSTNAME_KEY),
      matchFields: fields.filter((r) => r.key === 'metadata.name'),
    };
    const asked = exprs.length + fields.length;
    if (asked > 0 && byName.matchExpressions.length + byName.matchFields.length === 0) return undefined;
    judged.push(asked === 0 ? term : byName); // an empty term matches no node, known or not
  }
  return judged;
}

/**
 * Taints that come and go with a node's state, as the cordon does, so they rule no node out for
 * good: those the node lifecycle controller keeps in step with its conditions and cordon (v1.33
 * pkg/controller/nodelifecycle doNoScheduleTaintingPass, nodeConditionToTaintKeyStatusMap); the
 * one an admin sets on a node shut down without notice and removes when it is back (non-graceful
 * node shutdown, GA in v1.28); and the cloud node controllers' while a node is shut down or not yet
 * initialised (k8s.io/cloud-provider api TaintNodeShutdown, TaintExternalCloudProvider).
 */
const LIFECYCLE_TAINTS = new Set([
  'node.kubernetes.io/unschedulable',
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/network-unavailable',
  'node.kubernetes.io/out-of-service',
  'node.cloudprovider.kubernetes.io/shutdown',
  'node.cloudprovider.kubernetes.io/uninitialized',
]);

function withoutLifecycleTaints(node: Node): Node {
  const spec: unknown = node.spec;
  if (!isObject(spec) || !Array.isArray(spec.taints)) return node;
  const taints = (spec.taints as unknown[]).filter((t) => !(isObject(t) && LIFECYCLE_TAINTS.has(str(t.key))));
  return { ...node, spec: { ...spec, taints } };
}

/**
 * A Node with no labels is one known by name only (`check --nodes-file` with bare names): every
 * kubelet labels its Node with the hostname, so its labels are unknown, not absent.
 */
export const knownByNameOnly = (node: Node) => Object.keys(labelsOf(node)).length === 0;

/**
 * Why a target with this placement can never run on node `name`, or undefined: its nodeSelector,
 * its required node affinity, or a NoSchedule/NoExecute taint it does not tolerate rule the node out
 * (the scheduler's NodeAffinity and TaintToleration filters). A cordon and the taints of a node's conditions pass: they are lifted again.
 * With only the name known (no Node object), only what asks for the hostname is judged.
 */
export function placementExcludes(
  placement: Placement,
  name: string,
  given: Node | undefined,
): string | undefined {
  const node = given && !knownByNameOnly(given) ? given : undefined;
  const known = node ?? { kind: 'Node', metadata: { name, labels: { [HOSTNAME_KEY]: name } } };
  const selector = node
    ? placement.nodeSelector
    : Object.fromEntries(Object.entries(placement.nodeSelector).filter(([k]) => k === HOSTNAME_KEY));
  if (!matchesNodeSelector(selector, known))
    return `spec.targetSpec.nodeSelector ${Object.entries(selector)
      .map(([k, v]) => `${k}=${asText(v)}`)
      .join(', ')}`;
  const terms = placement.requiredTerms;
  const judged = node || terms === undefined ? terms : byHostnameOnly(terms);
  if (judged !== undefined && !matchesRequiredTerms(judged, known))
    return "spec.targetSpec.affinity's required node affinity";
  if (node && !toleratesTaints(placement.tolerations, withoutLifecycleTaints(node)))
    return 'a NoSchedule/NoExecute taint of that node, not tolerated by spec.targetSpec.tolerations';
  return undefined;
}

/** The placement fields of an AIStore CR's targetSpec (operator target/statefulset.go targetPodSpec). */
export function placementOf(targetSpec: unknown): Placement {
  const spec = recordOf(targetSpec) as Record<string, unknown>;
  const affinity: unknown = spec.affinity;
  const nodeAffinity: unknown = isObject(affinity) ? affinity.nodeAffinity : undefined;
  const required: unknown = isObject(nodeAffinity)
    ? nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
    : undefined;
  return {
    nodeSelector: recordOf(spec.nodeSelector),
    tolerations: spec.tolerations,
    requiredTerms: isObject(required) ? (required.nodeSelectorTerms ?? []) : undefined,
  };
}
