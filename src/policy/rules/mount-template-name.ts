// Each non-hostPath mount becomes a volumeClaimTemplate named <cr><path-with-dashes>;
// that name must be a DNS-1123 label and unique, or the StatefulSet (and every claim) is invalid.
import {
  claimMounts,
  claimTemplateNames,
  hasStateClaim,
  MAX_MOUNTS,
  mountCount,
  mountsOf,
  operatorVolumeNamed,
  stateClaimClass,
  stateTemplateName,
  templateName,
  type Mount,
} from '../aistore.js';
import { asText, isObject, nameOf } from '../k8s.js';
import { isDnsSubdomain } from '../k8s-names.js';
import { labelSelectorProblems } from '../label-selector.js';
import { MAX_INT64, wholeBytes } from '../quantity.js';
import { defineRule, MULTI_TARGET_DOC, operatorLink, pointer, type RuleInput } from '../rule.js';
import { clip } from '../text.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function labelProblem(name: string): string | undefined {
  if (name.length > 63) return `is ${name.length} characters long (a DNS-1123 label allows 63)`;
  if (!DNS1123_LABEL.test(name))
    return 'is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit)';
  return undefined;
}

export default defineRule({
  id: 'mount-template-name',
  title: 'Mount path gives a valid, unique claim template name',
  summary:
    "Mount paths start with \"/\"; a mount that becomes a volumeClaimTemplate (not useHostPath) has no trailing \"/\", a size of at least one byte and at most 2^63-1 (as the operator rounds it to whole bytes), and a template name (<cr><path-with-dashes>) that is a unique DNS-1123 label of at most 63 characters, not the state claim's, and not the name of a pod volume the operator adds (config-template, config-mount, config-global, logs-dir, state-mount, tls-certs, tracing-token, aws-creds, gcp-creds, oci-creds, host-data-mount-<i>; whether or not the CR turns that volume on), as the claim would take that volume's place; a mount's storageClass, and the state claims', is a DNS-1123 subdomain (Kubernetes refuses every claim of another class name); a target StatefulSet has no template named like one of its pod volumes; the state claim template <namespace>-<cr>-state is such a label too; no claim <template>-<cr>-target-<N> is also another CR's of the namespace (ais with mount /ais/data/ais, ais-ais with /data); at most 1,024 mounts: deny otherwise. A mount selector Kubernetes cannot read on a claim (a matchLabels or matchExpressions key that is no label key or a value that is no label value, an operator other than In, NotIn, Exists, DoesNotExist, In/NotIn without values, Exists/DoesNotExist with values): warn (every claim refused, the targets stay Pending).",
  verdict: 'deny / warn',
  operator: `The operator names each non-hostPath mount's volumeClaimTemplate CR name + path with "/" turned into "-", as written (${operatorLink('api/aistore/v1beta1/aistore_types.go', 1040, 'Mount.GetPVCName')}, ${operatorLink('internal/resources/aistore/target/volumes.go', 90, 'newTargetPVCs')}).`,
  howToFix: 'Use short, lowercase, absolute mount paths, each distinct.',
  upstream: `${MULTI_TARGET_DOC}#creating-pvs-and-pvcs ("data/aistore is transformed to data-aistore as the path")`,
  roles: ['aistore', 'target-statefulset'],
  mutates: false,
  check(input) {
    const { subject, report } = input;
    const { crName } = subject;
    if (subject.role === 'target-statefulset') {
      const templates = subject.object.spec?.volumeClaimTemplates;
      if (!Array.isArray(templates)) return;
      const names = templates.map((t) =>
        isObject(t) && typeof t.metadata?.name === 'string' ? t.metadata.name : '',
      );
      names.forEach((name, i) => {
        const problem = labelProblem(name);
        if (problem)
          report.deny(
            pointer('spec', 'volumeClaimTemplates', i, 'metadata', 'name'),
            `volumeClaimTemplate "${name}" ${problem}.`,
            'Shorten or rename the AIStore mount path it comes from.',
          );
      });
      // A pod volume of a template's name is replaced by the claim (k8s stateful_set_utils.go
      // updateStorage); the apiserver does not refuse such a StatefulSet.
      const volumes = subject.object.spec?.template?.spec?.volumes;
      const podVolumes = new Set(
        Array.isArray(volumes)
          ? volumes.map((v) => (isObject(v) && typeof v.name === 'string' ? v.name : ''))
          : [],
      );
      names.forEach((name, i) => {
        if (name !== '' && podVolumes.has(name))
          report.deny(
            pointer('spec', 'volumeClaimTemplates', i, 'metadata', 'name'),
            `volumeClaimTemplate "${name}" has the name of a pod volume of the template: the StatefulSet controller puts the claim in that volume's place, so the data disk is also what the volume held.`,
            'Rename the AIStore mount path it comes from (the operator names the template <cr><path-with-dashes>).',
          );
      });
      // With the CR known, every PVC-backed mount must have its template, or its claims are never made.
      for (const mount of subject.cr ? claimMounts(subject.cr) : []) {
        const template = templateName(crName, mount.path);
        if (!names.includes(template))
          report.warn(
            '/spec/volumeClaimTemplates',
            `mount ${mount.path} of AIStore ${crName} has no volumeClaimTemplate "${template}" in this StatefulSet.`,
            'Let the operator render the target StatefulSet from the CR.',
          );
      }
      return;
    }
    const mounts = mountsOf(subject.object);
    if (mountCount(subject.object) > MAX_MOUNTS) {
      // Checked one by one, tens of thousands of mounts (a 3 MiB CR holds ~60,000) cost the review
      // its time budget. The operator has no limit of its own: this is the guard's, and the message
      // says so (1,025 mounts render a StatefulSet of ~200 KB, which the apiserver stores).
      report.deny(
        '/spec/targetSpec/mounts',
        `${mountCount(subject.object)} mounts: more than the ${MAX_MOUNTS} ais-guard checks one by one (a disk per mount and target); the mounts were not checked, so the CR is denied rather than let through unjudged.`,
        'Use one mount per disk a target really has.',
      );
      return;
    }
    const seen = new Map<string, string>();
    // The state claim template is the StatefulSet's too (target/volumes.go newTargetPVCs).
    const state = hasStateClaim(subject.object) ? stateTemplateName(subject.namespace, crName) : undefined;
    // Its name is every target pod's volume name too, held to the same 63 characters (a manifest
    // with no namespace cannot tell: `check` leaves it to the webhook).
    const stateProblem = state !== undefined && subject.namespace !== '' ? labelProblem(state) : undefined;
    if (stateProblem)
      report.deny(
        isObject(subject.object.spec?.stateStorage) ? '/spec/stateStorage' : '/spec/stateStorageClass',
        `the state storage's claim template "${state}" (<namespace>-<cr>-state) ${stateProblem}: every target and proxy pod mounts a volume of that name (proxy/statefulset.go uses the same template), so Kubernetes refuses them all.`,
        'Use a shorter namespace or AIStore name, or keep the state on the host (spec.stateStorage.hostPath).',
      );
    const stateClass = stateClaimClass(subject.object);
    if (stateClass && !isDnsSubdomain(stateClass))
      report.deny(
        isObject(subject.object.spec?.stateStorage)
          ? '/spec/stateStorage/pvc/storageClass'
          : '/spec/stateStorageClass',
        `the state storage's class ${JSON.stringify(clip(stateClass, 80))} is no class name (a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters): Kubernetes refuses every state claim made from its template, which every target and proxy pod mounts, so none of them starts.`,
        'Name the StorageClass as the cluster does (kubectl get storageclass).',
      );
    for (const mount of mounts) {
      const at = pointer('spec', 'targetSpec', 'mounts', mount.index, 'path');
      // A trailing "/" only matters where the path becomes a claim template name: a useHostPath
      // mount's directory is path.Join-ed (operator target/volumes.go appendHostPathDataVolumes).
      const trailing = !mount.useHostPath && mount.path.length > 1 && mount.path.endsWith('/');
      if (!mount.path.startsWith('/') || trailing) {
        report.deny(
          at,
          `mount path "${mount.path}" must be absolute${mount.useHostPath ? '' : ' and must not end with "/"'}.`,
          'Write the path as the disk is mounted on the node, e.g. /data/aistore.',
        );
        continue;
      }
      if (mount.useHostPath) continue;
      const template = templateName(crName, mount.path);
      const problem = labelProblem(template);
      if (problem) {
        report.deny(
          at,
          `mount ${mount.path} becomes the claim template "${template}", which ${problem}.`,
          'Use a shorter, lowercase mount path (letters, digits, "-" and "/").',
        );
        continue;
      }
      // Without a size (or one that rounds down to 0 bytes) the operator's claim template requests
      // no storage (Mount.GetPVCResources), and Kubernetes creates no claim from it. Past int64 bytes
      // the operator's count wraps (to no storage, or to another size); a size the guard cannot
      // bound (1e99999999) costs the operator seconds of rounding on every reconcile.
      const bytes = wholeBytes(mount.size);
      const none =
        "the operator's claim template for it requests no storage, which Kubernetes rejects, so its claims are never made and the targets stay Pending";
      const fault =
        mount.size === undefined
          ? `has no size: ${none}`
          : bytes === undefined
            ? `has size ${clip(asText(mount.size), 40)}, which is no size a disk has (not a quantity, over 40 digits, or an exponent past 80): the operator turns it into whole bytes on every reconcile, seconds of work for a huge exponent`
            : bytes < 1n
              ? `has size ${String(mount.size)}, under one byte: ${none}`
              : bytes > MAX_INT64
                ? `has size ${String(mount.size)}, past the 2^63-1 bytes the operator's claim request holds: its count wraps, to no storage or another size`
                : undefined;
      if (fault) {
        report.deny(
          at,
          `mount ${mount.path} ${fault}.`,
          'Give the mount the size of its disk, e.g. size: 5Ti.',
        );
        continue;
      }
      // The claims carry the class as written (Mount.BuildPVC); the StatefulSet is taken unvalidated,
      // and every claim made from its template refused (ValidateClassName: a DNS-1123 subdomain).
      const cls = mount.storageClass;
      if (cls !== undefined && cls !== '' && !isDnsSubdomain(cls))
        report.deny(
          pointer('spec', 'targetSpec', 'mounts', mount.index, 'storageClass'),
          `mount ${mount.path} asks for storage class ${JSON.stringify(clip(cls, 80))}, which is no class name (a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters): Kubernetes refuses every claim made from the mount's claim template, so the targets stay Pending.`,
          'Name the StorageClass as the cluster does (kubectl get storageclass).',
        );
      warnSelector(report, mount);
      if (template === state) {
        report.deny(
          at,
          `mount ${mount.path} becomes the claim template "${template}", the name of the state storage's claim template: the target StatefulSet would hold two templates of that name.`,
          'Use another mount path.',
        );
        continue;
      }
      const volume = operatorVolumeNamed(template);
      if (volume) {
        // Denied whether or not the CR turns the volume on now: the field can be set later, and the
        // mount's template cannot be renamed without losing its claims.
        report.deny(
          at,
          `mount ${mount.path} becomes the claim template "${template}", the name of the pod volume the operator adds for ${volume.holds}${volume.when ? ` (when ${volume.when}; denied either way, as that can change later)` : ''}: the StatefulSet controller puts the claim in that volume's place, so the data disk is also ${volume.holds}.`,
          'Use another mount path (or AIStore name).',
        );
        continue;
      }
      const other = seen.get(template);
      if (other !== undefined)
        report.deny(
          at,
          `mounts ${other} and ${mount.path} both become the claim template "${template}".`,
          'Give every mount a distinct path.',
        );
      seen.set(template, mount.path);
    }
    sharedClaims(input as RuleInput<'aistore'>, seen, state); // the StatefulSet returned above
  },
});

