// Review (vap30): the target StatefulSet policy compares every volumeClaimTemplate with every pod
// volume in place (mount-template-name: "a pod volume of a template's name"), re-reading both
// objects' fields for each pair. Measured with kube-apiserver v1.33's own admission CEL code
// (k8s.io/apiserver v0.33.13: the policy compiled as validating/plugin.go compilePolicy does, with
// strict cost, and run through validating.NewValidator(...).Validate on a CREATE): the operator's
// StatefulSet for a CR of 512 claim mounts and 128 useHostPath mounts (640 of the 1,024 the guard
// reads; each useHostPath mount is a pod volume host-data-mount-<i>, target/volumes.go
// appendHostPathDataVolumes), or 256 and 256, or 700 and 100, fails with "operation cancelled:
// actual cost limit exceeded" (~16 units per pair, past 1,000,000 from ~62,000 pairs), and
// failurePolicy Fail rejects it on every reconcile, while the AIStore policy and the webhook
// (evaluate()) admit the CR and its StatefulSet. The CEL library here has no cost tracking: the test
// counts the fields the policy reads of the object instead, which grows with the pairs while the
// comparison is made in place, and with the lists when the names are read once (variables) and
// compared with `in`.
import { describe, expect, it } from '@jest/globals';
import { admissionPolicies } from '../../src/vap/index.js';
import { run, targetStatefulSet } from '../support/builders.js';
import { celValue, evalCel, evalVariables } from '../vap/support/vap-eval.js';

interface Policy {
  metadata: { name: string };
  spec: { variables: { name: string; expression: string }[]; validations: { expression: string }[] };
}
const STS_POLICY = admissionPolicies().find(
  (o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'ais-guard-target-statefulset',
) as unknown as Policy;

/** `value` with every property read (of an object or a list) counted in `reads.n`. */
function counted(value: unknown, reads: { n: number }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string') reads.n++;
      return counted(Reflect.get(target, key, receiver), reads);
    },
  });
}

/** The operator's target StatefulSet for `claims` claim mounts and `hostPaths` useHostPath mounts. */
function operatorSet(claims: number, hostPaths: number) {
  const set = targetStatefulSet({
    replicas: 3,
    templates: Array.from({ length: claims }, (_, i) => `ais-mnt-disk${String(i).padStart(4, '0')}-aistore`),
  });
  set.metadata = {
    ...set.metadata,
    labels: { ...set.metadata!.labels, 'app.kubernetes.io/managed-by': 'ais-operator' },
  };
  const podSpec = (set.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  podSpec.volumes = [
    ...['config-template', 'config-mount', 'config-global', 'logs-dir', 'state-mount', 'tls-certs'].map(
      (name) => ({ name, emptyDir: {} }),
    ),
    ...Array.from({ length: hostPaths }, (_, i) => ({
      name: `host-data-mount-${claims + i}`,
      hostPath: { path: `/mnt/h${i}/ais/ais/target` },
    })),
  ];
  return set;
}

describe('review vap30: the target StatefulSet policy on the set of a CR with many mounts', () => {
  it.each([
    [512, 128],
    [256, 256],
  ])(
    '%i claim mounts and %i useHostPath mounts: admitted, reading each template and volume a few times, not once per pair',
    (claims, hostPaths) => {
      const set = operatorSet(claims, hostPaths);
      expect(run({ name: 'sts', object: set }).findings.filter((f) => f.action === 'deny')).toEqual([]);
      const reads = { n: 0 };
      const bindings = {
        object: counted(celValue(set), reads),
        oldObject: null,
        request: { operation: 'CREATE', namespace: 'ais', name: 'ais-target' },
      };
      const errors: string[] = [];
      const variables = evalVariables(STS_POLICY.spec.variables, bindings, errors);
      const verdicts = STS_POLICY.spec.validations.map((v) =>
        evalCel(v.expression, { ...bindings, variables }),
      );
      expect(errors).toEqual([]);
      expect(verdicts.every((v) => v === true)).toBe(true);
      // In place, ~6 reads per pair: 512 x 134 pairs read ~400,000 fields.
      expect(reads.n).toBeLessThan(40 * (claims + hostPaths + 6));
    },
  );
});
