// The operator puts targetSpec and proxySpec labels and annotations on the pod template of their
// StatefulSets (target.NewTargetSS, proxy.NewProxyStatefulSet: MergePodLabels, PrepareAnnotations,
// its own labels and annotations added), and the admin client's on its Deployment
// (adminclient.NewClientDeployment, its selector labels overwritten by the CR's). The CRD takes any
// map of strings. Unlike the rest of a StatefulSet's pod template, its labels and annotations are
// validated by every Kubernetes version (pkg/apis/apps/validation
// ValidatePodTemplateSpecForStatefulSet: ValidateLabels, ValidateAnnotations,
// ValidatePodSpecificAnnotations), so the StatefulSet itself is refused and the operator's reconcile
// fails at that step each time, while the CR is accepted. e2e 23 holds the rule to the operator's
// rendering and the apiserver's answer.
import { asText, isObject, objectOf } from '../k8s.js';
import { goToLower, isLocalDescendingPath, isQualifiedName, labelMapProblems } from '../k8s-names.js';
import { ADMIN_CLIENT_REFUSED, adminClientEnabled, warnRefused, type Problem } from '../refused-fields.js';
import { defineRule, operatorLink } from '../rule.js';
import { nameAsWritten, quoted, utf8Bytes } from '../text.js';

const K8S_VALIDATION =
  'https://github.com/kubernetes/kubernetes/blob/v1.33.13/pkg/apis/apps/validation/validation.go#L54';
/** apimachinery TotalAnnotationSizeLimitB: the bytes of all keys and values together. */
const ANNOTATIONS_LIMIT = 256 * 1024;
/** Annotations the operator adds to a daemon's pod template (cmn.PrepareAnnotations); the CR's win. */
const RESTART_HASH = 'config.aistore.nvidia.com/restart-hash';
const NETWORKS = 'k8s.v1.cni.cncf.io/networks';
/** Annotations Kubernetes reads, and validates on a pod template (ValidatePodSpecificAnnotations). */
const MIRROR = 'kubernetes.io/config.mirror';
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_CONTAINER = 'container.apparmor.security.beta.kubernetes.io/';
/** core.TolerationsAnnotationKey, read as JSON when not empty (ValidateTolerationsInPodAnnotations). */
const TOLERATIONS = 'scheduler.alpha.kubernetes.io/tolerations';

/**
 * Review daemon39: helper.GetTolerationsFromPodAnnotations json.Unmarshals a non-empty value into
 * []core.Toleration, and ValidatePodSpecificAnnotations refuses the pod template when that fails:
 * text that is no JSON, or JSON that is neither a list nor null. (The tolerations it reads are then
 * validated too; that is not judged here.)
 */
function isTolerationsJson(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    // Each element is read into a Toleration struct: an object, or null (left as zero).
    return (
      parsed === null ||
      (Array.isArray(parsed) &&
        parsed.every((t) => t === null || (typeof t === 'object' && !Array.isArray(t))))
    );
  } catch {
    return false;
  }
}

/** GetDeletionCostFromPodAnnotations: a decimal int32, no "+" and no leading zero before a digit. */
function isDeletionCost(value: string): boolean {
  if (!/^(0|[1-9][0-9]*|-[0-9]+)$/.test(value)) return false;
  const n = Number(value);
  return n >= -(2 ** 31) && n <= 2 ** 31 - 1;
}

/** ValidateSeccompProfile on an annotation's value. */
function isSeccompProfile(value: string): boolean {
  if (['runtime/default', 'docker/default', 'unconfined'].includes(value)) return true;
  if (!value.startsWith('localhost/')) return false;
  return isLocalDescendingPath(value.slice('localhost/'.length));
}

/** ValidateAppArmorProfileFormat. */
const isAppArmorProfile = (value: string): boolean =>
  ['', 'runtime/default', 'unconfined'].includes(value) || value.startsWith('localhost/');

