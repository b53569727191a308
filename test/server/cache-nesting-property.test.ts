// Review spare3 (of da8de2b): the webhook's live context (reduced objects, event by event) against
// a context built from scratch (reduced, and whole as check/audit read them), for PVs on nesting
// paths, pinned to several nodes, Released/Bound, and events that change a PV's claimRef (the
// binder binding a free PV, an admin freeing a Released one, a claimRef renamed): does
// targetPvsByHost (context.ts) follow? Probes are judged between events, so stale memos show.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import type { Cached } from '../../src/server/reduce.js';
import { aistore, claimName, node, pv } from '../support/builders.js';
import { shape } from '../support/watch-property.js';

type Obj = KubeObject & {
  metadata: Record<string, unknown>;
  spec?: Record<string, unknown>;
  status?: unknown;
};
const NAMES = ['p1', 'p2', 'p3', 'p4'];
const CLAIMS = [claimName(0), claimName(1), 'ais-ais-state-ais-target-0', 'scratch', 'db-target-0', null];
const HOSTS: (string[] | null)[] = [['n1'], ['n2'], ['n1', 'n2'], null];
const PATHS = ['/a', '/a/b', '/', '/b', '/a/'];
const PHASES = ['Bound', 'Released', 'Available', 'Failed', 'Pending'];
const PROVISIONED = [undefined, 'x', 'local-volume-provisioner-n1-0b6c'];

const arbPV = fc
  .record({
    name: fc.constantFrom(...NAMES),
    claim: fc.constantFrom(...CLAIMS),
    host: fc.constantFrom(...HOSTS),
    path: fc.constantFrom(...PATHS),
    phase: fc.constantFrom(...PHASES),
    uid: fc.constantFrom(undefined, 'u1', 'u2'),
    provisioned: fc.constantFrom(...PROVISIONED),
  })
  .map((o) => {
    const p = pv(o.name, {
      claim: o.claim ?? 'x',
      claimNamespace: 'ais',
      host: o.host,
      path: o.path,
      annotations: o.provisioned ? { 'pv.kubernetes.io/provisioned-by': o.provisioned } : undefined,
    }) as Obj;
    if (o.claim === null) delete p.spec!.claimRef;
    else if (o.uid) (p.spec!.claimRef as Record<string, unknown>).uid = o.uid;
    p.status = { phase: o.phase };
    return p;
  });

type Step =
  | { t: 'put'; obj: Obj }
  | { t: 'del'; name: string }
  | { t: 'probe' }
  // What controllers and admins do to a PV already there.
  | { t: 'bind'; pick: number; claim: string | null; uid: string | undefined; phase: string };

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: arbPV.map((obj) => ({ t: 'put' as const, obj })) },
  { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name) => ({ t: 'del' as const, name })) },
  { weight: 2, arbitrary: fc.constant({ t: 'probe' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('bind' as const),
      pick: fc.nat(),
      claim: fc.constantFrom(...CLAIMS),
      uid: fc.constantFrom(undefined, 'u1', 'u2'),
      phase: fc.constantFrom(...PHASES),
    }),
  },
);

const BASE: Obj[] = [
  node('n1') as Obj,
  node('n2') as Obj,
  aistore({ disable: true, size: 2, nodeSelector: { 'kubernetes.io/hostname': 'n1' } }) as Obj,
  { ...aistore({ name: 'ais', disable: true }), metadata: { name: 'ais', namespace: 'other' } } as Obj,
];

function probes(server: Map<string, Obj>): KubeObject[] {
  const out: KubeObject[] = [];
  for (const path of ['/a', '/a/b', '/']) {
    for (const host of HOSTS) {
      out.push(pv('probe', { claim: claimName(0), host, path }));
      const spare = pv('probe-free', { claim: 'x', host, path }) as Obj;
      delete spare.spec!.claimRef;
      out.push(spare);
      out.push(pv('probe-other', { claim: 'scratch', host, path }));
    }
  }
  out.push(...server.values());
  return out;
}

