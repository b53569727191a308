// review watch26: a PV's binding-state-only event (claimRef.uid cleared, Released -> Available) keeps
// the context's memos (context.ts onlyBindingStateDiffers), and layout.ts targetVolumes hands out the
// memo's older PV objects; a rule that reads the binding state off v.pv instead of ctx.pv then judges
// the PV as it was, not as it is.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { aistore, claimName, pv, released } from '../support/builders.js';

const asPV = (o: KubeObject, rv: string) => {
  const c = structuredClone(o) as Cached;
  (c.metadata as Record<string, unknown>).resourceVersion = rv;
  return reduced(c, 'v1', 'PersistentVolume');
};

const verdict = (ctx: ClusterContext, object: KubeObject) => {
  const ev = evaluate({ operation: 'CREATE', object }, ctx);
  return {
    allowed: ev.allowed,
    findings: ev.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`).sort(),
  };
};

describe('review watch26: memoised target volumes after a binding-state-only PV event', () => {
  it("a freed PV of the wrong class denies the CR's CREATE as a context built from scratch does (another PV's review in between)", () => {
    const misfit = pv('pv-0', { claim: claimName(0), host: 'node-1', local: true, storageClass: 'other' });
    const held = { ...released(misfit), status: { phase: 'Released' } };
    const freed = { ...structuredClone(misfit), status: { phase: 'Available' } };
    const cr = aistore({ size: 1 });

    const live = new ClusterContext();
    live.upsert(asPV(held, '1'));
    // Any review of the CR's objects in between (here target-1's PV) memoises 'target-volumes ais/ais'
    // with the Released copy of pv-0.
    verdict(live, pv('pv-1', { claim: claimName(1), host: 'node-2', local: true }));
    // `kubectl patch pv pv-0 --type json -p '[{"op":"remove","path":"/spec/claimRef/uid"}]'` (the
    // fix pv-claim-uid gives), then the PV controller's Released -> Available (pv_controller.go
    // syncVolume: claimRef.UID == "" is pre-bound, Available): two events of binding state only.
    live.upsert(asPV({ ...structuredClone(misfit), status: { phase: 'Released' } }, '2'));
    live.upsert(asPV(freed, '3'));

    const fresh = new ClusterContext([asPV(freed, '3')]);
    expect(verdict(fresh, cr).allowed).toBe(false); // the class misfit, judged on the CR's CREATE
    expect(verdict(live, cr)).toEqual(verdict(fresh, cr));
  });

  it("the uid-removing patch's own review is enough: the CR's CREATE after it misses the misfit", () => {
    const misfit = pv('pv-0', { claim: claimName(0), host: 'node-1', local: true, storageClass: 'other' });
    const held = { ...released(misfit), status: { phase: 'Released' } };
    const patched = { ...structuredClone(misfit), status: { phase: 'Released' } };
    const freed = { ...structuredClone(misfit), status: { phase: 'Available' } };
    const cr = aistore({ size: 1 });

    const live = new ClusterContext();
    live.upsert(asPV(held, '1'));
    // The webhook reviews the patch that frees pv-0 (the fix pv-claim-uid prints) while its cache still
    // holds the Released PV: the review memoises 'target-volumes ais/ais' with that copy.
    evaluate({ operation: 'UPDATE', object: patched, oldObject: held }, live);
    live.upsert(asPV(patched, '2'));
    live.upsert(asPV(freed, '3'));

    const fresh = new ClusterContext([asPV(freed, '3')]);
    expect(verdict(fresh, cr).allowed).toBe(false);
    expect(verdict(live, cr)).toEqual(verdict(fresh, cr));
  });
});
