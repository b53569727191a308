// Outside reviews of the spare-volume side of pv-target-binding (a PV bound to no target claim on
// a target PV's disk: recognise.ts spareOnTargetDisk, and checkDiskTaken's mirror), one describe per
// review: "spare" of 0a3383b (each case but F2b and the last failed on 47e11eb), "spare2" of e18ee4f
// (each failed on 587f9fe; S2-2b as the reviewer wrote it asserted that following the "park" fix
// converged, the fix is now another), "spare3" of da8de2b (both failed on it).
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
/** The PV with no claimRef: free for any claim of its class. */
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

describe('pv-target-binding: a PV of no target on a target PV\'s disk (review "spare")', () => {
  // F1. The provisioner publishes the mount point /mnt/disks/sda; the user's hand-made target PV
  // uses a directory on that disk (/mnt/disks/sda/ais). Another claim of the class can bind the
  // published PV, and when it is released (reclaim Delete) the provisioner's cleanup empties the
  // whole mount point: the target's data under it included.
  it('F1: a published mount point that contains a target PV directory is refused', () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda/ais', local: true });
    const published = discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' });
    expect(denies(published, [cr, target])).toHaveLength(1);
  });

  // F1c (same root cause, the older direction, checkDiskTaken): a target PV made on a directory
  // inside a disk the provisioner already published is admitted too.
  it('F1c: a target PV on a directory inside a published mount point is refused', () => {
    const published = discoveredDisk({ host: 'node-1', path: '/mnt/disks/sda', name: 'local-pv-8f3a' });
    const target = pv('pv-sda', { claim: claimName(0), path: '/mnt/disks/sda/ais', local: true });
    expect(denies(target, [cr, published])).toHaveLength(1);
  });

  // F1 (hand-made variant): a hostPath spare on the parent directory of a target's disk.
  it("F1b: a hand-made spare PV on the parent directory of a target PV's disk is refused", () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const spare = pv('spare', { claim: 'data-postgres-0', claimNamespace: 'db', path: '/ais' });
    expect(denies(spare, [cr, target])).toHaveLength(1);
  });

  // F2. The target PV is Released (Retain: the target's data kept). The provisioner publishes the
  // same mount point with reclaim Delete: only a warning, which goes to the provisioner's client and
  // no human. Any claim of the class can bind it; released, the provisioner wipes the disk: the data
  // Retain kept is gone. The advice ("delete local-pv-…") does not hold: the provisioner re-creates
  // it on its next pass, and while it stands freeing the Released PV is refused (see F2b).
  it('F2: a disk the provisioner publishes beside a Released (retained) target PV is refused, not warned', () => {
    const held = released(pv('pv-sda', { claim: claimName(0), path: '/ais/sda', local: true }));
    const published = discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' });
    expect(denies(published, [cr, held])).toHaveLength(1);
  });

  // F2b (evidence, passes): the warn's fix asks to delete the published PV and free the Released
  // one; with the published PV re-created by the provisioner, freeing it is refused.
  it('F2b (evidence): freeing the Released target PV is refused while the published disk stands', () => {
    const freed = pv('pv-sda', { claim: claimName(0), path: '/ais/sda', local: true });
    const published = discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' });
    const before = released(freed);
    expect(denies(freed, [cr, before, published], 'UPDATE').length).toBeGreaterThan(0);
  });

  // F3. The deny's fix for a published disk asks for the target PV's "path changed to match": a
  // PV's volume source (spec.local.path) is immutable after creation (k8s validation.go
  // ValidatePersistentVolumeUpdate: "spec.persistentvolumesource is immutable after creation").
  // It must be deleted and re-created, with its claim: the fix should say so.
  it('F3: the fix for a published disk does not ask to change an immutable PV path', () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda', local: true });
    const published = discoveredDisk({ host: 'node-1', path: '/ais/sda', name: 'local-pv-8f3a' });
    const [deny] = denies(published, [cr, target]);
    expect(deny?.fix).toBeDefined();
    expect(deny?.fix).not.toMatch(/path changed/);
  });

  // F4. A hostPath spare pinned to two nodes (one term, hostname In [node-1, node-2]) may run on
  // node-1 and write the target's disk there: pvHostname() is undefined for it, so it is not judged.
  it("F4: a spare pinned to the target's node and another is refused", () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const spare = pv('spare', {
      claim: 'data-postgres-0',
      claimNamespace: 'db',
      path: '/ais/sda',
      host: ['node-1', 'node-2'],
    });
    expect(denies(spare, [cr, target])).toHaveLength(1);
  });
  // F5. A target's state PV (pre-bound to <ns>-<cr>-state-<cr>-target-N) on a data PV's disk is
  // taken as a spare (targetClaimOf drops state claims) and told it is "free for any claim of its
  // class": it is pre-bound to the state claim and binds no other.
  it("F5: a state PV on a data PV's disk is not called free for any claim", () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const state = pv('pv-state', { claim: 'ais-ais-state-ais-target-0', path: '/ais/sda' });
    const [deny] = denies(state, [cr, target]);
    expect(deny?.message).toBeDefined();
    expect(deny?.message).not.toMatch(/free for any claim/);
  });

  // Nesting counts only against a PV of no target: two target PVs on nested paths may be two disks,
  // one mounted inside the other, which the guard cannot tell apart from one.
  it('two target PVs on nested paths are not taken for one disk', () => {
    const outer = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const inner = pv('pv-sdb', { claim: claimName(1), path: '/ais/sda/sdb' });
    expect(denies(inner, [cr, outer])).toEqual([]);
  });
});

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