/** Selector problems a warning names; the rest are counted. */
const NAMED = 3;

/**
 * A mount's selector goes into its claims as written (Mount.BuildPVC); Kubernetes validates it on
 * every claim made from the template (ValidatePersistentVolumeClaimSpec), and from 1.36 on the
 * StatefulSet's templates. A warning: the CRD took it, and the operator may render it otherwise later.
 */
function warnSelector(report: RuleInput<'aistore'>['report'], mount: Mount): void {
  const found = labelSelectorProblems(mount.selector, ['selector']);
  if (found.length === 0) return;
  const more = found.length > NAMED ? ` (and ${found.length - NAMED} more)` : '';
  report.warn(
    pointer('spec', 'targetSpec', 'mounts', mount.index, ...found[0]!.at),
    `mount ${mount.path} has a selector Kubernetes cannot read: ${found
      .slice(0, NAMED)
      .map((f) => f.text)
      .join(
        '; ',
      )}${more}. Kubernetes refuses every claim made from the mount's claim template (from 1.36 the target StatefulSet itself), so the targets stay Pending.`,
    'Write the selector as Kubernetes reads it: label keys and values as labels are written; In and NotIn with values, Exists and DoesNotExist without.',
  );
}

/**
 * Another CR of the namespace whose claims are this one's: `<template>-<cr>-target-<N>` is the same
 * name for CRs ais (mount /ais/data/ais) and ais-ais (mount /data). A claim that exists is used as it
 * is (k8s stateful_pod_control.go createPersistentVolumeClaims): the second StatefulSet's targets
 * would take the first's volumes. Work: the namespace's CRs times their templates.
 */
function sharedClaims(
  { subject, ctx, report }: RuleInput<'aistore'>,
  templates: Map<string, string>,
  state: string | undefined,
): void {
  const { crName, namespace } = subject;
  const stems = new Map<string, string>(); // `<template>-<cr>` -> what makes it
  for (const [template, path] of templates) stems.set(`${template}-${crName}`, `mount ${path}`);
  if (state !== undefined) stems.set(`${state}-${crName}`, 'the state storage');
  for (const other of ctx.aistoresIn(namespace)) {
    const otherName = nameOf(other);
    if (otherName === crName) continue;
    for (const template of claimTemplateNames(other)) {
      const mine = stems.get(`${template}-${otherName}`);
      if (mine === undefined) continue;
      report.deny(
        '/metadata/name',
        `${mine} of AIStore ${crName} makes the claims ${template}-${otherName}-target-0, -1, …, which AIStore ${otherName}'s claim template "${template}" makes too: a claim that exists is used as it is, so the targets of one cluster would take the other's volumes.`,
        'Give this AIStore another name, or the mount another path.',
      );
      return;
    }
  }
}
