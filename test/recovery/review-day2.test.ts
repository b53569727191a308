// Review "day2" (branch review-day2): day-2 operations of a multi-target AIStore (4 targets, two per
// node, one hand-made local PV each, Retain), walked step by step as operator v3.4.0 and the kube
// controllers make the objects, with the context as the webhook's informers (and `check`) see it
// between steps. Each case is a step the guard gets wrong; each failed on 9db6925.

import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, targetPod, targetStatefulSet } from '../support/builders.js';
import { changed, SIDES, twoPerNodeDisks } from '../support/sides.js';

type Side = (o: KubeObject) => KubeObject;
const judge = (side: Side, world: KubeObject[], object: KubeObject) =>
  evaluate({ operation: 'CREATE', object }, new ClusterContext(world.map(side)));
const advice = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.map((f) => `${f.ruleId} ${f.action}: ${f.message} | fix: ${f.fix}`);
const denies = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.filter((f) => f.action === 'deny').map((f) => f.message);

const CR = aistore({ size: 4, disable: true });
const STS = targetStatefulSet({ replicas: 4 });
const NODES = [node('node-1'), node('node-2')];
/** pv-0, pv-1 on node-1 (/ais/sda, /ais/sdb); pv-2, pv-3 on node-2; Bound to claims u0..u3. */
const DISKS = twoPerNodeDisks(4);
const released = (o: KubeObject) =>
  changed(o, (c) => {
    c.status = { phase: 'Released' };
  });

describe('scale down with whenScaled: Delete, then up again', () => {
  // targetSpec.pvcRetentionPolicy {whenScaled: Delete}: the operator copies it onto the StatefulSet
  // (target/statefulset.go NewTargetSS, target_controllers.go syncTargetPVCRetentionPolicy), scales
  // 4 -> 2 (resolveStatefulSetScaling -> UpdateStatefulSetReplicas) and the StatefulSet controller
  // deletes the claims of ais-target-2 and -3. Their Retain PVs pv-2, pv-3 are Released, claimRef.uid
  // still u2/u3. Scaled 2 -> 4 again, the controller makes the claims anew (new uids) and the pods.
  // The guard's own CR finding says it right: "held by the uid of a deleted claim ... Free each, do
  // not make another PV for its disk: kubectl patch pv pv-2 ...". The target pod's finding says the
  // opposite: "no PV is known for the claims ... Create one PV per (target, mount) with claimRef to
  // the target claim". An admin who follows the pod's advice (what `ais-guard audit` reports for the
  // Pending pod) makes a second PV for /ais/sda on node-2, pre-bound to
  // the same claim, next to pv-2: then two PVs stand for one disk (pv-target-binding warns of
  // exactly that on the PV). Expected: the pod's finding names pv-2 as held by a deleted claim's uid
  // and says to free it (remove spec.claimRef.uid), not to create a PV.
  const world = [CR, STS, ...NODES, ...DISKS.slice(0, 2), ...DISKS.slice(2).map(released)];

  it.each(SIDES)('[%s] the re-created target pod is told to free pv-2, not to make a new PV', (_, side) => {
    const ev = judge(side, world, targetPod({ ordinal: 2 }));
    const said = advice(ev).join('\n');
    expect(said).not.toMatch(/Create one PV per \(target, mount\)/);
    expect(said).not.toMatch(/no PV is known/);
    expect(said).toMatch(/pv-2/);
  });
});

