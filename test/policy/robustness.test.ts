// Admission input is not validated before mutating webhooks see it (CRs are decoded unstructured),
// so evaluate() must survive any shape: wrong types in every field, junk, deep nesting.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext, evaluate, type KubeObject, type Operation } from '../../src/policy/index.js';
import { paths, replaceAt } from '../support/mutate.js';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  oneNodeDisks,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
  claimName,
  discoveredDisk,
  madeForClaim,
  node,
} from '../support/builders.js';

const seeds: KubeObject[] = [
  aistore({
    disable: true,
    hostPort: 1,
    legacyDisable: true,
    affinity: HOST_ANTI_AFFINITY(),
    mounts: [{ path: '/a', useHostPath: true }, { path: '/b' }],
  }),
  targetStatefulSet({ hostPort: 1, hostNetwork: true, affinity: HOST_ANTI_AFFINITY() }),
  targetPod({
    ordinal: 1,
    hostPort: 1,
    affinity: HOST_ANTI_AFFINITY(),
    nodeSelector: { 'kubernetes.io/hostname': 'x' },
  }),
  pvc(claimName(1), { volumeName: 'x' }),
  pv('p', { claim: claimName(0) }),
  // Fields read before any rule runs (recognition, the placement's node count): a provisioner's
  // annotation, a CR's node selector and tolerations, as they meet the context's Nodes.
  madeForClaim(pv('q', { claim: claimName(2), host: 'node-1', path: '/ais/sdc' }), 'u1'),
  aistore({ name: 'placed', nodeSelector: { disk: 'nvme', 'kubernetes.io/hostname': 'node-1' } }),
  discoveredDisk({ host: 'node-1', path: '/mnt/sdd' }),
];

const junk = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constant('-1'),
  fc.constant(''),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }),
  fc.anything(),
);

const operation = fc.constantFrom<Operation>('CREATE', 'UPDATE', 'DELETE', 'CONNECT');
const context = new ClusterContext([
  aistore({ disable: true }),
  ...oneNodeDisks(),
  targetStatefulSet(),
  node('node-1', { disk: 'nvme' }),
  node('node-2', { disk: 'nvme' }),
]);

describe('evaluate() never throws', () => {
  it('on any field of the real shapes replaced by junk', () => {
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), junk).map(([seed, n, value]) => {
      const all = paths(seed);
      return replaceAt(seed, all[n % all.length] as (string | number)[], value) as KubeObject;
    });
    fc.assert(
      fc.property(mutated, operation, mutated, (object, op, old) => {
        const ev = evaluate({ operation: op, object, oldObject: old }, context);
        expect(Array.isArray(ev.patch)).toBe(true);
        // A context made of junk is survivable too.
        evaluate({ operation: op, object }, new ClusterContext([object, old]));
      }),
      { numRuns: 5000 },
    );
  });

  it('on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), operation, (value, op) => {
        const object = (
          typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value }
        ) as KubeObject;
        evaluate({ operation: op, object }, context);
        evaluate(
          { operation: op, object: { ...object, apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore' } },
          context,
        );
      }),
      { numRuns: 3000 },
    );
  });

  // JSON can override what a message's `${value}` calls: {"toString": 1} throws "Cannot convert
  // object to primitive value". Every field of every real shape, both as the object and as the old one.
  it('on {"toString": 1} in every field', () => {
    const hostile: unknown = JSON.parse('{"toString": 1, "valueOf": 1}');
    for (const seed of seeds)
      for (const path of paths(seed)) {
        const object = replaceAt(seed, path, hostile) as KubeObject;
        for (const op of ['CREATE', 'UPDATE'] as const) {
          expect(() => evaluate({ operation: op, object, oldObject: object }, context)).not.toThrow();
          expect(() => evaluate({ operation: op, object }, new ClusterContext([object]))).not.toThrow();
        }
      }
  });

  // The fuzz suite found it: a claim's shape was a RegExp compiled from the CR's name, and a name of
  // 70,000 characters made it fail to compile. Names come from requests; claim shapes are string work.
  it("on CR and claim names far beyond the apiserver's limits", () => {
    for (const crName of ['a'.repeat(70_000), '/'.repeat(40_000), '-'.repeat(40_000), '(['.repeat(20_000)]) {
      const cr = aistore({ name: crName, disable: true });
      const claims = [
        pvc(`${crName}-data-${crName}-target-0`),
        pvc(`${crName}-x`),
        pv('p', { claim: `${crName}-target-1` }),
      ];
      for (const object of claims) {
        const ev = evaluate({ operation: 'CREATE', object }, new ClusterContext([cr]));
        expect(typeof ev.allowed).toBe('boolean');
      }
    }
    const cr = aistore({ name: 'ais', disable: true });
    const ok = evaluate({ operation: 'CREATE', object: pvc(claimName(0)) }, new ClusterContext([cr]));
    expect(ok.allowed).toBe(true);
    const bad = evaluate({ operation: 'CREATE', object: pvc('ais-ais-target-0') }, new ClusterContext([cr]));
    expect(bad.allowed).toBe(false);
  });

  // Name parsers do work that grows with the name (a claim's shape is tried at every dash): names
  // longer than a DNS subdomain, which the apiserver rejects anyway, are not judged at all.
  it('leaves names longer than 253 characters alone', () => {
    const cr = aistore({ name: 'ais', disable: true });
    const within = `ais-data-${'x'.repeat(253 - 'ais-data--ais-target-0'.length)}-ais-target-0`;
    const beyond = `ais-data-${'x'.repeat(254 - 'ais-data--ais-target-0'.length)}-ais-target-0`;
    expect(within).toHaveLength(253);
    const judged = (name: string) =>
      evaluate({ operation: 'CREATE', object: pvc(name) }, new ClusterContext([cr])).role;
    expect(judged(within)).toBe('target-claim');
    expect(judged(beyond)).toBeUndefined();
    const ref = (name: string) =>
      evaluate({ operation: 'CREATE', object: pv('p', { claim: name }) }, new ClusterContext([cr])).role;
    expect(ref(within)).toBe('target-volume');
    expect(ref(beyond)).toBeUndefined();
    const dashes = `${'b-'.repeat(500_000)}c-target-0`;
    expect(judged(dashes)).toBeUndefined();
  });
});
