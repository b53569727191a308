// Outside review "disktaken" of 409b3bb: a target PV on a disk another PV stands for
// (pv-target-binding checkDiskTaken), and the classes the local static provisioner has free disks of
// (context.ts hasFreeDiscoveredDisk). Each case failed on 409b3bb; those marked "disktaken2", from a
// second review, on a06affd; those marked "disktaken3", from a third, on de782bf.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: PVs patched field by field */
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { audit } from '../../src/cli/audit.js';
import { aistore, claimName, discoveredDisk, node, pv, pvc, targetPod } from '../support/builders.js';

const CLASS = 'fast-disks';
const MOUNTS = [{ path: '/data/aistore', size: '1Ti', storageClass: CLASS }];
const nodes = [node('node-1'), node('node-2')];
const cached = (v: KubeObject): KubeObject =>
  v.kind === 'PersistentVolume'
    ? (reduced(structuredClone(v) as Cached, 'v1', 'PersistentVolume') as KubeObject)
    : v;

/** A disk the local static provisioner published: Available, no claimRef, reclaim Delete (its chart's default). */
const discovered = (host: string, path: string): KubeObject =>
  discoveredDisk({ host, path, storageClass: CLASS });
const withRv = (o: KubeObject, rv: string, patch: (c: any) => void = () => {}): KubeObject => {
  const c = structuredClone(o) as any;
  c.metadata.resourceVersion = rv;
  patch(c);
  return c;
};
const boundTo = (o: KubeObject, ns: string, name: string, uid: string): KubeObject =>
  withRv(o, '9', (c) => {
    c.spec.claimRef = { namespace: ns, name, uid };
    c.metadata.annotations['pv.kubernetes.io/bound-by-controller'] = 'yes';
    c.status = { phase: 'Bound' };
  });
const handMade = (name: string, ordinal: number, host: string, path: string) =>
  pv(name, { claim: claimName(ordinal), host, path, storageClass: CLASS, capacity: '1788Gi', local: true });
/** ais-t0 Bound to target-0's claim (uid u0) on that disk: a live target PV, as audit reads it. */
const liveT0 = (host: string, path: string): KubeObject =>
  withRv(handMade('ais-t0', 0, host, path), '7', (c) => {
    c.spec.claimRef.uid = 'u0';
    c.status = { phase: 'Bound' };
  });
/** A disk the local static provisioner published there, pre-bound by hand to target-0's claim. */
const publishedFor0 = (host: string, path: string, reclaim?: 'Retain'): KubeObject =>
  withRv(discoveredDisk({ host, path, storageClass: CLASS, reclaim }), '8', (c) => {
    c.spec.claimRef = { namespace: 'ais', name: claimName(0) };
  });
/** Objects as check reads them, and as the webhook's cache holds them. */
const SIDES: [string, (o: KubeObject) => KubeObject][] = [
  ['check', (o) => o],
  ['webhook', cached],
];
const lines = (ev: ReturnType<typeof evaluate>, rule: string) =>
  ev.findings.filter((f) => f.ruleId === rule).map((f) => `${f.action}: ${f.message}`);