describe('node replaced: node-2 deleted, its targets re-created while their claims are still Bound', () => {
  // node-2 died and its Node was deleted (node-4 joins in its place). The pod GC deletes the pods
  // bound to the gone node and the StatefulSet controller re-creates ais-target-2 and -3 at once;
  // their claims still exist, Bound to pv-2/pv-3 (claimRef uid u2/u3, phase Bound) on node-2.
  // Nothing moves while those claims are bound: a claim's spec.volumeName never changes. The way out
  // is: a PV on a live node pre-bound to the claim, then delete the claim and the Pending pod (the
  // StatefulSet controller makes both anew, and the new claim binds the new PV), and delete the old
  // PV once its data is not needed (what pv-claim-uid advises for such a PV: "Do not free it:
  // pre-bind a PV on a live node to the claim, and delete PV ... once its data is not needed").
  const world = [CR, STS, node('node-1'), node('node-4'), ...DISKS];

  // The pod's finding says: "Delete the PVs of node-2 (or free them) if that node is gone for good,
  // so the target gets disks on a live node." Neither gets the target anywhere: deleting a PV whose
  // claim is bound only marks it Terminating (pv-protection keeps it while the claim is bound), and
  // "freeing" it (removing the uid) lets the PV controller re-bind it to the very same live claim,
  // and is what pv-claim-uid says not to do for a PV on a node that is gone. The claim, the one
  // thing that must be deleted, is not mentioned. The user sees a Pending target and advice that
  // changes nothing. Expected: the fix names the claim to delete (with a PV on a live node
  // pre-bound to it) and does not advise freeing the PVs of the gone node.
  it.each(SIDES)(
    "[%s] the re-created pod's fix names its claim and does not say to free the PVs",
    (_, side) => {
      const ev = judge(side, world, targetPod({ ordinal: 2 }));
      const said = advice(ev).join('\n');
      expect(said).toMatch(/not among the cluster's Nodes/);
      expect(said).not.toMatch(/or free them/);
      expect(said).toMatch(new RegExp(`claim[^|]*${claimName(2)}|${claimName(2)}[^|]*claim`));
    },
  );

  // The first step of that way out, the replacement PV on node-4 pre-bound to ais-target-2's claim,
  // is refused: "PVs pv-2-new and pv-2 are both pre-bound to claim ...: the claim binds one and
  // strands the other. | fix: Keep one PV per (target, mount) claim." Neither is so: the live claim
  // is bound to pv-2 by uid and keeps it; its next life cannot bind pv-2 (Released, its uid stale:
  // pv_controller.go syncVolume) and binds pv-2-new, which is the point. pv-2 is on a node that is
  // not among the cluster's Nodes, so it can serve no claim again anyway. The guard's own
  // pv-claim-uid advice for this very PV once Released is "pre-bind a PV on a live node to the
  // claim"; refused while the claim lives, the admin must first `kubectl delete pv pv-2` (which
  // the fix does not say). Expected: admitted (a warning to delete pv-2 once its data is not needed
  // is fine), or at least a fix that says how to get there.
  // (The deny exists so that a stray PV on another disk does not move a live target to an empty
  // disk when its claim is next re-created: test/server/disk-taken.test.ts. Here that move is the
  // intent, and the disk it would move away from is on a node the cluster no longer has: a Node
  // object is removed only when the node is deleted, by an admin or the cloud node controller.)
  it.each(SIDES)(
    '[%s] a replacement PV on a live node for a target of the gone node is admitted',
    (_, side) => {
      const replacement = pv('pv-2-new', {
        claim: claimName(2),
        host: 'node-4',
        path: '/ais/sda',
        local: true,
      });
      const ev = judge(side, world, replacement);
      expect(denies(ev)).toEqual([]);
    },
  );
});

describe('a CR edit that rolls the targets while their disks’ node no longer admits them', () => {
  // node-1 got a NoSchedule taint after the targets started (or lost the label spec.targetSpec.
  // nodeSelector asks for). NoSchedule and IgnoredDuringExecution leave the running targets alone:
  // before this update ais-target-0 and -1 run on node-1 with pv-0, pv-1. An image bump is a
  // rollout: the operator patches the template (target_controllers.go handleTargetState ->
  // syncTargetPodSpec; shouldUpdateContainers compares the image) and then deletes the pods one at a
  // time (handleTargetRollout, OnDelete strategy). The first of ais-target-0/-1 it deletes comes back
  // Pending for good ("node(s) didn't match PersistentVolume's node affinity" / untolerated taint),
  // and the rollout stalls there with that target down. The guard admits the update with "already
  // so before this update: ... those targets would stay Pending": it was not so before, the targets
  // were running; this update is what re-creates them. Expected: refused (the fix: tolerate the
  // taint, or restore the label, in the same update, or lift it first), as a change that adds the
  // taint's toleration is admitted.
  const taint = (n: KubeObject) =>
    changed(n, (c) => {
      c.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    });
  const bump = (cr: KubeObject) =>
    changed(cr, (c) => {
      c.spec.nodeImage = 'aistorage/aisnode:v3.31';
    });

  it.each(SIDES)('[%s] an image bump with node-1 tainted (untolerated) is refused', (_, side) => {
    const world = [CR, STS, taint(node('node-1')), node('node-2'), ...DISKS];
    const ev = evaluate(
      { operation: 'UPDATE', object: bump(CR), oldObject: CR },
      new ClusterContext(world.map(side)),
    );
    expect(ev.allowed).toBe(false);
  });

  it.each(SIDES)(
    '[%s] an image bump with node-1 no longer matching the nodeSelector is refused',
    (_, side) => {
      const cr = aistore({ size: 4, disable: true, nodeSelector: { 'ais-node': 'yes' } });
      const world = [cr, STS, node('node-1'), node('node-2', { 'ais-node': 'yes' }), ...DISKS];
      const ev = evaluate(
        { operation: 'UPDATE', object: bump(cr), oldObject: cr },
        new ClusterContext(world.map(side)),
      );
      expect(ev.allowed).toBe(false);
    },
  );
});

describe('node replaced under a stored CR with a host port, one target per node', () => {
  // A CR made before the guard (or in its audit mode) with spec.targetSpec.hostPort and
  // disablePodAntiAffinity: true, 2 targets on 2 nodes, one PV each. The guard keeps such a CR
  // ("fixed at creation, kept ... until then, one target per node": evaluate.ts fixedAtCreation),
  // since the operator refuses any change of hostPort (webhook validateTargetUpdate) and its targets
  // run one per node. node-2 dies and is deleted; ais-target-1's claim is deleted, pv-1 is Released on
  // the gone node. The admin puts target-1's replacement disk on node-1, the only live node. That PV
  // is admitted without a word, though it is what makes the layout impossible: the operator renders
  // the hostPort on every target (cmn.NewDaemonPorts), so ais-target-1 pinned to node-1 by its disk
  // asks for 51081 where ais-target-0 holds it ("node(s) didn't have free ports for the requested pod
  // ports"); the guard itself then refuses the pod (target-host-port) and says on the CR "This update
  // cannot place every target: PVs put the disks of ais-target-0, ais-target-1 on node node-1". The
  // same for hostNetwork (every container port is a host port). Expected: the PV is refused, saying
  // that with host port 51081 (hostNetwork) fixed at creation each target's disks need a node of their
  // own.
  const cases: [string, KubeObject][] = [
    ['hostPort', aistore({ size: 2, disable: true, hostPort: 51081 })],
    ['hostNetwork', aistore({ size: 2, disable: true, hostNetwork: true })],
  ];
  const pv0 = DISKS[0] as KubeObject; // ais-target-0 on node-1:/ais/sda
  const pv1 = changed(
    pv('pv-1', { claim: claimName(1), host: 'node-2', path: '/ais/sda', local: true }),
    (c) => {
      c.spec.claimRef.uid = 'u1';
      c.status = { phase: 'Released' };
    },
  );
  const replacement = pv('pv-1-new', { claim: claimName(1), host: 'node-1', path: '/ais/sdb', local: true });

  for (const [name, cr] of cases)
    it.each(SIDES)(
      `[%s] ${name}: target-1's replacement PV beside target-0 on node-1 is refused`,
      (_, side) => {
        const ev = judge(side, [cr, node('node-1'), pv0, pv1], replacement);
        expect(ev.allowed).toBe(false);
      },
    );
});

describe("a stored CR's host port, kept: what the rendered StatefulSet and pods are told", () => {
  // The same kind of CR, one target per node on 3 nodes: the guard keeps it ("fixed at creation,
  // kept ... Only a new AIStore CR can change spec.targetSpec.hostPort: until then, one target per
  // node"). Day 2: the image is bumped; the operator patches the StatefulSet template
  // (syncTargetPodSpec) and re-creates the pods one at a time (handleTargetRollout); an evicted
  // target is re-created by the StatefulSet controller. Those writes are admitted with a warning
  // (right: they are rendered from a CR that cannot change), whose fix is "Remove hostPort from the
  // targets ... set spec.targetSpec.externalAccess". That is the one change the operator refuses on
  // this CR (webhook validateTargetUpdate: hostPort and externalAccess are not among the fields
  // allowDaemonSpecUpdates lets change), and the warning the user sees on every rollout says to make
  // it. Expected: the fix of these findings says what the CR's says (a new AIStore CR changes it;
  // until then one target per node), not to edit the live CR's hostPort.
  const cr = aistore({ size: 3, disable: true, hostPort: 51081 });
  const disks = [0, 1, 2].map((i) =>
    changed(
      pv(`pv-${i}`, { claim: claimName(i), host: `node-${i + 1}`, path: '/ais/sda', local: true }),
      (c) => {
        c.spec.claimRef.uid = `u${i}`;
        c.status = { phase: 'Bound' };
      },
    ),
  );
  const nodes = [node('node-1'), node('node-2'), node('node-3')];
  const sts = changed(
    targetStatefulSet({ replicas: 3, hostPort: 51081, publicHostnameFrom: 'status.hostIP' }),
    (c) => {
      c.metadata.ownerReferences = [
        { apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: 'ais', uid: 'c', controller: true },
      ];
    },
  );
  const pod = changed(
    targetPod({ ordinal: 0, hostPort: 51081, publicHostnameFrom: 'status.hostIP' }),
    (c) => {
      c.metadata.ownerReferences = [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ais-target', uid: 's', controller: true },
      ];
    },
  );
  const hostPortFixes = (ev: ReturnType<typeof evaluate>) =>
    ev.findings.filter((f) => f.ruleId === 'target-host-port').map((f) => f.fix);

  it.each(SIDES)('[%s] the re-created target pod is not told to remove the hostPort', (_, side) => {
    const ev = judge(side, [cr, sts, ...nodes, ...disks], pod);
    expect(ev.allowed).toBe(true);
    expect(hostPortFixes(ev)).not.toEqual([]);
    for (const fix of hostPortFixes(ev)) expect(fix).not.toMatch(/^Remove hostPort from the targets/);
  });

  it.each(SIDES)(
    "[%s] the operator's rollout of the StatefulSet is not told to remove the hostPort",
    (_, side) => {
      const bumped = changed(cr, (c) => {
        c.spec.nodeImage = 'aistorage/aisnode:v3.31';
      });
      const rolled = changed(sts, (c) => {
        c.spec.template.spec.containers[0].image = 'aistorage/aisnode:v3.31';
      });
      const ev = evaluate(
        { operation: 'UPDATE', object: rolled, oldObject: sts },
        new ClusterContext([bumped, sts, ...nodes, ...disks].map(side)),
      );
      expect(ev.allowed).toBe(true);
      expect(hostPortFixes(ev)).not.toEqual([]);
      for (const fix of hostPortFixes(ev)) expect(fix).not.toMatch(/^Remove hostPort from the targets/);
    },
  );
});

describe('a kept host-port CR scaled down to end the sharing', () => {
  // The same kind of CR, 3 targets: ais-target-0 on node-1, ais-target-1 and -2 on node-2 (a disk
  // replaced onto the wrong node, say). The guard's fix for it: "Keep a node per target: each target's
  // PVs on a node of its own" or a smaller size. The admin scales 3 -> 2: the operator removes the
  // highest ordinal (StatefulSet replicas, resolveStatefulSetScaling), ais-target-2, and the two left
  // are on two nodes. The update is admitted, but its warning says "This update cannot place every
  // target: PVs put the disks of ais-target-1, ais-target-2 on node node-2": ais-target-2 is no
  // target after this update, and every target of it is placed. The admin is told the fix failed.
  // Expected: no finding of this update names ais-target-2 or says it cannot place every target.
  const cr = aistore({ size: 3, disable: true, hostPort: 51081 });
  const onNode = (i: number, host: string, path: string) =>
    changed(pv(`pv-${i}`, { claim: claimName(i), host, path, local: true }), (c) => {
      c.spec.claimRef.uid = `u${i}`;
      c.status = { phase: 'Bound' };
    });
  const disks = [
    onNode(0, 'node-1', '/ais/sda'),
    onNode(1, 'node-2', '/ais/sdb'),
    onNode(2, 'node-2', '/ais/sda'),
  ];

  it.each(SIDES)('[%s] scaling 3 -> 2 is not said to leave targets unplaced', (_, side) => {
    const smaller = changed(cr, (c) => {
      c.spec.targetSpec.size = 2;
    });
    const world = [cr, targetStatefulSet({ replicas: 3, hostPort: 51081 }), ...NODES, ...disks];
    const ev = evaluate(
      { operation: 'UPDATE', object: smaller, oldObject: cr },
      new ClusterContext(world.map(side)),
    );
    expect(ev.allowed).toBe(true);
    const said = advice(ev).join('\n');
    expect(said).not.toMatch(/cannot place every target/);
    expect(said).not.toMatch(/ais-target-2/);
  });
});