/** What ValidateAnnotations and ValidatePodSpecificAnnotations refuse in a pod template's annotations. */
function annotationProblems(
  annotations: Record<string, unknown>,
  containers: readonly string[],
  added: Record<string, string>,
): Problem[] {
  const found: Problem[] = [];
  const problem = (key: string, text: string) => found.push({ at: ['annotations', key], text });
  // The size limit counts the operator's own annotations too, where the CR's do not replace them.
  const kept = (key: string) => !Object.hasOwn(annotations, key) || typeof annotations[key] !== 'string';
  let units = 0;
  for (const key in added) if (kept(key)) units += key.length + added[key]!.length;
  for (const key in annotations) {
    const value = annotations[key];
    if (!Object.hasOwn(annotations, key) || typeof value !== 'string') continue;
    units += key.length + value.length;
    // The key check ignores case (ValidateAnnotations lowers it first).
    if (!isQualifiedName(goToLower(key))) problem(key, `annotation key ${quoted(key)} is no qualified name`);
    if (key === TOLERATIONS && value !== '' && !isTolerationsJson(value))
      problem(key, `annotation ${TOLERATIONS}: ${quoted(value)} is no JSON list of tolerations`);
    if (key === MIRROR) problem(key, `annotation ${MIRROR} is for mirror pods, which name their node`);
    if (key === DELETION_COST && !isDeletionCost(value))
      problem(key, `annotation ${DELETION_COST}: ${quoted(value)} is no 32-bit integer`);
    if ((key === SECCOMP_POD || key.startsWith(SECCOMP_CONTAINER)) && !isSeccompProfile(value))
      problem(key, `annotation ${nameAsWritten(key)}: ${quoted(value)} is no seccomp profile`);
    if (key.startsWith(APPARMOR_CONTAINER)) {
      const container = key.slice(APPARMOR_CONTAINER.length);
      if (!containers.includes(container))
        problem(
          key,
          `annotation ${nameAsWritten(key)} names no container of the pod (${containers.join(', ')})`,
        );
      if (!isAppArmorProfile(value))
        problem(key, `annotation ${nameAsWritten(key)}: ${quoted(value)} is no AppArmor profile`);
    }
  }
  // Bytes are at most 3 per UTF-16 unit: count them exactly only when the limit is within reach.
  if (units * 3 > ANNOTATIONS_LIMIT) {
    let bytes = 0;
    for (const key in added) if (kept(key)) bytes += utf8Bytes(key) + utf8Bytes(added[key]!);
    for (const [key, value] of Object.entries(annotations))
      if (typeof value === 'string') bytes += utf8Bytes(key) + utf8Bytes(value);
    if (bytes > ANNOTATIONS_LIMIT)
      found.push({
        at: ['annotations'],
        text: `annotations hold ${bytes} bytes, more than the ${ANNOTATIONS_LIMIT} Kubernetes takes`,
      });
  }
  return found;
}

interface Place {
  name: 'targetSpec' | 'proxySpec' | 'adminClient';
  effect: string;
  /** Labels the operator's selector needs on the pod, which the CR's would replace. */
  selector: Record<string, string>;
  /** Label keys the operator writes after the CR's, so the CR's values there never reach the pod. */
  overwritten: readonly string[];
}

/**
 * cmn.MergePodLabels copies the CR's labels, then the operator's own (target/proxy BasicLabels:
 * cmn.LegacyLabels, and LabelManagedBy), so a CR value at one of these keys is not on the pod.
 */
const DAEMON_LABELS = [
  'app',
  'component',
  'app.kubernetes.io/name',
  'app.kubernetes.io/component',
  'app.kubernetes.io/managed-by',
];

/**
 * The problems of one section: `containers` are its pod's, `added` the annotations the operator adds
 * (the CR's replace them).
 */
function problems(
  section: Record<string, unknown>,
  place: Place,
  containers: readonly string[],
  added: Record<string, string>,
): Problem[] {
  const found: Problem[] = [];
  if (isObject(section.labels)) {
    const labels = section.labels;
    // Review daemon39: only the labels that reach the pod; the operator writes over the others.
    for (const { key, text } of labelMapProblems(labels, 'label', place.overwritten))
      found.push({ at: ['labels', key], text });
    for (const key in place.selector) {
      const [value, wanted] = [labels[key], place.selector[key]!];
      if (typeof value === 'string' && value !== wanted)
        found.push({
          at: ['labels', key],
          text: `label ${key}: ${quoted(value)} replaces ${quoted(wanted)}, which the Deployment's selector needs`,
        });
    }
  }
  return found.concat(annotationProblems(objectOf(section.annotations), containers, added));
}

const daemonEffect = (daemon: string, outcome: string) =>
  `Kubernetes refuses the operator's ${daemon} StatefulSet, whose pod labels and annotations every version validates: %s. The operator's reconcile fails there each time: ${outcome}`;

/** The containers of a daemon pod (InitContainerName, AISContainerName, the log sidecar's) and the admin client's. */
const DAEMON_CONTAINERS = ['populate-env', 'ais-node'];
const SIDECAR_CONTAINERS = [...DAEMON_CONTAINERS, 'ais-logs'];
const ADMIN_CONTAINERS = ['ais-client'];

