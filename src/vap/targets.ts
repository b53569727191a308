// CEL for the facts the policy core derives from one object (src/policy/recognise.ts, layout.ts,
// podspec.ts), each a function of the root (`object` or `oldObject`), so the same fact is asked of
// the new and the old object for ratcheting. Each mirrors one TypeScript function; the agreement test
// (test/vap) holds them to the engine's verdicts.
import { HOSTNAME_KEY, NAMESPACE_NAME_LABEL, PER_POD_LABELS, REVISION_LABEL } from '../policy/index.js';
import { and, label, or, present, str } from './cel.js';

const paren = (e: string): string => `(${e})`;
const COMPONENT = 'app.kubernetes.io/component';
const NAME = 'app.kubernetes.io/name';

/** The operator's own label (NewTargetSS puts it on what it renders). */
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * The CR name the operator's target labels carry, '' when they are not a target's
 * (crNameFromTargetLabels: the app.kubernetes.io pair first, then the legacy component/app pair).
 * `labels` is a labels map (present, possibly empty).
 */
export function labelledCrName(labels: string): string {
  const is = (key: string, value: string) =>
    and(`${str(key)} in ${labels}`, `${label(labels, key)} == ${str(value)}`);
  const named = (key: string) => and(`${str(key)} in ${labels}`, `${label(labels, key)} != ''`);
  return paren(
    `${paren(and(is(COMPONENT, 'target'), named(NAME)))} ? ${label(labels, NAME)} : ` +
      `${paren(and(is('component', 'target'), named('app')))} ? ${label(labels, 'app')} : ''`,
  );
}

/** The object's own labels, {} when it has none. */
export const metadataLabels = (root: string): string =>
  `${present(root, 'metadata.labels')} ? ${root}.metadata.labels : {}`;

/**
 * Can the object at `root` carry a target's labels at all: a component label of "target", in either
 * of the operator's two label sets. A cheap necessary condition of labelledCrName(...) != ''.
 */
export function targetComponentLabel(root: string): string {
  const labels = `${root}.metadata.labels`;
  const target = (key: string) => and(`${str(key)} in ${labels}`, `${label(labels, key)} == 'target'`);
  return and(present(root, 'metadata.labels'), or(target(COMPONENT), target('component')));
}

/**
 * The operator's evidence for CR `crName` (recognise.ts evidencedCr, the object alone, no context);
 * `labels` is the object's labels map (metadataLabels).
 */
function operatorEvidence(root: string, labels: string, crName: string): string {
  const refs = `${root}.metadata.ownerReferences`;
  const owner = (r: string) =>
    and(
      `has(${r}.kind)`,
      `${r}.kind == 'AIStore'`,
      `has(${r}.apiVersion)`,
      `${r}.apiVersion.startsWith('ais.nvidia.com/')`,
      `has(${r}.name)`,
      `${r}.name == ${crName}`,
    );
  return or(
    and(`${str(MANAGED_BY)} in ${labels}`, `${label(labels, MANAGED_BY)} == 'ais-operator'`),
    and(`has(${refs})`, `${refs}.exists(r, ${owner('r')})`),
  );
}

/**
 * The CR an object's target labels name, '' when it has none or lacks the operator's evidence: the
 * managed-by label, or an AIStore owner of that name. Target labels alone are not enough (issue 14,
 * class 4), and a policy cannot see the CRs that a webhook's context holds. `labels` and `labelled`
 * are the policy variables holding metadataLabels and labelledCrName of the same root.
 */
export function targetCrName(root: string, labels: string, labelled: string): string {
  return paren(`${labelled} != '' && ${paren(operatorEvidence(root, labels, labelled))} ? ${labelled} : ''`);
}

/**
 * `name` ends with `marker` followed by an ordinal matching `ordinal` (a constant RE2), and
 * `before(i)` holds for the index i where that marker starts. A pattern built from the CR name would
 * be compiled by the apiserver on every evaluation; string functions and one constant pattern are
 * not. Only the last occurrence of the marker can be the one: the ordinal after it holds no "-".
 */