describe('F1 webhook cache: a class keeps no free disk once its discovered disks are bound and gone', () => {
  // context.ts upsert: a binding-state-only event (the PV controller's status Bound, a Released
  // phase, a resourceVersion-only change) calls addPV again without removePV: a count of the class's
  // disks went up each time and down once. The index holds each PV once, by name.
  const disk = discovered('node-1', '/mnt/fast-disks/sda');
  const events = () => {
    const live = new ClusterContext();
    live.upsert(cached(disk)); // ADDED, Available
    const bound = boundTo(disk, 'db', 'data-db-0', 'q1'); // the binder's claimRef: a reindex
    live.upsert(cached(withRv(bound, '3', (c) => (c.status = { phase: 'Pending' }))));
    live.upsert(cached(withRv(bound, '4'))); // the PV controller's status Bound: binding state only
    live.remove(cached(withRv(bound, '5'))); // deleted (the provisioner uninstalled, disk given away)
    return live;
  };

  it('no free disk of the class once the only discovered PV is bound and deleted', () => {
    expect(events().hasFreeDiscoveredDisk(CLASS)).toBe(false);
  });

  it('the webhook says what check says on a scale-out of a hand-made layout of that class', () => {
    const before = aistore({ size: 1, disable: true, mounts: MOUNTS });
    const after = aistore({ size: 2, disable: true, mounts: MOUNTS });
    const p0 = handMade('ais-t0', 0, 'node-1', '/mnt/ais/sda');
    const live = events();
    for (const o of [...nodes, before, p0]) live.upsert(cached(o));
    const subject = { operation: 'UPDATE' as const, object: after, oldObject: before };
    const check = lines(evaluate(subject, new ClusterContext([...nodes, before, p0])), 'pv-target-binding');
    expect(check).toEqual([expect.stringMatching(/^warn: ais-target-1 has no PV/)]);
    expect(lines(evaluate(subject, live), 'pv-target-binding')).toEqual(check);
  });
});

describe('F2 a class whose discovered disks are all bound has none free', () => {
  // Targets 0..2 have hand-made PVs of the class; target-3 has none. The class's one discovered disk
  // is bound to another app: no free disk anywhere, so target-3 stays Pending, and the guard says so
  // (409b3bb's class-wide flag said nothing: coverage, claim and pod alike).
  const cr = aistore({ size: 4, disable: true, mounts: MOUNTS });
  const hand = [0, 1, 2].map((i) => handMade(`ais-t${i}`, i, i < 2 ? 'node-1' : 'node-2', `/mnt/ais/d${i}`));
  const taken = boundTo(discovered('node-2', '/mnt/fast-disks/x'), 'db', 'data-db-0', 'q1');
  const world = [...nodes, ...hand, taken];

  it('CR: the missing PV of target-3 is still said', () => {
    const ev = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext(world));
    expect(lines(ev, 'pv-target-binding')).toEqual([expect.stringMatching(/^warn: ais-target-3 has no PV/)]);
  });

  it('claim CREATE of target-3: still told no PV is pre-bound to it', () => {
    const claim = pvc(claimName(3));
    (claim.spec as Record<string, unknown>).storageClassName = CLASS;
    const ev = evaluate({ operation: 'CREATE', object: claim }, new ClusterContext([cr, ...world]));
    expect(lines(ev, 'target-disk-binding')).toEqual([
      expect.stringMatching(/^warn: no PV is pre-bound to claim/),
    ]);
  });

  // A mount with no storageClass: the DefaultStorageClass admission plugin fills the claim's class
  // before any webhook runs; the pod's check reads the CR's mount (none). One target, two answers.
  it("default class = the provisioner's: claim and pod of one target agree", () => {
    const noClass = aistore({ size: 2, disable: true, mounts: [{ path: '/data/aistore', size: '1Ti' }] });
    const ctx = new ClusterContext([noClass, ...nodes, discovered('node-1', '/mnt/fast-disks/sda')]);
    const claim = pvc(claimName(0));
    (claim.spec as Record<string, unknown>).storageClassName = CLASS; // as the apiserver defaulted it
    const onClaim = lines(evaluate({ operation: 'CREATE', object: claim }, ctx), 'target-disk-binding');
    const onPod = lines(
      evaluate({ operation: 'CREATE', object: targetPod({ ordinal: 0 }) }, ctx),
      'target-disk-binding',
    );
    expect(onPod.length).toBe(onClaim.length);
  });
});

