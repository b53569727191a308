// Review sess29: the ClusterContext indexes the namespace warnings read (aistoresNamed, and the
// namespaces with PVs named for a CR's targets and no AIStore of its name, with their PVs) answer, after any sequence of upserts and removes (watch events, reduced as the webhook caches
// them or whole), what a context built fresh from the final objects answers: no entry left behind
// by a delete or a change of claimRef, and the newest object in each (a binding-state change takes
// the old one's place without a new version).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, pv } from '../support/builders.js';
import { asCached } from '../support/sides.js';

const NS = ['a', 'b', 'c'];
const CRS = ['ais', 'x'];
const CLAIMS = [
  claimName(0),
  claimName(1),
  claimName(0, 'x'),
  'a-ais-state-ais-target-0',
  'scratch',
  'x-target-01',
];

type Obj = KubeObject & { metadata: Record<string, unknown>; spec?: Record<string, unknown> };

const arbCR = fc
  .record({ name: fc.constantFrom(...CRS), ns: fc.constantFrom(...NS), size: fc.integer({ min: 1, max: 3 }) })
  .map((o) => aistore({ name: o.name, namespace: o.ns, size: o.size }) as Obj);

const arbPV = fc
  .record({
    name: fc.constantFrom('p1', 'p2', 'p3'),
    ns: fc.constantFrom(...NS, ''),
    claim: fc.constantFrom(...CLAIMS),
    noClaim: fc.boolean(),
    uid: fc.constantFrom(undefined, 'u1'),
    phase: fc.constantFrom('Bound', 'Available', 'Released'),
    host: fc.constantFrom('n1', 'n2'),
  })
  .map((o) => {
    const p = pv(o.name, { claim: o.claim, claimNamespace: o.ns, host: o.host, local: true }) as Obj;
    if (o.noClaim) delete p.spec!.claimRef;
    else if (o.uid) (p.spec!.claimRef as Record<string, unknown>).uid = o.uid;
    (p as Record<string, unknown>).status = { phase: o.phase };
    return p;
  });

type Step = { put: boolean; obj: Obj; reduce: boolean };
const arbStep: fc.Arbitrary<Step> = fc.record({
  put: fc.constantFrom(true, true, false),
  obj: fc.oneof(arbCR, arbPV),
  reduce: fc.boolean(),
});

const keyOf = (o: KubeObject) => `${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;

/** What the two indexes answer, every object whole, for each name they may be asked. */
function answers(ctx: ClusterContext) {
  const out: Record<string, unknown> = {};
  for (const name of [...CRS, 'ais-data-aistore-ais', 'a-ais-state-ais']) {
    out[`cr ${name}`] = ctx.aistoresNamed(name, 10);
    out[`few ${name}`] = ctx.aistoresNamed(name, 1);
    const namespaces = ctx.targetPvNamespacesWithoutCR(name);
    out[`ns ${name}`] = namespaces;
    out[`pvs ${name}`] = namespaces.map((ns) =>
      ctx.pvsForTargetsOf(ns, name).sort((x, y) => keyOf(x).localeCompare(keyOf(y))),
    );
  }
  return out;
}

describe('aistoresNamed and targetPvsForClaimNamed after watch events', () => {
  it('answer as a context built fresh from the final objects', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 40 }), (steps) => {
        const live = new ClusterContext();
        const final = new Map<string, KubeObject>();
        for (const { put, obj, reduce } of steps) {
          const o = reduce ? asCached(obj) : obj;
          if (put) {
            live.upsert(o);
            final.set(keyOf(o), o);
          } else {
            live.remove(o);
            final.delete(keyOf(o));
          }
          expect(answers(live)).toEqual(answers(new ClusterContext(final.values())));
        }
      }),
      { numRuns: 300 },
    );
  });
});
