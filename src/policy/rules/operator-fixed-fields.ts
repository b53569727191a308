// The operator's own webhook refuses an update of a live CR that changes a proxySpec or targetSpec
// field it does not copy onto the stored spec, or spec.enableExternalLB. The guard warns rather than
// refuses (the operator decides, and may run without its webhook): in a pull request judged with
// `check --base`, the change is named before the sync fails on it, with what to do instead.
import {
  dropsStoredAntiAffinityOff,
  FIXED_DAEMON_FIELDS,
  FIXED_TARGET_FIELDS,
  stateClaimClass,
} from '../aistore.js';
import { sameJson, somewhereDifferent, valueAt } from '../json.js';
import { isObject } from '../k8s.js';
import { settled, type GoTypes } from '../semantic.js';
import { quantityKey } from '../quantity.js';
import { defineRule, OPERATOR_SOURCE, operatorLink } from '../rule.js';
import { clip } from '../text.js';
import type { KubeObject } from '../types.js';

/**
 * The keys, in the fixed fields' Go types, of a pointer to a struct (aistore_types.go DaemonSpec,
 * TargetSpec, Mount; corev1.Affinity and its parts; metav1.LabelSelector). An empty map there decodes to
 * a non-nil pointer, which equality.Semantic tells from nil: adding `affinity: {}` is a change. Anywhere
 * else `{}` is a Go map or struct value, equal to absent. "" is kept: the fields hold *string ones
 * (Mount.StorageClass) whose "" is set.
 */
const FIXED_FIELD_TYPES: GoTypes = {
  structPointers: new Set([
    'affinity',
    'externalAccess',
    'nodeAffinity',
    'podAffinity',
    'podAntiAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'labelSelector',
    'namespaceSelector',
    'selector',
  ]),
};

const section = (o: KubeObject | undefined, name: string): Record<string, unknown> => {
  const spec: unknown = o?.spec;
  const value = isObject(spec) ? spec[name] : undefined;
  return isObject(value) ? value : {};
};

const shown = (v: unknown) => (v === undefined ? 'unset' : clip(JSON.stringify(v), 60));

/** What changed, by the first place that differs inside a list or map (a long mount list clips alike). */
function change(before: unknown, after: unknown): string {
  const nested =
    typeof before === 'object' && typeof after === 'object' && Array.isArray(before) === Array.isArray(after);
  const at = nested ? somewhereDifferent(before as object, after as object) : undefined;
  return at
    ? `at ${at}: ${shown(valueAt(before, at))} to ${shown(valueAt(after, at))}`
    : `${shown(before)} to ${shown(after)}`;
}

/** Mount sizes as the operator compares them: quantities by exact value (1Ti equals 1024Gi, 4.1T 4100G). */
const byValue = (mounts: unknown) =>
  Array.isArray(mounts)
    ? mounts.map((m) =>
        isObject(m) && quantityKey(m.size) !== undefined ? { ...m, size: quantityKey(m.size) } : m,
      )
    : mounts;

/** The fields of spec.<name> among `fixed` that the update changes. */
function changed(
  object: KubeObject,
  oldObject: KubeObject,
  name: 'proxySpec' | 'targetSpec',
  fixed: ReadonlySet<string>,
): { field: string; before: unknown; after: unknown }[] {
  const after = section(object, name);
  const before = section(oldObject, name);
  const out = [];
  for (const field of fixed) {
    if (
      field === 'disablePodAntiAffinity' &&
      name === 'targetSpec' &&
      dropsStoredAntiAffinityOff(object, oldObject)
    )
      continue;
    const was = settled(before[field], FIXED_FIELD_TYPES, field);
    const is = settled(after[field], FIXED_FIELD_TYPES, field);
    const same = field === 'mounts' ? sameJson(byValue(was), byValue(is)) : sameJson(was, is);
    if (!same) out.push({ field, before: was, after: is });
  }
  return out;
}

