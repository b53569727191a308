// The guard's single-object rules for Pods and claims in plain JavaScript, for the Pepr peer: the
// same facts `ais-guard render --vap` asks in CEL (src/vap/targets.ts, src/vap/policies.ts: policies
// ais-guard-target-pod and ais-guard-target-claim), so Pepr does the work the VAPs do and the verdicts
// match the shared set (bench/peers/verdicts.mjs). Each function returns the denial message, or
// undefined to allow. System namespaces are judged too: skipping them is the webhook registration's
// job (Pepr's own generated one leaves out kube-system), as for every peer.
const HOSTNAME = 'kubernetes.io/hostname';
const DOC = 'https://github.com/ais-guard/ais-guard/blob/main/docs/rules.md';

/** The CR named by the operator's target labels, '' when they are not a target's. */
function labelledCrName(labels) {
  if (!labels) return '';
  if (labels['app.kubernetes.io/component'] === 'target' && labels['app.kubernetes.io/name'])
    return labels['app.kubernetes.io/name'];
  if (labels.component === 'target' && labels.app) return labels.app;
  return '';
}

/** The CR of a target object with the operator's evidence (managed-by label or AIStore owner), else ''. */
export function targetCrName(object) {
  const meta = object?.metadata ?? {};
  const cr = labelledCrName(meta.labels);
  if (cr === '') return '';
  const managed = meta.labels['app.kubernetes.io/managed-by'] === 'ais-operator';
  const owned = (meta.ownerReferences ?? []).some(
    (r) => r.kind === 'AIStore' && r.apiVersion?.startsWith('ais.nvidia.com/') && r.name === cr,
  );
  return managed || owned ? cr : '';
}

// Labels the StatefulSet controller gives each pod a value of its own, and the one every pod of a
// revision shares though no template carries it (src/policy/layout.ts PER_POD_LABELS, REVISION_LABEL).
const PER_POD = new Set(['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index']);
const REVISION = 'controller-revision-hash';
const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/** Kubernetes label-selector requirement semantics over a labels map (src/policy/k8s.ts selectorMatches). */
function holds(e, labels) {
  const has = Object.hasOwn(labels, e.key);
  const inValues = has && (e.values ?? []).includes(labels[e.key]);
  if (e.operator === 'In') return inValues;
  if (e.operator === 'NotIn') return !inValues;
  if (e.operator === 'Exists') return has;
  if (e.operator === 'DoesNotExist') return !has;
  return false;
}

/** A key only the StatefulSet controller sets: judged on the other targets, not on this pod's value. */
const controllerKey = (k, labels) => PER_POD.has(k) || (k === REVISION && !Object.hasOwn(labels, k));

/**
 * The selector picks every other target, whose labels are these plus the controller's (layout.ts
 * selectorReach "all"): on a controller key only Exists, or NotIn of this pod's own value alone, does.
 */
function selectsAll(selector, labels) {
  if (selector === null || typeof selector !== 'object') return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(
    ([k, v]) => !controllerKey(k, labels) && Object.hasOwn(labels, k) && labels[k] === v,
  );
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((e) => {
      if (!controllerKey(e.key, labels)) return holds(e, labels);
      if (e.operator === 'Exists') return true;
      const others = (e.values ?? []).some((v) => !Object.hasOwn(labels, e.key) || labels[e.key] !== v);
      return e.operator === 'NotIn' && !others;
    })
  );
}

/**
 * The term surely applies in namespace `ns` (layout.ts termScope "yes"): the pod's own when it names
 * none, else a listed one, or one its namespaceSelector picks by the name label alone.
 */
function termInNamespace(t, ns) {
  const names = t.namespaces ?? [];
  const selector = t.namespaceSelector;
  if (names.length === 0 && (selector === undefined || selector === null)) return true;
  if (!ns) return false;
  if (names.includes(ns)) return true;
  if (selector === null || typeof selector !== 'object') return false;
  const own = { [NAMESPACE_NAME]: ns };
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => k === NAMESPACE_NAME && v === ns) &&
    (selector.matchExpressions ?? []).every((e) => e.key === NAMESPACE_NAME && holds(e, own))
  );
}