function endsWithOrdinal(
  name: string,
  marker: string,
  ordinal: string,
  before: (i: string) => string,
): string {
  return `[${name}.lastIndexOf(${marker})].all(i, ${and('i >= 0', before('i'), `${name}.substring(i + size(${marker})).matches(${str(ordinal)})`)})`;
}

/**
 * Some container or sidecar (restartPolicy Always) init container port asks for a host port
 * (podspec.ts hostPortsOf): not the hostPort = containerPort the apiserver gives every port of a
 * hostNetwork pod.
 */
export function hostPortIn(spec: string): string {
  const defaulted = `(${hostNetworkIn(spec)} && has(p.containerPort) && p.hostPort == p.containerPort)`;
  const ports = (field: string, sidecar = '') =>
    and(
      `has(${spec}.${field})`,
      `${spec}.${field}.exists(c, ${sidecar}has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort != 0 && !${defaulted}))`,
    );
  return or(
    ports('containers'),
    ports('initContainers', "has(c.restartPolicy) && c.restartPolicy == 'Always' && "),
  );
}

export const hostNetworkIn = (spec: string): string =>
  and(`has(${spec}.hostNetwork)`, `${spec}.hostNetwork == true`);

/** Requirement `e` of a label selector holds when `has` says whether its key is set and `value` is its value. */
const requirementHolds = (has: string, value: string): string => {
  const inValues = and(has, 'has(e.values)', `${value} in e.values`);
  return (
    `e.operator == 'In' ? ${paren(inValues)} : ` +
    `e.operator == 'NotIn' ? !${paren(inValues)} : ` +
    `e.operator == 'Exists' ? ${has} : ` +
    `e.operator == 'DoesNotExist' ? !${paren(has)} : false`
  );
};

const PER_POD = `[${[...PER_POD_LABELS].map(str).join(', ')}]`;

/** The target pods' labels as CEL, once bound: whether key `k` is set, and its value (when set). */
interface BoundLabels {
  has: (k: string) => string;
  get: (k: string) => string;
}

/**
 * The target pods' labels: one map (a pod's, a template's), or the operator's over the CR's
 * spec.targetSpec.labels, as the operator merges them (aistore.ts targetPodLabels; CEL has no map
 * merge, so a key is looked up in the operator's first).
 */
export type TargetLabels = string | { operator: string; user: string };

/** `body` with the labels bound once by one-element list macros (CEL has no let). */
function withLabels(labels: TargetLabels, body: (l: BoundLabels) => string): string {
  if (typeof labels === 'string')
    return `[${labels}].all(L, ${body({ has: (k) => `(${k} in L)`, get: (k) => `L[${k}]` })})`;
  return `[${labels.operator}].all(L, [${labels.user}].all(U, ${body({
    has: (k) => `(${k} in L || ${k} in U)`,
    get: (k) => `(${k} in L ? L[${k}] : U[${k}])`,
  })}))`;
}

/** Key `k` is one only the StatefulSet controller sets, not in the labels `l` but the per-pod ones. */
const controllerKey = (k: string, l: BoundLabels): string =>
  or(`${k} in ${PER_POD}`, and(`${k} == ${str(REVISION_LABEL)}`, `!${l.has(k)}`));

/**
 * Requirement `e` on such a key, on the other targets (layout.ts controllerLabelReach): it picks
 * some of them (or, `surely`, all). They hold a value other than the one bound in `l`, if any.
 */
function controllerRequirement(l: BoundLabels, surely: boolean): string {
  const others = and('has(e.values)', `e.values.exists(v, !${l.has('e.key')} || ${l.get('e.key')} != v)`);
  return (
    `e.operator == 'Exists' ? true : e.operator == 'In' ? ${surely ? 'false' : paren(others)} : ` +
    `e.operator == 'NotIn' ? ${surely ? `!${paren(others)}` : 'true'} : false`
  );
}

/**
 * Kubernetes label selector semantics over the labels `l` (k8s.ts selectorMatches), with the
 * controller's labels judged on the other targets: the selector picks some of them (or, `surely`,
 * all; layout.ts selectorReach).
 */
