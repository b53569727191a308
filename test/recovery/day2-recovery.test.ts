// Review "day-2 recovery" (branch review-recovery): a multi-target AIStore cluster (4 targets, two
// per node, one hand-made local PV each, Retain) repaired by an admin while the guard runs. Each
// case is a step of a correct recovery that the guard gets wrong; each failed on a058913.

import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, pvc, targetPod } from '../support/builders.js';
import { boundPV as bound, changed as mod, SIDES, terminatingPV as terminating } from '../support/sides.js';

const disk = (name: string, ordinal: number, host: string, path: string) =>
  pv(name, { claim: claimName(ordinal), host, path, local: true });

const CR = aistore({ size: 4, disable: true });
const NODES = [node('node-1'), node('node-2')];
const SDB = bound(disk('pv-sdb', 1, 'node-1', '/ais/sdb'), 'u1');
const OTHERS = [
  bound(disk('pv-sda', 0, 'node-1', '/ais/sda'), 'u0'),
  bound(disk('pv-n2a', 2, 'node-2', '/ais/sda'), 'u2'),
  bound(disk('pv-n2b', 3, 'node-2', '/ais/sdb'), 'u3'),
];
/** The replacement disk of ais-target-1, on the same node. */
const SDC = disk('pv-sdc', 1, 'node-1', '/ais/sdc');

const judge = (side: (o: KubeObject) => KubeObject, world: KubeObject[], object: KubeObject) =>
  evaluate({ operation: 'CREATE', object }, new ClusterContext(world.map(side)));

describe('failed disk: the old PV deleted (Terminating) is no target disk any more', () => {
  // Runbook: kubectl delete pvc <claim of target-1>; kubectl delete pv pv-sdb; kubectl delete pod
  // ais-target-1; create the PV of the new disk. Until the pod is gone the claim is held by the
  // pvc-protection finalizer and pv-sdb, still Bound, by pv-protection (pvprotection controller
  // isBeingUsed: phase Bound). A PV pre-bound by name to a claim bound elsewhere just waits Available
  // (pv_controller.go syncVolume: claimRef.uid == "" -> "volume is pre-bound to claim"), and the
  // StatefulSet's next claim of that name (a new uid) binds it, not pv-sdb (findBestMatchForClaim,
  // IsVolumeBoundToClaim compares the uid). pv-sdb has a deletionTimestamp: it is going away.
  it.each(SIDES)('[%s] the replacement PV is admitted while pv-sdb is Terminating', (_, side) => {
    const ev = judge(side, [CR, ...NODES, ...OTHERS, terminating(SDB)], SDC);
    expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toEqual([]);
    expect(ev.allowed).toBe(true);
  });

  // The StatefulSet controller re-creates the claim as soon as the old one is gone; the PV
  // controller marks pv-sdb Released and pv-protection lets it go moments later. A claim CREATE in
  // between, before the admin made pv-sdc, got spec.volumeName: pv-sdb. volumeName cannot change
  // after, so once pv-sdb is deleted the claim waits for a PV that no longer exists (syncUnboundClaim:
  // "volume not found"), and pv-sdc, made next, never binds it: target-1 stays Pending until the
  // claim is deleted again by hand.
  it.each(SIDES)('[%s] the re-created claim is not bound to the PV being deleted', (_, side) => {
    const ev = judge(side, [CR, ...NODES, ...OTHERS, terminating(SDB)], pvc(claimName(1)));
    expect(ev.patch ?? []).not.toContainEqual(expect.objectContaining({ path: '/spec/volumeName' }));
  });

  // Node replaced while its Node object still exists (NotReady): target-1's new PV on node-3, the
  // old one still Terminating on node-1. The pod is refused as "on 2 nodes", and the StatefulSet
  // controller retries until the old PV is gone.
  it.each(SIDES)('[%s] the target pod is not refused for the disk being deleted', (_, side) => {
    const moved = bound(disk('pv-n3', 1, 'node-3', '/ais/sda'), 'u9');
    const world = [CR, ...NODES, node('node-3'), ...OTHERS, terminating(SDB), moved];
    const ev = judge(side, world, targetPod({ ordinal: 1 }));
    expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toEqual([]);
  });
});

describe('non-graceful node shutdown: the out-of-service taint comes and goes', () => {
  // kubernetes.io docs "Non-graceful node shutdown handling": the admin taints the shut-down node
  // node.kubernetes.io/out-of-service=nodeshutdown:NoExecute so its pods are force-deleted and their
  // volumes detached, and removes the taint once the node is back. Like the not-ready/unreachable
  // taints the node lifecycle controller sets for that same outage (nodes.ts LIFECYCLE_TAINTS), it
  // rules the node out for a while, not for good.
  const outOfService = mod(node('node-1'), (c) => {
    c.spec = {
      taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }],
    };
  });
  const world = [outOfService, NODES[1] as KubeObject, ...OTHERS, SDB];

  it.each(SIDES)('[%s] the AIStore CR is re-created during the outage', (_, side) => {
    const ev = judge(side, world, CR);
    expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toEqual([]);
  });

  it.each(SIDES)('[%s] a replacement PV on the node in outage is admitted', (_, side) => {
    const rest = world.filter((o) => o !== SDB);
    const ev = judge(side, [CR, ...rest], SDC);
    expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toEqual([]);
  });
});