/**
 * matchLabelKeys / mismatchLabelKeys that leave no other target selected (layout.ts
 * otherTargetsReach): the apiserver adds `key in (own)` / `key notin (own)` to the selector.
 */
const keysNarrow = (t, labels) =>
  (t.matchLabelKeys ?? []).some((k) => PER_POD.has(k)) ||
  (t.mismatchLabelKeys ?? []).some((k) => !PER_POD.has(k) && (Object.hasOwn(labels, k) || k === REVISION));

/** A required hostname anti-affinity term sure to keep targets apart (layout.ts requiredTargetAntiAffinity 'surely'). */
const requiredAntiAffinity = (spec, labels, ns) =>
  (spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
    (t) =>
      t.topologyKey === HOSTNAME &&
      termInNamespace(t, ns) &&
      !keysNarrow(t, labels) &&
      selectsAll(t.labelSelector, labels),
  );

// hostPort = containerPort on a hostNetwork pod is the apiserver's default, hostNetwork's finding.
// A plain init container's host port holds nothing; a sidecar's (restartPolicy Always) does.
const hostPort = (spec) =>
  [
    ...(spec.containers ?? []),
    ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ].some((c) =>
    (c.ports ?? []).some((p) => p.hostPort && !(spec.hostNetwork === true && p.hostPort === p.containerPort)),
  );

const quote = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** target-host-port / target-host-network on a target Pod in a multi-target layout as it alone shows. */
export function podDenial(pod, namespace) {
  const cr = targetCrName(pod);
  if (cr === '') return undefined;
  const spec = pod.spec ?? {};
  // No node has an empty hostname: "" pins the pod to no node, not to one.
  const host = spec.nodeSelector?.[HOSTNAME];
  const pinsOneHost = typeof host === 'string' && host !== '';
  // A pod says there are at least ordinal + 1 targets.
  const laterOrdinal = new RegExp(`(^|-)${quote(cr)}-target-[1-9][0-9]*$`).test(pod.metadata?.name ?? '');
  // Never stricter than ais-guard with the CR (docs/vap.md): pinned, a later target, and no term
  // keeping targets apart; anti-affinity off alone may be an admitted one-target CR scaled out.
  const ns = pod.metadata?.namespace || namespace;
  const multiTarget =
    pinsOneHost && laterOrdinal && !requiredAntiAffinity(spec, pod.metadata.labels ?? {}, ns);
  if (!multiTarget) return undefined;
  if (hostPort(spec))
    return `[target-host-port] a container of the target pod asks for a hostPort, and its nodeSelector pins more than one target to one node with no required hostname anti-affinity between them (multi-target) (see ${DOC}#target-host-port)`;
  if (spec.hostNetwork === true)
    return `[target-host-network] the target pod has hostNetwork: true, and its nodeSelector pins more than one target to one node with no required hostname anti-affinity between them (multi-target) (see ${DOC}#target-host-network)`;
  return undefined;
}

/** pvc-name, the shape only: <cr>-…-<cr>-target-<N>; the state claim <ns>-<cr>-state-<cr>-target-… excepted. */
export function claimDenial(claim, namespace) {
  const cr = targetCrName(claim);
  if (cr === '') return undefined;
  const name = claim.metadata?.name ?? '';
  if (name.startsWith(`${namespace}-${cr}-state-${cr}-target-`)) return undefined;
  if (new RegExp(`^${quote(cr)}-.+-${quote(cr)}-target-(0|[1-9][0-9]*)$`).test(name)) return undefined;
  return `[pvc-name] "${name}" is not a claim the StatefulSet ${cr}-target will use: it claims ${cr}<mount-path-with-dashes>-${cr}-target-<N> (see ${DOC}#pvc-name)`;
}

const ruleOf = (message) => message?.slice(0, message.indexOf(']') + 1);

/** On UPDATE a rule the old object already broke is not judged again (the VAPs' ratcheting). */
export function judge(denial, request, object, oldObject) {
  const message = denial(object, request.namespace);
  if (message === undefined || request.operation !== 'UPDATE' || !oldObject) return message;
  return ruleOf(denial(oldObject, request.namespace)) === ruleOf(message) ? undefined : message;
}