const selectsIn = (selector: string, l: BoundLabels, surely: boolean): string =>
  and(
    or(
      `!has(${selector}.matchLabels)`,
      `${selector}.matchLabels.all(k, ${controllerKey('k', l)} ? ` +
        `${surely ? 'false' : `!${l.has('k')} || ${l.get('k')} != ${selector}.matchLabels[k]`} : ` +
        `${l.has('k')} && ${l.get('k')} == ${selector}.matchLabels[k])`,
    ),
    or(
      `!has(${selector}.matchExpressions)`,
      `${selector}.matchExpressions.all(e, ${controllerKey('e.key', l)} ? ${paren(controllerRequirement(l, surely))} : ` +
        `${paren(requirementHolds(l.has('e.key'), l.get('e.key')))})`,
    ),
  );

/**
 * Pod affinity term `t` applies in namespace `ns` (layout.ts termScope): the pod's own when it names
 * none, else the listed ones and those its namespaceSelector picks by the name label. A selector
 * that also asks for other labels may pick it: `surely` leaves that out.
 */
function termAppliesIn(t: string, ns: string, surely: boolean): string {
  const S = `${t}.namespaceSelector`;
  const key = str(NAMESPACE_NAME_LABEL);
  const byName = and(
    or(`!has(${S}.matchLabels)`, `!(${key} in ${S}.matchLabels)`, `${S}.matchLabels[${key}] == ${ns}`),
    or(
      `!has(${S}.matchExpressions)`,
      `${S}.matchExpressions.all(e, e.key != ${key} || ${paren(requirementHolds('true', ns))})`,
    ),
  );
  const onlyByName = and(
    or(`!has(${S}.matchLabels)`, `${S}.matchLabels.all(k, k == ${key})`),
    or(`!has(${S}.matchExpressions)`, `${S}.matchExpressions.all(e, e.key == ${key})`),
  );
  return or(
    and(or(`!has(${t}.namespaces)`, `size(${t}.namespaces) == 0`), `!has(${S})`),
    and(`has(${t}.namespaces)`, `${ns} in ${t}.namespaces`),
    surely ? and(`has(${S})`, byName, onlyByName) : and(`has(${S})`, byName),
  );
}

/** matchLabelKeys / mismatchLabelKeys leave the other targets selected (layout.ts otherTargetsReach), labels `l`. */
function keysKeepOtherTargets(t: string, l: BoundLabels): string {
  return and(
    or(`!has(${t}.matchLabelKeys)`, `!${t}.matchLabelKeys.exists(k, k in ${PER_POD})`),
    or(
      `!has(${t}.mismatchLabelKeys)`,
      `!${t}.mismatchLabelKeys.exists(k, !(k in ${PER_POD}) && (k == ${str(REVISION_LABEL)} || ${l.has('k')}))`,
    ),
  );
}

/**
 * Pod affinity term `t` is on kubernetes.io/hostname and may (or, `surely`, does) keep the targets
 * with these labels in namespace `ns` apart (layout.ts requiredTargetAntiAffinity's filter). The
 * labels are bound once (withLabels): the labels expressions may be long.
 */
export const targetAntiAffinityTerm = (t: string, labels: TargetLabels, ns: string, surely = false): string =>
  and(
    `has(${t}.topologyKey)`,
    `${t}.topologyKey == ${str(HOSTNAME_KEY)}`,
    termAppliesIn(t, ns, surely),
    `has(${t}.labelSelector)`,
    withLabels(labels, (l) => and(selectsIn(`${t}.labelSelector`, l, surely), keysKeepOtherTargets(t, l))),
  );

/**
 * Pod affinity term `t` has label keys Kubernetes refuses on pods carrying the labels `l`
 * (rules/affinity-label-keys.ts refusal): a key in both matchLabelKeys and mismatchLabelKeys; label
 * keys without a labelSelector; or a matchLabelKeys key the apiserver merges in (the pods carry it)
 * that its selector already has as an expression, or has twice (matchLabels and an expression, or
 * two expressions).
 */