function verdicts(ctx: ClusterContext, subjects: KubeObject[]) {
  return subjects.map((object) =>
    (['CREATE', 'UPDATE'] as const).map((operation) => {
      const ev = evaluate({ operation, object, oldObject: operation === 'UPDATE' ? object : undefined }, ctx);
      return {
        name: (object.metadata as Record<string, unknown>).name,
        allowed: ev.allowed,
        findings: ev.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`).sort(),
      };
    }),
  );
}

function run(steps: Step[]) {
  const live = new ClusterContext();
  const cache = new Map<string, Cached>();
  const server = new Map<string, Obj>();
  let rv = 1;
  const upsert = (obj: Obj) => {
    obj.metadata.resourceVersion = String(rv++);
    server.set(obj.metadata.name as string, obj);
    const s = shape(obj);
    cache.set(obj.metadata.name as string, s);
    live.upsert(s);
  };
  for (const b of BASE) live.upsert(shape(b));
  for (const step of steps) {
    if (step.t === 'put') upsert(structuredClone(step.obj));
    else if (step.t === 'del') {
      const known = cache.get(step.name);
      server.delete(step.name);
      if (known) {
        cache.delete(step.name);
        live.remove(known);
      }
    } else if (step.t === 'bind') {
      const all = [...server.values()];
      if (all.length === 0) continue;
      const obj = structuredClone(all[step.pick % all.length]!);
      if (step.claim === null) delete obj.spec!.claimRef;
      else
        obj.spec!.claimRef = {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace: 'ais',
          name: step.claim,
          ...(step.uid && { uid: step.uid }),
        };
      obj.status = { phase: step.phase };
      upsert(obj);
    } else verdicts(live, probes(server));
  }
  return { live, server };
}

describe('webhook cache and check agree on nested, multi-node, rebinding PVs', () => {
  it('live (reduced, event by event) judges like a fresh reduced context', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 3, maxLength: 30 }), (steps) => {
        const { live, server } = run(steps);
        const fresh = new ClusterContext([...BASE, ...server.values()].map(shape));
        const subjects = probes(server);
        expect(verdicts(live, subjects)).toEqual(verdicts(fresh, subjects));
      }),
      { numRuns: 300 },
    );
  });

  /** What the live context and a whole one say of the probes after `steps`. */
  const liveAndWhole = (steps: Step[]) => {
    const { live, server } = run(steps);
    const whole = [...BASE, ...server.values()].map((o) => {
      const c = structuredClone(o);
      const ref = c.spec?.claimRef as Record<string, unknown> | undefined;
      if (c.kind === 'PersistentVolume' && (c.status as { phase?: string })?.phase === 'Bound')
        delete ref?.uid;
      return c;
    });
    const subjects = probes(server);
    return [verdicts(live, subjects), verdicts(new ClusterContext(whole), subjects)];
  };

  it('a PV parked beside a Bound one is read from its claimRef alone (the cache keeps no Bound phase)', () => {
    // Found by the property below (seed 1419495403): parkedBeside read the other PV's phase, which
    // the webhook's cache drops for a Bound PV, so live and check disagreed on "both pre-bound".
    const onA = (name: string) => {
      const p = pv(name, { claim: claimName(0), claimNamespace: 'ais', host: ['n1'], path: '/a' }) as Obj;
      p.status = { phase: 'Bound' };
      return p;
    };
    const steps: Step[] = [
      { t: 'put', obj: onA('p2') },
      { t: 'bind', pick: 0, claim: claimName(0), uid: 'u1', phase: 'Bound' },
      { t: 'put', obj: onA('p1') },
    ];
    const [live, whole] = liveAndWhole(steps);
    expect(live).toEqual(whole);
  });

  it('live judges like check/audit (whole objects; a Bound PV keeps no claimRef.uid)', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 3, maxLength: 30 }), (steps) => {
        const [live, whole] = liveAndWhole(steps);
        expect(live).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