describe('F3 "pre-bind the local-pv-* instead" hands the data disk to the provisioner\'s cleaner', () => {
  // The discovered PV carries its class's reclaim policy (Delete in the provisioner's chart): when
  // the claim goes (whenScaled: Delete, the operator's cleanupPVC under cleanupMetadata, "user data
  // cleanup left to the PV reclaim policy"), the provisioner wipes the disk and republishes it. The
  // hand-made PV it replaces was Retain.
  it('the fix keeps the disk Retain', () => {
    const cr = aistore({ size: 2, disable: true, mounts: MOUNTS });
    const mine = handMade('ais-t0', 0, 'node-1', '/mnt/fast-disks/sda');
    const ev = evaluate(
      { operation: 'CREATE', object: mine },
      new ClusterContext([cr, ...nodes, discovered('node-1', '/mnt/fast-disks/sda')]),
    );
    const deny = ev.findings.find((f) => f.ruleId === 'pv-target-binding' && f.action === 'deny');
    expect(deny?.fix).toMatch(/Retain/);
  });
});

describe('F3b the Released-disk warn says "free it" of a discovered disk its provisioner is wiping', () => {
  // Released with reclaim Delete, a local-pv-* is being cleaned by the provisioner's deleter, which
  // then deletes the PV and discovery publishes it again, Available. Clearing its uid mid-cleanup
  // (the advice) makes a disk being wiped bindable; the advice that holds: wait, then pre-bind it.
  it('no "Free PV ... (kubectl patch ... uid)" for a Released discovered disk with reclaim Delete', () => {
    const cr = aistore({ size: 2, disable: true, mounts: MOUNTS });
    const wiping = withRv(
      boundTo(discovered('node-1', '/mnt/fast-disks/sda'), 'ais', claimName(0), 'gone'),
      '12',
      (c) => {
        c.status = { phase: 'Released' };
      },
    );
    const mine = handMade('ais-t0', 0, 'node-1', '/mnt/fast-disks/sda');
    const ev = evaluate({ operation: 'CREATE', object: mine }, new ClusterContext([cr, ...nodes, wiping]));
    const warn = ev.findings.find((f) => f.ruleId === 'pv-target-binding' && /same disk/.test(f.message));
    expect(warn?.fix ?? '').not.toMatch(/^Free PV local-pv-/);
  });
});

describe('F4 audit: a live, bound target PV on a disk the provisioner published later', () => {
  // audit judges every PV as a CREATE. The bound PV holds the data at the mount point the provisioner
  // published (its local.path, immutable): the disk stays there (review disktaken2 R2: "take it out
  // of the discovery directory" left ais-t0 on an empty directory). Parked on the claim ais-t0
  // holds, the published PV binds no other claim and is not published again.
  it('the fix parks the published PV, and following it clears the failure', () => {
    const cr = aistore({ size: 2, disable: true, mounts: MOUNTS });
    const live = liveT0('node-1', '/mnt/fast-disks/sda');
    const disk = discovered('node-1', '/mnt/fast-disks/sda');
    const first = audit([cr, ...nodes, live, disk]).find((a) => a.object.metadata?.name === 'ais-t0');
    const fail = first?.results.find((r) => r.result === 'fail');
    expect(fail?.fix).toMatch(
      /^Leave the disk where it is mounted \(ais-t0 reads it there\) and park PV local-pv-node-1-sda on claim ais\/ais-data-aistore-ais-target-0/,
    );
    expect(fail?.fix).not.toMatch(/discovery directory/);
    const patch = /-p '(.*)'\)\.$/.exec(fail?.fix ?? '')?.[1] as string;
    const parked = structuredClone(disk) as any;
    Object.assign(parked.spec, JSON.parse(patch).spec);
    const again = audit([cr, ...nodes, live, parked]).find((a) => a.object.metadata?.name === 'ais-t0');
    expect(again?.results.filter((r) => r.result === 'fail').map((r) => r.message)).toEqual([]);
    // The same judgement of the live PV beside the parked one as the webhook's cache holds it.
    const judged = evaluate(
      { operation: 'CREATE', object: live },
      new ClusterContext([cr, ...nodes, live, parked].map(cached)),
    );
    expect(judged.findings.filter((f) => f.action === 'deny')).toEqual([]);
  });
});