/**
 * Where the state claims' storage class is written: spec.stateStorage.pvc when stateStorage is set,
 * else the deprecated spec.stateStorageClass (as stateClaimClass reads it).
 */
const stateClassPath = (o: KubeObject) =>
  isObject(o.spec) && o.spec.stateStorage !== undefined && o.spec.stateStorage !== null
    ? '/spec/stateStorage/pvc/storageClass'
    : '/spec/stateStorageClass';

export default defineRule({
  id: 'operator-fixed-fields',
  title: 'A change the operator refuses on a live CR',
  summary:
    'CR UPDATE that changes spec.enableExternalLB, a proxySpec or targetSpec field the operator keeps as created (all but size, labels, annotations, env, resources, the security contexts, autoScale, pvcRetentionPolicy, probes, tolerations, and for targets pdb and scaleDownMode), or moves the target state onto claims of a new storage class: warn (the operator rejects the update).',
  verdict: 'warn',
  operator: `Its webhook copies the fields a live cluster may change onto the stored spec (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 219, 'allowDaemonSpecUpdates')}) and refuses the update when anything else in proxySpec or targetSpec differs (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 234, 'validateProxyUpdate')}, ${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 244, 'validateTargetUpdate')}), or enableExternalLB (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 54, 'ValidateUpdate')}), or the state claims' storage class when the update names one (${operatorLink('internal/webhook/aistore/v1beta1/aistore_webhook.go', 312, 'validateStateStorageUpdate')}).`,
  howToFix:
    'Keep the field as stored; to change it, create a new AIStore CR (and move the data), as the operator allows no other way.',
  upstream: `${OPERATOR_SOURCE}/internal/webhook/aistore/v1beta1/aistore_webhook.go#L244 (validateTargetUpdate: "cannot update spec ... for an existing cluster")`,
  roles: ['aistore'],
  mutates: false,
  check({ subject, operation, oldObject, report }) {
    if (operation !== 'UPDATE' || !isObject(oldObject)) return;
    const { object } = subject;
    const changes = [
      ...changed(object, oldObject, 'proxySpec', FIXED_DAEMON_FIELDS).map((c) => ({
        ...c,
        at: 'proxySpec',
      })),
      ...changed(object, oldObject, 'targetSpec', FIXED_TARGET_FIELDS).map((c) => ({
        ...c,
        at: 'targetSpec',
      })),
    ];
    for (const { at, field, before, after } of changes)
      report.warn(
        `/spec/${at}/${field}`,
        `spec.${at}.${field} changes on a live CR (${change(before, after)}): the operator refuses any change to it ("cannot update spec ... for an existing cluster").`,
        `Keep spec.${at}.${field} as stored: only a new AIStore CR changes it.`,
      );
    // The target StatefulSet's claim templates never change, so state may move from claims to hostPath
    // or emptyDir, but not onto claims nor to another class (validateStateStorageUpdate).
    const [stateWas, stateIs] = [stateClaimClass(oldObject), stateClaimClass(object)];
    if (stateIs !== undefined && stateIs !== stateWas)
      report.warn(
        stateClassPath(object),
        `the target state claims' storage class changes on a live CR (${stateWas === undefined ? 'no state claims' : shown(stateWas)} to ${shown(stateIs)}): the operator refuses it, since a StatefulSet's claim templates cannot change.`,
        stateWas === undefined
          ? 'Keep the state where it is stored (hostPath or emptyDir); state claims need a new AIStore CR.'
          : `Keep the storage class ${shown(stateWas)}, or move the state to hostPath or emptyDir; another class needs a new AIStore CR.`,
      );
    const lb = (o: KubeObject) => (isObject(o.spec) && o.spec.enableExternalLB === true) || false;
    if (lb(object) !== lb(oldObject))
      report.warn(
        '/spec/enableExternalLB',
        `spec.enableExternalLB changes on a live CR (${String(lb(oldObject))} to ${String(lb(object))}): the operator refuses any change to it.`,
        'Keep spec.enableExternalLB as stored: only a new AIStore CR changes it.',
      );
  },
});
