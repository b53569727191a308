// One junk object in the cache (an AIStore CR stored before a CRD schema change, a
// StatefulSet/PV/Node of odd shape) must not make reviews of OTHER objects throw or fail a rule.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { RESOURCES } from '../../src/server/cluster.js';
import { paths, replaceAt } from '../support/mutate.js';
import {
  aistore,
  claimName,
  node,
  oneNodeDisks,
  pv,
  pvc,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';

const cached: KubeObject[] = [
  aistore({ size: 2, nodeSelector: { pool: 'a' } }),
  targetStatefulSet({ replicas: 2, nodeSelector: { pool: 'a' } }),
  ...oneNodeDisks('n1'),
  node('n1', { pool: 'a' }),
  node('n2', { pool: 'a' }),
];
// Reviews of objects other than the junk one.
const probes: KubeObject[] = [
  aistore({ name: 'other', size: 3 }),
  pvc(claimName(0)),
  pvc(claimName(2)),
  targetPod({ ordinal: 1 }),
  pv('probe', { claim: claimName(1), host: 'n2', path: '/ais/x' }),
  pv('probe2', { claim: claimName(2), host: 'n1', path: '/ais/y' }),
];

const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant([null]),
  fc.constant(-1),
  fc.constant(1e9),
);

const shape = (o: KubeObject) => {
  const r = RESOURCES.find((x) => x.kind === o.kind);
  return r ? reduced(structuredClone(o) as Cached, r.apiVersion, r.kind) : o;
};

describe('a junk object in the cache', () => {
  it('leaves the reviews of other objects judged (no throw, no failed rule)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: cached.length - 1 }),
        fc.nat(),
        junk,
        fc.nat({ max: probes.length - 1 }),
        fc.constantFrom('CREATE', 'UPDATE'),
        (i, n, value, p, op) => {
          const victim = cached[i] as KubeObject;
          const all = paths(victim).filter(
            (path) =>
              path.length >= 2 &&
              (path[0] === 'spec' ||
                (path[0] === 'metadata' && path[1] !== 'name' && path[1] !== 'namespace')),
          );
          const bad = replaceAt(victim, all[n % all.length] as (string | number)[], value) as KubeObject;
          const ctx = new ClusterContext(cached.map((o, j) => shape(j === i ? bad : o)));
          const object = probes[p] as KubeObject;
          let ev;
          try {
            ev = evaluate(
              { operation: op as 'CREATE', object, oldObject: op === 'UPDATE' ? object : undefined },
              ctx,
            );
          } catch (err) {
            throw new Error(
              `evaluate threw on ${object.kind} ${String(object.metadata?.name)} with ${JSON.stringify(all[n % all.length])}=${JSON.stringify(value)}: ${String(err)}`,
              { cause: err },
            );
          }
          const failed = ev.findings.filter((f) => f.message.includes('could not judge'));
          expect({ path: all[n % all.length], value, failed }).toEqual({
            path: all[n % all.length],
            value,
            failed: [],
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