describe("R1 (disktaken2) another CR whose name ends in this one's", () => {
  // CRs ais and test-ais in one namespace: test-ais's claim test-ais-data-aistore-test-ais-target-0
  // ends in -ais-target-0 too. Read as a claim of CR ais that its templates no longer make, the other
  // cluster's live PV on the same disk was only warned of, with the fix to delete it.
  const ais = aistore({ size: 1, disable: true, mounts: MOUNTS });
  const other = aistore({ name: 'test-ais', size: 1, disable: true, mounts: MOUNTS });
  const theirs = withRv(handMade('test-ais-t0', 0, 'node-1', '/mnt/d0'), '7', (c) => {
    c.spec.claimRef.name = claimName(0, 'test-ais');
    c.spec.claimRef.uid = 'u-test-ais-0';
    c.status = { phase: 'Bound' };
  });
  const mine = handMade('ais-t0', 0, 'node-1', '/mnt/d0');
  it.each(SIDES)(
    "%s: denied as two claims on one disk, no fix deletes the other cluster's PV",
    (_side, side) => {
      const ev = evaluate(
        { operation: 'CREATE', object: mine },
        new ClusterContext([ais, other, ...nodes, theirs].map(side)),
      );
      expect(lines(ev, 'pv-target-binding')).toEqual([
        expect.stringMatching(
          /^deny: PVs ais-t0 and test-ais-t0 use the same disk node-1:\/mnt\/d0 for two claims \(ais-data-aistore-ais-target-0, ais\/test-ais-data-aistore-test-ais-target-0, of AIStore test-ais \(ais\/test-ais-target-0\)\)/,
        ),
      ]);
    },
  );
});

describe('R3 (disktaken2) a Released PV on the disk, of another claim', () => {
  // Freed (uid removed) it is pre-bound to its old claim again (target-1 of an earlier layout): it
  // serves nothing of target-0, and target-0's own PV on that disk is then "two claims on one disk".
  const cr = aistore({ size: 2, disable: true, mounts: MOUNTS });
  const old = withRv(handMade('ais-t1-old', 1, 'node-1', '/mnt/d0'), '7', (c) => {
    c.spec.claimRef.uid = 'gone-1';
    c.status = { phase: 'Released' };
  });
  const mine = handMade('ais-t0', 0, 'node-1', '/mnt/d0');
  it('the fix points the held PV at the reviewed claim, and following it serves that claim', () => {
    const ev = evaluate({ operation: 'CREATE', object: mine }, new ClusterContext([cr, ...nodes, old]));
    const warn = ev.findings.find(
      (f) => f.ruleId === 'pv-target-binding' && /held by the uid/.test(f.message),
    );
    expect(warn?.fix).toMatch(
      /^Point PV ais-t1-old at claim ais\/ais-data-aistore-ais-target-0 instead of making a new one/,
    );
    const patch = JSON.parse(/-p '(.*)'\)/.exec(warn?.fix ?? '')?.[1] as string);
    const pointed = structuredClone(old) as any;
    pointed.spec.claimRef = { ...pointed.spec.claimRef, ...patch.spec.claimRef };
    for (const k of ['uid', 'resourceVersion'])
      if (pointed.spec.claimRef[k] === null) delete pointed.spec.claimRef[k];
    pointed.status = { phase: 'Available' };
    // The claim as the StatefulSet makes it from the mount (Mount.BuildPVC): its class and size.
    const claim = pvc(claimName(0));
    (claim.spec as Record<string, unknown>).storageClassName = CLASS;
    (claim.spec as Record<string, unknown>).resources = { requests: { storage: '1Ti' } };
    const bound = evaluate(
      { operation: 'CREATE', object: claim },
      new ClusterContext([cr, ...nodes, pointed]),
    );
    expect(lines(bound, 'target-disk-binding')).toEqual([
      expect.stringMatching(/^warn: bound claim ais-data-aistore-ais-target-0 to PV ais-t1-old/),
    ]);
  });
});

