// CEL for the facts the policy core derives from one object (src/policy/recognise.ts, layout.ts,
// podspec.ts), each a function of the root (`object` or `oldObject`), so the same fact is asked of
// the new and the old object for ratcheting. Each mirrors one TypeScript function; the agreement test
// (test/vap) holds them to the engine's verdicts.
import { HOSTNAME_KEY } from '../policy/index.js';
import { and, label, or, present, str } from './cel.js';

const paren = (e: string): string => `(${e})`;
const COMPONENT = 'app.kubernetes.io/component';
const NAME = 'app.kubernetes.io/name';

/** The operator's own label (NewTargetSS puts it on what it renders). */
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * The CR name the operator's target labels carry, '' when they are not a target's
 * (crNameFromTargetLabels: the app.kubernetes.io pair first, then the legacy component/app pair).
 */
function labelledCrName(root: string): string {
  const labels = `${root}.metadata.labels`;
  const is = (key: string, value: string) =>
    and(`${str(key)} in ${labels}`, `${label(labels, key)} == ${str(value)}`);
  const named = (key: string) => and(`${str(key)} in ${labels}`, `${label(labels, key)} != ''`);
  return paren(
    `!${paren(present(root, 'metadata.labels'))} ? '' : ` +
      `${paren(and(is(COMPONENT, 'target'), named(NAME)))} ? ${label(labels, NAME)} : ` +
      `${paren(and(is('component', 'target'), named('app')))} ? ${label(labels, 'app')} : ''`,
  );
}

/** The operator's evidence for CR `crName` (recognise.ts evidencedCr, the object alone, no context). */
function operatorEvidence(root: string, crName: string): string {
  const labels = `${root}.metadata.labels`;
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
    and(
      `has(${labels})`,
      `${str(MANAGED_BY)} in ${labels}`,
      `${label(labels, MANAGED_BY)} == 'ais-operator'`,
    ),
    and(`has(${refs})`, `${refs}.exists(r, ${owner('r')})`),
  );
}

/**
 * The CR an object's target labels name, '' when it has none or lacks the operator's evidence: the
 * managed-by label, or an AIStore owner of that name. Target labels alone are not enough (issue 14,
 * class 4), and a policy cannot see the CRs that a webhook's context holds.
 */
export function targetCrName(root: string): string {
  const c = labelledCrName(root);
  return paren(`${c} != '' && ${paren(operatorEvidence(root, c))} ? ${c} : ''`);
}

/** A CR name as a regular expression: label values may hold "." (the only RE2 metacharacter they allow). */
export const regexQuote = (name: string): string => `${name}.replace('.', '\\\\.')`;

/** Some container or init container port asks for a host port (podspec.ts hostPortsOf). */
export function hostPortIn(spec: string): string {
  const ports = (field: string) =>
    and(
      `has(${spec}.${field})`,
      `${spec}.${field}.exists(c, has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort != 0))`,
    );
  return or(ports('containers'), ports('initContainers'));
}

export const hostNetworkIn = (spec: string): string =>
  and(`has(${spec}.hostNetwork)`, `${spec}.hostNetwork == true`);

/** Kubernetes label selector semantics over a labels map (k8s.ts selectorMatches). */
export function selects(selector: string, labels: string): string {
  const inValues = and('e.key in L', 'has(e.values)', 'L[e.key] in e.values');
  const expression =
    `e.operator == 'In' ? ${paren(inValues)} : ` +
    `e.operator == 'NotIn' ? !${paren(inValues)} : ` +
    `e.operator == 'Exists' ? e.key in L : ` +
    `e.operator == 'DoesNotExist' ? !(e.key in L) : false`;
  const body = and(
    or(
      `!has(${selector}.matchLabels)`,
      `${selector}.matchLabels.all(k, k in L && L[k] == ${selector}.matchLabels[k])`,
    ),
    or(`!has(${selector}.matchExpressions)`, `${selector}.matchExpressions.all(e, ${expression})`),
  );
  // L is bound once with a one-element list macro: CEL has no let, and the labels expression may be long.
  return `[${labels}].all(L, ${body})`;
}

/** Pod affinity term `t` is on kubernetes.io/hostname and selects these labels (layout.ts requiredTargetAntiAffinity's filter). */
export const targetAntiAffinityTerm = (t: string, labels: string): string =>
  `has(${t}.topologyKey) && ${t}.topologyKey == ${str(HOSTNAME_KEY)} && has(${t}.labelSelector) && ${selects(`${t}.labelSelector`, labels)}`;

/** A required kubernetes.io/hostname pod anti-affinity term selecting these labels (layout.ts requiredTargetAntiAffinity). */
export function requiredTargetAntiAffinity(affinity: string, labels: string): string {
  const terms = `${affinity}.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
  return and(
    `has(${affinity}.podAntiAffinity)`,
    `has(${terms})`,
    `${terms}.exists(t, ${targetAntiAffinityTerm('t', labels)})`,
  );
}

/** The labels the operator puts on target pods of CR `crName` (aistore.ts targetPodLabels). */
export function targetPodLabels(crName: string): string {
  return (
    // string(): cel-go types a map literal by its first value, and a variable is dyn.
    `{'app': string(${crName}), 'component': 'target', ${str(NAME)}: string(${crName}), ` +
    `${str(COMPONENT)}: 'target', 'app.kubernetes.io/managed-by': 'ais-operator'}`
  );
}

/** The pod spec pins one hostname with its nodeSelector. */
export const pinsOneHost = (spec: string): string =>
  and(`has(${spec}.nodeSelector)`, `${str(HOSTNAME_KEY)} in ${spec}.nodeSelector`);
