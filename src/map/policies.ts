// The guard's single-object mutations as admissionregistration.k8s.io/v1 MutatingAdmissionPolicies
// (GA in Kubernetes 1.36): applied by the apiserver itself, so a cluster keeps them without the
// webhook. Only what one object (and, on UPDATE, the stored one) shows: the facts are the VAP export's (src/vap), asked of
// `object` alone; what needs PVs, Nodes or the CR behind a pod (target-disk-binding, the PV and
// node-count signals) stays the webhook's job. docs/map.md lists what is covered.
//
// JSONPatch, not ApplyConfiguration: two of the three rules remove things (the removed top-level
// field, the target-selecting terms of an atomic list), which an apply configuration cannot, and the
// webhook answers with JSON Patch too. Each patch is guarded so that it applies to any object the
// apiserver accepted: a path is added only under a parent that exists, removed only when present.
import { and, not, present, str } from '../vap/cel.js';
import { LABELS, matchOf } from '../vap/policies.js';
import { targetAntiAffinityTerm } from '../vap/targets.js';

/** One JSON Patch operation in the CEL type the apiserver gives MAP expressions. */
export function patchOp(op: 'add' | 'remove' | 'replace', path: string, value?: string): string {
  return `JSONPatch{op: ${str(op)}, path: ${str(path)}${value === undefined ? '' : `, value: ${value}`}}`;
}

/** `[ops…]` when `when` holds, else `[]`. */
const patchIf = (when: string, ...ops: string[]) => `(${when} ? [${ops.join(', ')}] : [])`;

interface MutationDef {
  rule: string;
  /** A CEL list of JSONPatch values (empty: nothing to change). */
  patch: string;
}

interface MapDef {
  name: string;
  kind: string;
  operations: string[];
  /** Variables beyond the VAP facts of the kind. */
  variables?: { name: string; expression: string }[];
  mutations: MutationDef[];
}

const TARGET_SPEC = 'object.spec.targetSpec';
const CREATE = "request.operation == 'CREATE'";

const AISTORE: MapDef = {
  name: 'ais-guard-aistore-mutate',
  kind: 'AIStore',
  operations: ['CREATE', 'UPDATE'],
  mutations: [
    {
      // legacy-anti-affinity-field on CREATE: drop the removed top-level field; a true moves into
      // targetSpec unless targetSpec says something already. (The current CRD prunes the field before
      // admission, so this acts only with a CRD from an operator before v2.0.0.)
      rule: 'legacy-anti-affinity-field',
      patch: `${CREATE} && ${present('object', 'spec.disablePodAntiAffinity')} ? [${patchOp('remove', '/spec/disablePodAntiAffinity')}] + (${not(present('object', 'spec.targetSpec'))} ? [${patchOp('add', '/spec/targetSpec', "object.spec.disablePodAntiAffinity == true ? {'disablePodAntiAffinity': true} : {}")}] : ${patchIf(and('object.spec.disablePodAntiAffinity == true', `!has(${TARGET_SPEC}.disablePodAntiAffinity)`), patchOp('add', '/spec/targetSpec/disablePodAntiAffinity', 'true'))}) : []`,
    },
    {
      // anti-affinity-not-disabled on CREATE, by the one signal a CR alone shows: a nodeSelector
      // pinning one hostname with more than one target. An explicit false is left alone.
      rule: 'anti-affinity-not-disabled',
      patch: patchIf(
        and(
          CREATE,
          not('variables.antiAffinityOff'),
          'variables.pinnedToOneHost',
          not('variables.antiAffinityKept'),
        ),
        patchOp('add', '/spec/targetSpec/disablePodAntiAffinity', 'true'),
      ),
    },
    {
      // anti-affinity-not-disabled on UPDATE: a stored true that the update drops is kept (the
      // operator rejects any targetSpec change on UPDATE, and re-sending the manifest the guard
      // patched on CREATE would be one). Not on a CR being deleted: evaluate() changes nothing in an
      // update of one, so the webhook leaves it as sent.
      rule: 'anti-affinity-not-disabled',
      patch: patchIf(
        and(
          "request.operation == 'UPDATE'",
          '!has(object.metadata.deletionTimestamp)',
          'oldObject != null',
          present('oldObject', 'spec.targetSpec.disablePodAntiAffinity'),
          'oldObject.spec.targetSpec.disablePodAntiAffinity == true',
          present('object', 'spec.targetSpec'),
          `!has(${TARGET_SPEC}.disablePodAntiAffinity)`,
        ),
        patchOp('add', '/spec/targetSpec/disablePodAntiAffinity', 'true'),
      ),
    },
  ],
};