describe('F5 a PV pre-bound (no uid, never bound) to a claim no template makes now', () => {
  // CR re-created with mount /data/b instead of /data/a (targetSpec mounts cannot change in place);
  // the PVs for /data/a were never bound. ais-guard plan names PVs <ns>.<claim>, so the re-planned
  // PVs are new objects on the same disks: Flux/Argo CD create them before pruning the old ones, the
  // create was denied by 409b3bb, and Flux prunes only after a successful apply. The old PV binds no
  // claim the new StatefulSet makes.
  it('the new PV on that disk is not denied: the old one is warned of, to delete', () => {
    const cr = aistore({
      size: 1,
      disable: true,
      mounts: [{ path: '/data/b', size: '1Ti', storageClass: CLASS }],
    });
    const old = pv('ais.ais-data-a-ais-target-0', {
      claim: claimName(0, 'ais', '/data/a'),
      host: 'node-1',
      path: '/mnt/d0',
      storageClass: CLASS,
      capacity: '1788Gi',
      local: true,
    });
    const now = pv('ais.ais-data-b-ais-target-0', {
      claim: claimName(0, 'ais', '/data/b'),
      host: 'node-1',
      path: '/mnt/d0',
      storageClass: CLASS,
      capacity: '1788Gi',
      local: true,
    });
    const ev = evaluate({ operation: 'CREATE', object: now }, new ClusterContext([cr, ...nodes, old]));
    expect(lines(ev, 'pv-target-binding')).toEqual([
      expect.stringMatching(
        /^warn: PV ais.ais-data-a-ais-target-0, pre-bound to claim ais-data-a-ais-target-0 that no claim template of AIStore ais makes now, is on the same disk node-1:\/mnt\/d0/,
      ),
    ]);
  });
});

const denies = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.filter((f) => f.action === 'deny').map((f) => `${f.ruleId}: ${f.message}`);

// The F4/R2 case above: a live Bound ais-t0 on a disk the provisioner published later.
const parkCr = aistore({ size: 2, disable: true, mounts: MOUNTS });

describe('disktaken3 B: parkedBeside asks nothing of the disk: a PV elsewhere pre-bound to the live claim', () => {
  // ais-t0 Bound to claim target-0 on node-1:/mnt/d0 (uid u0). Another PV, not Bound, pre-bound by
  // name to that same claim, on ANOTHER disk. Until the claim is re-created nothing happens
  // (pv_controller.go syncVolume: claimRef.uid "" -> Available). Claim deleted and re-created (CR
  // re-created): ais-t0 is Released (uid u0 no longer matches, IsVolumeBoundToClaim), and the new
  // claim binds the other PV (syncUnboundClaim -> findBestMatchForClaim takes a PV pre-bound by name
  // first): target-0 comes up on another node's empty disk; its data stays on ais-t0.
  const bound = liveT0('node-1', '/mnt/d0');
  // A disk the local static provisioner published on node-2, pre-bound by hand to target-0's claim.
  const elsewhere = publishedFor0('node-2', '/mnt/fast-disks/sdz', 'Retain');
  it('the live PV is still denied as one of two PVs pre-bound to its claim (check)', () => {
    const ev = evaluate(
      { operation: 'CREATE', object: bound },
      new ClusterContext([parkCr, ...nodes, elsewhere]),
    );
    expect(denies(ev)).toEqual(expect.arrayContaining([expect.stringMatching(/both pre-bound to claim/)]));
  });
  it('audit of the whole cluster fails somewhere', () => {
    const all = audit([parkCr, ...nodes, bound, elsewhere]);
    const fails = all.flatMap((x) => x.results.filter((r) => r.result === 'fail'));
    expect(fails.length).toBeGreaterThan(0);
  });
  it('the same, a hand-made PV on another node: the deny is at least on the live PV (was, before c6b8b1e)', () => {
    const hand = withRv(handMade('ais-t0-b', 0, 'node-2', '/mnt/d9'), '8', (c) => {
      c.status = { phase: 'Available' };
    });
    const ev = evaluate({ operation: 'CREATE', object: bound }, new ClusterContext([parkCr, ...nodes, hand]));
    expect(denies(ev)).toEqual(expect.arrayContaining([expect.stringMatching(/both pre-bound to claim/)]));
  });
});

