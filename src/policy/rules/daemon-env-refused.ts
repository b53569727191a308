// The operator puts targetSpec and proxySpec env on the ais-node container of their StatefulSets
// (cmn.MergeEnvVars: the CR's variables first, then its own of other names), and adminClient env on the
// admin client's container, as written. The CRD requires a name and types the rest; Kubernetes' pod
// validation (pkg/apis/core/validation ValidateEnv, validateEnvVarValueFrom) then refuses a name it
// cannot pass to a process, a valueFrom with no source, two sources or a value beside it, and a
// reference it cannot resolve. 1.33 takes the StatefulSet and refuses every pod made from it, 1.36
// refuses the StatefulSet; every version refuses the admin client's Deployment. The CR is accepted.
// e2e 23 holds the rule to the operator's rendering and the apiserver's answer.
import { goString, isObject, objectOf } from '../k8s.js';
import { goToLower, isDnsSubdomain, isQualifiedName } from '../k8s-names.js';
import { podSections, warnRefused, type Problem } from '../refused-fields.js';
import { defineRule, operatorLink } from '../rule.js';
import { nameAsWritten, quoted } from '../text.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/core/validation/validation.go#L2616';
/** The pod fields an env fieldRef may name without a subscript (validEnvDownwardAPIFieldPathExpressions). */
const FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
  'spec.host', // the old name of spec.nodeName, still converted (ConvertDownwardAPIFieldLabel)
];
/** The container resources an env resourceFieldRef may name (validContainerResourceFieldPathExpressions). */
const RESOURCES = [
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
];
const SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const;

/** IsRelaxedEnvVarName (the RelaxedEnvironmentVariableValidation gate, on from 1.32): printable ASCII but '='. */
const isEnvName = (name: string) => /^[\x20-\x3c\x3e-\x7e]+$/.test(name);

/** IsConfigMapKey. */
const isKey = (key: string) =>
  key.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(key) && key !== '.' && !key.startsWith('..');

/** SplitMaybeSubscriptedPath: `field['key']` as [field, key], split at the first "['" (a scan, no regex). */
function splitSubscript(path: string): [string, string] | undefined {
  if (!path.endsWith("']")) return undefined;
  const inner = path.slice(0, -2);
  const at = inner.indexOf("['");
  return at > 0 ? [inner.slice(0, at), inner.slice(at + 2)] : undefined;
}

/** What validateObjectFieldSelector refuses, after the apiserver defaults apiVersion to v1. */
function fieldRefProblem(ref: Record<string, unknown>): string | undefined {
  const apiVersion = goString(ref.apiVersion) || 'v1';
  const path = goString(ref.fieldPath);
  if (apiVersion !== 'v1') return `fieldRef.apiVersion ${quoted(apiVersion)} is not v1`;
  if (path === '') return 'fieldRef needs a fieldPath';
  const subscripted = splitSubscript(path);
  if (subscripted) {
    const [field, key] = subscripted;
    if (field === 'metadata.labels' && isQualifiedName(key)) return undefined;
    if (field === 'metadata.annotations' && isQualifiedName(goToLower(key))) return undefined;
  } else if (FIELD_PATHS.includes(path)) return undefined;
  return `fieldRef.fieldPath ${quoted(path)} is none Kubernetes resolves (${FIELD_PATHS.slice(0, -1).join(', ')}, metadata.labels['<key>'], metadata.annotations['<key>'])`;
}

/** What validateContainerResourceFieldSelector refuses (its divisor is not judged). */
function resourceFieldRefProblem(ref: Record<string, unknown>): string | undefined {
  const resource = goString(ref.resource);
  if (RESOURCES.includes(resource) || /^(requests|limits)\.hugepages-/.test(resource)) return undefined;
  return `resourceFieldRef.resource ${quoted(resource)} is none of ${RESOURCES.join(', ')}`;
}

