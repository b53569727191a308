// review ctx24: what a message names depends on the order the webhook's informers saw AIStore CRs
// arrive in.
//
// DEFECT: ClusterContext.aistoresIn(namespace) and aistoresWritingHostPaths() (src/policy/context.ts)
// return the CRs in the order their events came in (the Buckets / Map insertion order), and two
// consumers print them in that order: claims.ts withoutCR ("which fits no AIStore CR known in
// namespace …: … (known: b, a)") and pv-target-binding.ts checkHostPathDirs, which names the FIRST
// useHostPath CR whose directory nests with the reviewed PV's path and stops. The live context
// holds the CRs in creation order; a context built from a list (a replica just started, or
// restarted after an OOM, or `ais-guard check`/`audit` on `kubectl get -o yaml` output, which the
// apiserver returns in namespace/name order) holds them in list order. Every other order-sensitive
// query (pvsForClaim, targetVolumes' memo, checkDiskTaken's others) is already sorted by name, and
// test/server/cache-property.test.ts states the intent ("Exact text: what a message names may not
// depend on the order events came in"): its probes never meet two CRs in one of these paths.
// IMPACT: two replicas of the guard (the chart's default is 2) answer the same request with
// different texts; the hostPath deny names a different AIStore on each (the fix it gives, "keep
// b's targets off node n1", then points at another CR), and `check` disagrees with the webhook;
// with more than five CRs in a namespace the "known:" list names a different set of CRs.
// EXPECTED: the same findings, word for word, from the live context and from one built from the
// apiserver's list of the same objects (e.g. sort aistoresIn / aistoresWritingHostPaths by name,
// as pvsForClaim is).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { RESOURCES } from '../../src/server/cluster.js';
import { aistore, claimName, node, pv } from '../support/builders.js';

const cached = (o: KubeObject): KubeObject => {
  const r = RESOURCES.find((x) => x.kind === o.kind)!;
  return reduced(structuredClone(o) as Cached, r.apiVersion, r.kind);
};
const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** The webhook's live context: each object's ADDED event in the order the objects were created. */
const live = (created: KubeObject[]) => {
  const ctx = new ClusterContext();
  for (const o of created) ctx.upsert(cached(o));
  return ctx;
};
/** A replica that starts now: each kind listed, as the apiserver lists it (by namespace, then name). */
const listed = (created: KubeObject[]) =>
  new ClusterContext(created.map(cached).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)));

const messages = (ctx: ClusterContext, object: KubeObject) =>
  evaluate({ operation: 'CREATE', object }, ctx).findings.map(
    (f) => `${f.ruleId} ${f.severity} ${f.message}`,
  );

describe('review ctx24: messages do not depend on the order CRs were created in', () => {
  it("a PV pre-bound to an unknown CR's claim lists the namespace's known CRs the same way", () => {
    // CR "b" created before CR "a"; a PV for CR "c"'s claim (a typo, or c not created yet).
    const created = [node('n1'), aistore({ name: 'b', size: 1 }), aistore({ name: 'a', size: 1 })];
    const review = pv('pv-c0', { claim: claimName(0, 'c'), host: 'n1', path: '/ais/c0' });
    const fromEvents = messages(live(created), review);
    expect(fromEvents.some((m) => m.includes('known: '))).toBe(true);
    expect(fromEvents).toEqual(messages(listed(created), review));
  });

  it('a PV on a directory two useHostPath CRs write names the same CR', () => {
    const hostPathCR = (name: string, namespace: string) =>
      aistore({
        name,
        namespace,
        size: 1,
        mounts: [{ path: '/mnt/disks', size: '1Ti', useHostPath: true } as never],
      });
    // Tenant b's cluster was deployed before tenant a's; both write /mnt/disks/<ns>/<cr>/target.
    const created = [node('n1'), hostPathCR('b', 'ns-b'), hostPathCR('a', 'ns-a')];
    const review = pv('pv-x', {
      claim: claimName(0, 'x'),
      claimNamespace: 'other',
      host: 'n1',
      path: '/mnt',
    });
    const fromEvents = messages(live(created), review);
    expect(fromEvents.some((m) => m.includes('useHostPath mount /mnt/disks'))).toBe(true);
    expect(fromEvents).toEqual(messages(listed(created), review));
  });
});