describe('disktaken3 C: parkedBeside asks nothing of the reclaim policy: a published PV parked with Delete', () => {
  // The same disk, the published PV pre-bound to the live claim by hand, its reclaim still Delete (the
  // chart's default; freeDisk's own fix sets Retain for this very reason). Claim re-created: the new
  // claim binds it; the next time that claim goes (CR deleted with its claims, a scale-down that
  // deletes claims) it is Released with Delete and the local static provisioner wipes the disk that
  // ais-t0 (Retain) was meant to keep.
  const bound = liveT0('node-1', '/mnt/fast-disks/sda');
  const parkedDelete = publishedFor0('node-1', '/mnt/fast-disks/sda');
  it.each(SIDES)('%s: the live PV beside it is not green', (_s, side) => {
    const ev = evaluate(
      { operation: 'CREATE', object: bound },
      new ClusterContext([parkCr, ...nodes, parkedDelete].map(side)),
    );
    expect(ev.findings.filter((f) => f.ruleId === 'pv-target-binding').length).toBeGreaterThan(0);
  });
});

describe("disktaken3 D: isDroppedClaim reads a live, Bound PV of a CR it cannot see as this CR's dropped claim", () => {
  // R1's own pair (CRs ais and test-ais) in namespace ais-lab. test-ais's STATE claim
  // (<ns>-<cr>-state-<cr>-target-N) is ais-lab-test-ais-state-test-ais-target-0: it starts with
  // "ais-" (the namespace) and ends in "-ais-target-0", so under CR ais it splits to template
  // "ais-lab-test-ais-state-test", which startsWith("ais-"). With test-ais not in the context (check of
  // a folder of ais's manifests only; test-ais deleted without cleanup, its claims and PVs kept, to be
  // re-created), its live PV is "dropped": a warn whose fix deletes the other cluster's Bound PV.
  // Its claim exists (phase Bound, claimRef.uid set): "should a claim of that name be made again" is
  // false on its face, whatever the names.
  const ns = 'ais-lab';
  const ais = aistore({ namespace: ns, size: 1, disable: true, mounts: MOUNTS });
  const onD0 = (name: string, claim: string) =>
    pv(name, {
      claim,
      claimNamespace: ns,
      host: 'node-1',
      path: '/mnt/d0',
      storageClass: CLASS,
      capacity: '1788Gi',
      local: true,
    });
  const theirs = withRv(onD0('test-ais-state-0', 'ais-lab-test-ais-state-test-ais-target-0'), '7', (c) => {
    c.spec.claimRef.uid = 'u-state-0';
    c.status = { phase: 'Bound' };
  });
  const mine = onD0('ais-t0', claimName(0));
  it('check: denied as two claims on one disk, no fix deletes the Bound PV', () => {
    const ev = evaluate({ operation: 'CREATE', object: mine }, new ClusterContext([ais, ...nodes, theirs]));
    const found = ev.findings.filter((f) => f.ruleId === 'pv-target-binding');
    expect(found.map((f) => f.action)).toContain('deny');
    expect(found.map((f) => f.fix)).not.toContain(
      'Delete PV test-ais-state-0 once ais-t0 stands for the disk.',
    );
  });
  it('check, test-ais present but making no state claim now (its old one still Bound): still not a warn to delete it', () => {
    const other = aistore({ name: 'test-ais', namespace: ns, size: 1, disable: true, mounts: MOUNTS });
    const ev = evaluate(
      { operation: 'CREATE', object: mine },
      new ClusterContext([ais, other, ...nodes, theirs]),
    );
    const found = ev.findings.filter((f) => f.ruleId === 'pv-target-binding');
    expect(found.map((f) => f.action)).toContain('deny');
  });
});