describe('node replaced: PVs held on a node that is gone are not the ones to free', () => {
  // node-1 died and was deleted; node-3 joined with a new hostname. The claims of target-0 and
  // target-1 were deleted (the pods could never leave node-1: their PVs pin it), so pv-sda and
  // pv-sdb are Released with the old uids, pinned to node-1, which is no Node any more. The way out
  // is new PVs on node-3 (the pod rule knows: bindPod "not among the cluster's Nodes: not pinned
  // there ... Delete the PVs of node-1"). Freeing them instead binds the new claims to disks on a
  // node that does not exist, and the targets stay Pending ("node(s) didn't match PersistentVolume's
  // node affinity") with their claims' volumeName fixed for good.
  const released = (o: KubeObject, uid: string) =>
    mod(o, (c) => {
      c.spec.claimRef.uid = uid;
      c.status = { phase: 'Released' };
    });
  const onGoneNode = [released(OTHERS[0] as KubeObject, 'u0'), released(SDB, 'u1')];
  const world = [node('node-2'), node('node-3'), ...OTHERS.slice(1), ...onGoneNode];
  const advice = (ev: ReturnType<typeof evaluate>) => ev.findings.map((f) => `${f.message} ${f.fix}`);

  it.each(SIDES)('[%s] a CR update does not say to free them rather than make new PVs', (_, side) => {
    const update = mod(CR, (c) => {
      c.spec.targetSpec.env = [{ name: 'AIS_LOG_LEVEL', value: '4' }];
    });
    const ev = evaluate(
      { operation: 'UPDATE', object: update, oldObject: CR },
      new ClusterContext(world.map(side)),
    );
    expect(advice(ev)).not.toContainEqual(expect.stringMatching(/Free each, do not make another PV/));
  });

  it.each(SIDES)("[%s] the re-created claim's warning does not say to clear the uid", (_, side) => {
    const ev = judge(side, [CR, ...world], pvc(claimName(0)));
    expect(advice(ev)).not.toContainEqual(
      expect.stringMatching(/Clear the PV's stale uid and this claim binds/),
    );
  });
});

describe('after the review: the rest of those flows', () => {
  it.each(SIDES)(
    "[%s] another claim's PV on the disk of a PV being deleted is refused: it lingers only while bound",
    (_, side) => {
      // pv-sdb is being deleted, but pv-protection keeps it only while its claim is bound to it: the
      // target may still write the disk (outside review "today18" turned the first warning into this).
      const onSdb = disk('pv-new', 3, 'node-1', '/ais/sdb');
      const world = [CR, ...NODES, ...OTHERS.filter((o) => nameOfPV(o) !== 'pv-n2b'), terminating(SDB)];
      const ev = judge(side, world, onSdb);
      expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toContainEqual(
        expect.stringMatching(/PVs pv-new and pv-sdb use the same disk node-1:\/ais\/sdb for two claims/),
      );
    },
  );

  it.each(SIDES)(
    "[%s] the same claim's new PV on the disk of its PV being deleted is admitted as is",
    (_, side) => {
      // A disk swapped in the same slot: the new PV has the old one's path.
      const same = disk('pv-sdb2', 1, 'node-1', '/ais/sdb');
      const ev = judge(side, [CR, ...NODES, ...OTHERS, terminating(SDB)], same);
      expect(ev.findings).toEqual([]);
    },
  );

  it('a PV being deleted is not judged (its finalizer removed by pv-protection)', () => {
    const leaving = terminating(SDB);
    const done = mod(leaving, (c) => (c.metadata.finalizers = []));
    const ev = evaluate(
      { operation: 'UPDATE', object: done, oldObject: leaving },
      new ClusterContext([CR, ...NODES, ...OTHERS, SDC]),
    );
    expect(ev).toMatchObject({ allowed: true, findings: [], patch: [] });
  });

  it.each(SIDES)('[%s] freeing a PV on a node that is gone is warned of', (_, side) => {
    const freed = mod(OTHERS[0] as KubeObject, (c) => {
      delete c.spec.claimRef.uid;
      c.status = { phase: 'Released' };
    });
    const world = [CR, node('node-2'), node('node-3'), ...OTHERS.slice(1)];
    const ev = evaluate(
      { operation: 'UPDATE', object: freed, oldObject: OTHERS[0] as KubeObject },
      new ClusterContext(world.map(side)),
    );
    expect(ev.allowed).toBe(true);
    expect(ev.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(/PV pv-sda is on node node-1, which is not among the cluster's Nodes/),
    );
  });

  it.each(['node.cloudprovider.kubernetes.io/shutdown', 'node.cloudprovider.kubernetes.io/uninitialized'])(
    'the cloud node controller taint %s rules no node out for good',
    (key) => {
      const tainted = mod(node('node-1'), (c) => (c.spec = { taints: [{ key, effect: 'NoSchedule' }] }));
      const ev = judge((o) => o, [tainted, NODES[1] as KubeObject, ...OTHERS], SDC);
      expect(ev.findings.filter((f) => f.action === 'deny').map((f) => f.message)).toEqual([]);
    },
  );
});

function nameOfPV(o: KubeObject): string {
  return (o.metadata as { name: string }).name;
}
