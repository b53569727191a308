// Second outside review ("spare2") of 0a3383b + e18ee4f: the spare-volume side and checkDiskTaken's
// nested-path clause. Each case failed on 587f9fe (S2-2b as the reviewer wrote it: that following the
// "park" fix converged; the fix is now another).
import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  discoveredDisk,
  madeForClaim,
  pv,
  released,
} from '../../../test/support/builders.js';
import { ClusterContext, evaluate, type KubeObject } from '../index.js';

const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });
const mine = (object: KubeObject, context: KubeObject[], operation: 'CREATE' | 'UPDATE' = 'CREATE') =>
  evaluate({ operation, object }, new ClusterContext(context)).findings.filter(
    (f) => f.ruleId === 'pv-target-binding',
  );
const denies = (object: KubeObject, context: KubeObject[], operation: 'CREATE' | 'UPDATE' = 'CREATE') =>
  mine(object, context, operation).filter((f) => f.severity === 'deny');
type Pv = KubeObject & { spec: Record<string, unknown>; status?: unknown };
const free = (volume: KubeObject): KubeObject => {
  const copy = structuredClone(volume) as Pv;
  delete copy.spec.claimRef;
  return copy;
};
/** The target PV as audit reads it: Bound to its live claim. */
const bound = (volume: KubeObject): KubeObject => {
  const copy = structuredClone(volume) as Pv;
  (copy.spec.claimRef as Record<string, unknown>).uid = 'u0';
  return { ...copy, status: { phase: 'Bound' } };
};

describe('pv-target-binding: nested paths, fix texts and order (review "spare2")', () => {
  // S2-1. heldDisk's fix was written for a Released PV on the very path. On a nesting path it asks
  // to point that PV (here the node's root, "/") at the target's claim: done, the target's data
  // goes to the root filesystem instead of /ais/sda, the disk its PV was made for.
  it('S2-1: the fix for a Released PV on a path holding the disk does not hand that path to the target', () => {
    const root = released(pv('debug-root', { claim: 'rootfs', claimNamespace: 'debug', path: '/' }));
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const findings = mine(target, [cr, root]);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.fix).not.toMatch(/Point PV debug-root at claim/);
  });

  // S2-2a. freeDisk's fix for a free PV on a nesting path: "Pre-bind PV mnt (path /mnt) to the
  // target's claim instead of making a second PV": done, the target writes /mnt (the root disk
  // here), not the disk mounted at /mnt/disks/sda.
  it('S2-2a: the fix for a free PV on a parent path does not pre-bind it to the target claim', () => {
    const parent = free(pv('mnt', { claim: 'x', path: '/mnt' }));
    const target = pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda' });
    const [deny] = denies(target, [cr, parent]);
    expect(deny?.fix).toBeDefined();
    expect(deny?.fix).not.toMatch(/Pre-bind PV mnt to claim/);
  });

  // S2-2b. The Bound (audit) variant: the fix was "park PV local-pv-8f3a on claim ... which pv-sda
  // holds"; done, the target PV was then refused for good ("both pre-bound to claim"): parkedBeside
  // takes only a PV on the very path. A published mount point holding the target's directory is now
  // to be kept out of the provisioner's discovery and deleted; done, nothing is refused.
  it('S2-2b: the fix for a published mount point holding the target dir converges', () => {
    const published = discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' });
    const target = bound(pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda/ais', local: true }));
    const [deny] = denies(target, [cr, published], 'UPDATE');
    expect(deny?.fix).not.toMatch(/park/);
    expect(deny?.fix).toMatch(/namePattern .* must not match sda, .* then delete PV local-pv-8f3a/);
    expect(denies(target, [cr], 'UPDATE')).toEqual([]);
  });

  // S2-3. A target's own state PV nested with its own data PV (state on the mount /ais, data on
  // /ais/sda; or the other way): both claims are the one pod's (ais-target-0 mounts both; same
  // node by the one-node rule), yet each order is refused as "two claims would write one disk".
  it("S2-3: a target's state PV nesting with the same target's data PV is not called two claims on one disk", () => {
    const data = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const state = pv('pv-state', { claim: 'ais-ais-state-ais-target-0', path: '/ais' });
    for (const f of [...denies(state, [cr, data]), ...denies(data, [cr, state])])
      expect(f.message).not.toMatch(/two claims/);
  });

  // S2-4. Order decides: spareOnTargetDisk never judges a provisioner's PV made for its claim ("a
  // directory of its own"), but checkDiskTaken's nested clause counts it. A local-path PV under a
  // target PV's directory is admitted when made second, and the target PV refused when made second.
  it('S2-4: a provisioner-made PV inside a target PV path gets one verdict whatever the order', () => {
    const target = pv('pv-opt', { claim: claimName(0), path: '/opt' });
    const dynamic = madeForClaim(
      pv('pvc-1', {
        claim: 'data-x',
        claimNamespace: 'db',
        path: '/opt/local-path-provisioner/pvc-1_db_data-x',
      }),
      'u9',
    );
    const targetSecond = denies(target, [cr, dynamic]).length > 0;
    const dynamicSecond = denies(dynamic, [cr, target]).length > 0;
    expect(targetSecond).toBe(dynamicSecond);
  });
});

// S2-5. Per-review cost. spareOnTargetDisk walks every PV of every node the new PV pins (e18ee4f F4),
// and on "/" every one nests; each is then resolved through targetClaimOf -> crForClaimName, a walk
// of all CRs in the claim's namespace. Timed on 587f9fe: 100,000 PVs on 1,000 nodes, 50 CRs in one
// namespace, one hostPath PV of no target on "/" pinned to those nodes: ~3.3 s for one review
// (webhook timeout 5 s; reviews share one event loop), with no budget as LISTED/COVERAGE_BUDGET
// give other walks. test/policy/scale.test.ts holds a review to its own deployment's size with the
// context's `visited` counter: other CRs in the namespace must not multiply it.
describe('pv-target-binding: a spare review does not grow with unrelated CRs (review "spare2")', () => {
  const cost = (crs: number) => {
    const hosts = Array.from({ length: 200 }, (_, n) => `node-${n}`);
    const objects: KubeObject[] = [aistore({ size: 200, disable: true })];
    for (let c = 1; c < crs; c++) objects.push(aistore({ name: `other-${c}`, size: 1 }));
    hosts.forEach((host, n) =>
      objects.push(pv(`t${n}`, { claim: claimName(n), host, path: '/mnt/disks/sda', local: true })),
    );
    const spare = free(pv('rootfs', { claim: 'x', path: '/', host: hosts }));
    const ctx = new ClusterContext(objects);
    evaluate({ operation: 'CREATE', object: spare }, ctx);
    ctx.visited = 0;
    evaluate({ operation: 'CREATE', object: spare }, ctx);
    return ctx.visited;
  };
  it('S2-5: a PV of no target on "/" pinned to 200 nodes costs the same with 1 or 50 CRs in the namespace', () => {
    expect(cost(50)).toBe(cost(1));
  });
});