/** What validateConfigMapKeySelector and validateSecretKeySelector refuse. */
function keyRefProblems(source: string, ref: Record<string, unknown>): string[] {
  const [name, key] = [goString(ref.name), goString(ref.key)];
  const out: string[] = [];
  if (!isDnsSubdomain(name)) out.push(`${source}.name ${quoted(name)} is no object name`);
  if (!isKey(key)) out.push(`${source}.key ${quoted(key)} is no key name`);
  return out;
}

/** What ValidateEnv refuses in one variable. */
function variableProblems(variable: Record<string, unknown>): string[] {
  const name = goString(variable.name);
  const out: string[] = [];
  if (!isEnvName(name)) out.push(`name ${quoted(name)} is not printable ASCII without '='`);
  if (!isObject(variable.valueFrom)) return out;
  const from = variable.valueFrom;
  const given = SOURCES.filter((s) => isObject(from[s]));
  if (given.length === 0) out.push(`valueFrom names none of ${SOURCES.join(', ')}`);
  else if (goString(variable.value) !== '') out.push('valueFrom beside a value');
  else if (given.length > 1) out.push(`valueFrom names ${given.join(' and ')}`);
  for (const source of given) {
    const ref = from[source] as Record<string, unknown>;
    const problem =
      source === 'fieldRef'
        ? fieldRefProblem(ref)
        : source === 'resourceFieldRef'
          ? resourceFieldRefProblem(ref)
          : undefined;
    if (problem) out.push(`valueFrom.${problem}`);
    if (source === 'configMapKeyRef' || source === 'secretKeyRef')
      out.push(...keyRefProblems(source, ref).map((p) => `valueFrom.${p}`));
  }
  return out;
}

function problems(section: Record<string, unknown>): Problem[] {
  const env = Array.isArray(section.env) ? section.env : [];
  const found: Problem[] = [];
  env.forEach((variable, i) => {
    if (!isObject(variable)) return;
    const label = `env[${i}]${typeof variable.name === 'string' && isEnvName(variable.name) ? ` (${nameAsWritten(variable.name, 60)})` : ''}`;
    for (const problem of variableProblems(variable))
      found.push({ at: ['env', i], text: `${label}: ${problem}` });
  });
  return found;
}

const FIX =
  "an env name of printable ASCII without '='; valueFrom with exactly one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef and no value beside it, naming a pod field, a container resource, or an object name and key Kubernetes takes";

export default defineRule({
  id: 'daemon-env-refused',
  title: 'Daemon or admin client env Kubernetes refuses on a pod',
  summary:
    "CR whose targetSpec, proxySpec or (while enabled) adminClient env holds what Kubernetes refuses on a container: a name that is empty or not printable ASCII or holds '=', a valueFrom with no source, more than one, or a value beside it, a fieldRef to a field Kubernetes does not resolve or of an apiVersion other than v1, a resourceFieldRef to no container resource, a configMapKeyRef or secretKeyRef whose name is no object name or whose key is no key name: warn (Kubernetes refuses every pod made from the operator's StatefulSet, or from 1.36 the StatefulSet itself, so the daemons never start, or a rolling update stops at the first daemon it replaces, though the CR was accepted; it refuses the admin client Deployment, and the operator's reconcile fails there, before it makes or updates the daemons).",
  verdict: 'warn',
  operator: `The operator puts the daemon's env on its ais-node container, before its own variables of other names (${operatorLink('internal/resources/aistore/cmn/utils.go', 49, 'MergeEnvVars')}), and the admin client's on its container (${operatorLink('internal/resources/aistore/adminclient/deployment.go', 179, 'buildClientEnv')}), as written.`,
  howToFix: `Write ${FIX}.`,
  upstream: `${K8S_VALIDATION} (ValidateEnv and validateEnvVarValueFrom, run on every pod the StatefulSet controller creates, from 1.36 on the StatefulSet's pod template, and on a Deployment's template in every version)`,
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
        () => `Fix spec.${name}.env: ${FIX}.`,
      );
  },
});