const ANTI = '/spec/affinity/podAntiAffinity';
const REQUIRED = `${ANTI}/requiredDuringSchedulingIgnoredDuringExecution`;

const POD: MapDef = {
  name: 'ais-guard-target-pod-mutate',
  kind: 'Pod',
  operations: ['CREATE'],
  variables: [
    {
      // The required anti-affinity terms that do not keep targets apart (the ones the guard keeps).
      name: 'otherTerms',
      expression: `variables.requiredAntiAffinity ? object.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.filter(t, !(${targetAntiAffinityTerm('t', 'variables.labels', 'request.namespace')})) : []`,
    },
  ],
  mutations: [
    {
      // target-anti-affinity on CREATE: a target pod that requires hostname anti-affinity against
      // the other targets while its nodeSelector pins them all to one host, ordinal >= 1, would stay
      // Pending: the terms go, and what they leave empty with them. Only when none is sure to keep
      // targets apart (multiTarget): such a term is what a CR that keeps anti-affinity on renders, and
      // the webhook with that CR keeps it (src/policy/layout.ts viewFromPodSpec).
      rule: 'target-anti-affinity',
      patch:
        `${and('variables.target', 'variables.requiredAntiAffinity', 'variables.multiTarget')} ? (` +
        `variables.otherTerms.size() > 0 ? [${patchOp('replace', REQUIRED, 'variables.otherTerms')}] : ` +
        `has(object.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution) ? [${patchOp('remove', REQUIRED)}] : ` +
        `(has(object.spec.affinity.nodeAffinity) || has(object.spec.affinity.podAffinity)) ? [${patchOp('remove', ANTI)}] : ` +
        `[${patchOp('remove', '/spec/affinity')}]) : []`,
    },
  ],
};

export const MAP_DEFS: readonly MapDef[] = [AISTORE, POD];

function policyObject(def: MapDef) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingAdmissionPolicy',
    metadata: { name: def.name, labels: LABELS },
    spec: {
      // As the guard's mutating webhook: a correction never blocks a write (Ignore), and it is asked
      // again when a later mutation changes the object (IfNeeded; every patch here is idempotent:
      // once applied, its condition no longer holds).
      failurePolicy: 'Ignore',
      reinvocationPolicy: 'IfNeeded',
      ...(() => {
        const { variables, ...match } = matchOf(def.kind, def.operations);
        return { ...match, variables: [...variables, ...(def.variables ?? [])] };
      })(),
      mutations: def.mutations.map((m) => ({ patchType: 'JSONPatch', jsonPatch: { expression: m.patch } })),
    },
  };
}

function bindingObject(def: MapDef) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingAdmissionPolicyBinding',
    metadata: { name: def.name, labels: LABELS },
    spec: { policyName: def.name },
  };
}

/** The policies, then their bindings: the objects `ais-guard render --map` prints. */
export function mutatingPolicies() {
  return [...MAP_DEFS.map(policyObject), ...MAP_DEFS.map(bindingObject)];
}

/** Which rule each policy's mutations apply, in order (the agreement test and docs read it). */
export function mutationCoverage(): { policy: string; kind: string; rules: string[] }[] {
  return MAP_DEFS.map((d) => ({ policy: d.name, kind: d.kind, rules: d.mutations.map((m) => m.rule) }));
}