/** The daemon sections, proxies first as the operator makes them. */
const DAEMON_PLACES: Place[] = [
  {
    name: 'proxySpec',
    effect: daemonEffect(
      'proxy',
      'a new cluster never starts, and a running one takes no change from the CR',
    ),
    selector: {},
    overwritten: DAEMON_LABELS,
  },
  {
    name: 'targetSpec',
    effect: daemonEffect(
      'target',
      'a new cluster never gets its targets, and a running one takes no change to its targets or config',
    ),
    selector: {},
    overwritten: DAEMON_LABELS,
  },
];

export default defineRule({
  id: 'daemon-metadata-refused',
  title: 'Daemon or admin client labels or annotations Kubernetes refuses',
  summary:
    "CR whose targetSpec, proxySpec or (while enabled) adminClient labels or annotations hold what Kubernetes refuses on a pod template: a label key or value that is none, an annotation key that is no qualified name, annotations past 256 KiB, a pod-deletion-cost that is no 32-bit integer, a mirror-pod annotation, a scheduler.alpha.kubernetes.io/tolerations annotation that is no JSON list, a seccomp or AppArmor annotation with a profile Kubernetes does not know or, for AppArmor, naming no container of the pod, and for the admin client a label that replaces one its Deployment's selector needs: warn (every Kubernetes version refuses the StatefulSet or Deployment the operator makes from it, and the operator's reconcile fails at that step each time: a new cluster never starts, a running one takes no change, though the CR was accepted).",
  verdict: 'warn',
  operator: `The operator puts the daemon's labels and annotations on its StatefulSet's pod template, next to its own (${operatorLink('internal/resources/aistore/target/statefulset.go', 41, 'NewTargetSS')}, ${operatorLink('internal/resources/aistore/proxy/statefulset.go', 49, 'NewProxyStatefulSet')}, ${operatorLink('internal/resources/aistore/cmn/statefulset.go', 87, 'PrepareAnnotations')}), and the admin client's on its Deployment, over its selector labels (${operatorLink('internal/resources/aistore/adminclient/deployment.go', 106, 'NewClientDeployment')}). It makes the admin client, then the proxies, then the targets (reconcileResources, bootstrapNew, handleCREvents), and stops at the first that fails.`,
  howToFix:
    "Write label keys and values as Kubernetes takes them (a qualified name; at most 63 characters of letters, digits, '-', '_' and '.'), annotation keys as qualified names, and leave out annotations Kubernetes reads unless their value is one it takes.",
  upstream: `${K8S_VALIDATION} (ValidatePodTemplateSpecForStatefulSet validates the pod template's labels and annotations in every version, though not the rest of it before 1.36; a Deployment's whole template is validated)`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, report }) {
    const cr = subject.object;
    const spec = objectOf(cr.spec);
    const added: Record<string, string> = {
      [RESTART_HASH]: asText(objectOf(cr.metadata?.annotations)[RESTART_HASH] ?? ''),
    };
    if (typeof spec.networkAttachment === 'string') added[NETWORKS] = spec.networkAttachment;
    const logSidecar = objectOf(spec.logSidecar).image;
    const containers = typeof logSidecar === 'string' && logSidecar ? SIDECAR_CONTAINERS : DAEMON_CONTAINERS;
    const fix = (name: string) => (fields: string) =>
      `Fix spec.${name} ${fields}: label keys and values as node labels are written, annotation keys as qualified names, and the values of annotations Kubernetes reads as it takes them${name === 'adminClient' ? "; leave out the selector's labels app.kubernetes.io/name and app.kubernetes.io/component" : ''}.`;
    for (const place of DAEMON_PLACES)
      warnRefused(
        report,
        place.name,
        problems(objectOf(spec[place.name]), place, containers, added),
        place.effect,
        fix(place.name),
      );
    // NewClientDeployment copies the CR's labels over its selector's, and adds no annotations.
    if (adminClientEnabled(spec)) {
      const place: Place = {
        name: 'adminClient',
        effect: ADMIN_CLIENT_REFUSED,
        selector: {
          'app.kubernetes.io/name': `${asText(cr.metadata?.name ?? '')}-client`,
          'app.kubernetes.io/component': 'client',
        },
        overwritten: [],
      };
      warnRefused(
        report,
        place.name,
        problems(objectOf(spec.adminClient), place, ADMIN_CONTAINERS, {}),
        place.effect,
        fix(place.name),
      );
    }
  },
});