describe('pv-target-binding: a PV of no target pinned to several nodes, on the very path (review "spare3")', () => {
  // A free spare pinned to node-1 and node-2 on /ais/sda, the target PV on node-1:/ais/sda.
  const spare = free(pv('spare', { claim: 'x', host: ['node-1', 'node-2'], path: '/ais/sda' }));
  const target = pv('pv-sda', { claim: claimName(0), host: 'node-1', path: '/ais/sda' });

  it('spare made after the target PV: denied (recognise.ts spareOnTargetDisk, checkSpare)', () => {
    expect(denies(spare, [cr, target]).length).toBeGreaterThan(0);
  });

  // Before da8de2b onDisk fell through to the nesting clause (pathsNest(p, p) is true) for a PV of no
  // target on the very path, whatever its pins; now the very path returns pvHostname(other) === host,
  // undefined for a PV pinned to two nodes, so it is not seen.
  it('target PV made after the spare: denied too (checkDiskTaken)', () => {
    expect(denies(target, [cr, spare]).length).toBeGreaterThan(0);
  });

  it('the same spare on a path holding the disk (/ais) is denied in that order (control)', () => {
    const parent = free(pv('spare', { claim: 'x', host: ['node-1', 'node-2'], path: '/ais' }));
    expect(denies(target, [cr, parent]).length).toBeGreaterThan(0);
  });
});

// Noted by the same review, older than da8de2b: a Released PV of no target on a target PV's disk
// (its claim gone, held by that claim's uid) was refused on its own update as "pre-bound to claim
// … two claims would write one disk", while the target PV's review only warned of it.
describe("pv-target-binding: a Released PV of no target on a target PV's disk", () => {
  it('is warned of, in either order, and not said to be pre-bound', () => {
    const target = pv('pv-sda', { claim: claimName(0), path: '/ais/sda' });
    const scratch = released(pv('scratch', { claim: 'scratch', claimNamespace: 'debug', path: '/ais/sda' }));
    for (const [object, context] of [
      [scratch, [cr, target]],
      [target, [cr, scratch]],
    ] as const) {
      const findings = evaluate(
        { operation: 'UPDATE', object, oldObject: object },
        new ClusterContext([...context]),
      ).findings.filter((f) => f.ruleId === 'pv-target-binding');
      expect(findings.map((f) => f.severity)).toEqual(['warn']);
      expect(findings[0]?.message).toMatch(/held by the uid of its deleted claim/);
      expect(findings[0]?.message).not.toMatch(/two claims/);
    }
  });
});