function refusedLabelKeys(t: string, l: BoundLabels): string {
  const match = `${t}.matchLabelKeys`;
  const mismatch = `${t}.mismatchLabelKeys`;
  const S = `${t}.labelSelector`;
  const carried = or(l.has('k'), `k in ${PER_POD}`, `k == ${str(REVISION_LABEL)}`);
  const expressions = `(has(${S}.matchExpressions) ? ${S}.matchExpressions.filter(e, e.key == k).size() : 0) + (${carried} ? 1 : 0)`;
  const labelled = `(has(${S}.matchLabels) && k in ${S}.matchLabels ? 1 : 0)`;
  return or(
    and(`has(${match})`, `has(${mismatch})`, `${match}.exists(k, k in ${mismatch})`),
    and(
      or(and(`has(${match})`, `size(${match}) > 0`), and(`has(${mismatch})`, `size(${mismatch}) > 0`)),
      `!has(${S})`,
    ),
    and(
      `has(${match})`,
      `has(${S})`,
      `${match}.exists(k, [${expressions}].all(n, n >= 1 && ${labelled} + n >= 2))`,
    ),
  );
}

/**
 * Some pod affinity or anti-affinity term of `affinity`, required or preferred, has label keys
 * Kubernetes refuses on the target pods, whose labels are `labels` (rule affinity-label-keys).
 */
export function affinityLabelKeysRefused(affinity: string, labels: TargetLabels): string {
  return withLabels(labels, (l) =>
    or(
      ...['podAffinity', 'podAntiAffinity'].map((kind) => {
        const section = `${affinity}.${kind}`;
        const required = `${section}.requiredDuringSchedulingIgnoredDuringExecution`;
        const preferred = `${section}.preferredDuringSchedulingIgnoredDuringExecution`;
        return and(
          `has(${section})`,
          or(
            and(`has(${required})`, `${required}.exists(t, ${refusedLabelKeys('t', l)})`),
            and(
              `has(${preferred})`,
              `${preferred}.exists(w, has(w.podAffinityTerm) && ${paren(refusedLabelKeys('w.podAffinityTerm', l))})`,
            ),
          ),
        );
      }),
    ),
  );
}

/** A required kubernetes.io/hostname pod anti-affinity term that may (`surely`: does) keep targets apart (layout.ts requiredTargetAntiAffinity). */
export function requiredTargetAntiAffinity(
  affinity: string,
  labels: TargetLabels,
  ns: string,
  surely = false,
): string {
  const terms = `${affinity}.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
  return and(
    `has(${affinity}.podAntiAffinity)`,
    `has(${terms})`,
    `${terms}.exists(t, ${targetAntiAffinityTerm('t', labels, ns, surely)})`,
  );
}

/**
 * The labels the operator puts on target pods of CR `crName`, over `user`, the CR's
 * spec.targetSpec.labels (a map, possibly empty; aistore.ts targetPodLabels).
 */
export function targetPodLabels(crName: string, user: string): TargetLabels {
  return {
    // string(): cel-go types a map literal by its first value, and a variable is dyn.
    operator:
      `{'app': string(${crName}), 'component': 'target', ${str(NAME)}: string(${crName}), ` +
      `${str(COMPONENT)}: 'target', 'app.kubernetes.io/managed-by': 'ais-operator'}`,
    user,
  };
}

/**
 * The pod spec pins one hostname with its nodeSelector: a non-empty one (layout.ts layoutSignals; no
 * node has an empty hostname label, so an empty one pins the targets to no node, not to one).
 */
export const pinsOneHost = (spec: string): string =>
  and(
    `has(${spec}.nodeSelector)`,
    `${str(HOSTNAME_KEY)} in ${spec}.nodeSelector`,
    `${spec}.nodeSelector[${str(HOSTNAME_KEY)}] != ''`,
  );

/** `name` is `<cr>-target-<N>` or ends with `-<cr>-target-<N>`, N >= 1: a target pod after the first. */
export const laterTargetName = (name: string, crName: string): string =>
  endsWithOrdinal(name, `${crName} + '-target-'`, '^[1-9][0-9]*$', (i) =>
    or(`${i} == 0`, `${name}.substring(${i} - 1, ${i}) == '-'`),
  );

/** `name` is `<cr>-<anything>-<cr>-target-<N>`: the shape of a target's data claim. */
export const dataClaimName = (name: string, crName: string): string =>
  endsWithOrdinal(name, `'-' + ${crName} + '-target-'`, '^(0|[1-9][0-9]*)$', (i) =>
    and(`${name}.startsWith(${crName} + '-')`, `${i} >= size(${crName}) + 2`),
  );
