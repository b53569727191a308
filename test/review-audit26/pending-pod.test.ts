// Review audit26: a live target pod not scheduled yet (Pending, no spec.nodeName) whose claims are
// bound to PVs pinned to its disks' node.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, node, oneNodeDisks, targetPod, targetStatefulSet } from '../support/builders.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';
import { auditJson, boundClaim, boundPV, withUid } from '../audit/support/live-audit.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/**
 * Two targets on node-1 (anti-affinity off), each claim bound to its pre-bound PV (pv_controller
 * bind: claimRef.uid set, both Bound, the claim's spec.volumeName). target-0 runs on node-1;
 * target-1 was created by the StatefulSet controller before the guard and waits for CPU on node-1
 * (Pending, PodScheduled False "Insufficient cpu"), so it has no spec.nodeName yet.
 */
function cluster2(): KubeObject[] {
  const running = {
    ...withUid(targetPod({ ordinal: 0 }), 'pod-uid-0'),
    spec: { ...(targetPod({ ordinal: 0 }).spec as object), nodeName: 'node-1' },
    status: { phase: 'Running' },
  };
  const pending = {
    ...withUid(targetPod({ ordinal: 1 }), 'pod-uid-1'),
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 Insufficient cpu.',
        },
      ],
    },
  };
  return [
    { ...aistore({ size: 2, disable: true }), status: { state: 'Ready' } },
    targetStatefulSet({ replicas: 2 }),
    running,
    pending,
    boundClaim(0, 'pv-sda'),
    boundClaim(1, 'pv-sdb'),
    ...oneNodeDisks('node-1').map(boundPV),
    node('node-1'),
  ];
}

describe('review audit26: a Pending target pod whose claims are bound to its disks node', () => {
  // What is wrong: src/policy/rules/target-disk-binding.ts bindPod skips a pod only once it has
  // spec.nodeName; a live pod still Pending gets report.mutated, which audit (src/audit/results.ts
  // resultsOf) turns into a WARN "the guard would change this on CREATE: bound target pod
  // ais-target-1 to node node-1, where its disks are", fix "None needed". The pod exists: its
  // affinity is immutable (kubernetes pkg/apis/core/validation ValidatePodUpdate: "pod updates may
  // not change fields other than ..."; affinity only while the pod has schedulingGates), so the
  // change can no longer apply; and it is not needed: its claim is bound to a PV whose required
  // node affinity names node-1, and the scheduler's VolumeBinding plugin
  // (pkg/scheduler/framework/plugins/volumebinding, checkBoundClaims on the PV's nodeAffinity)
  // only lets it onto node-1. docs/audit.md: "A change that could no longer apply and is not
  // needed is not reported: a claim already bound, a target pod already on its disks' node". The
  // run reports a medium-severity warn per such pod into the Reports, with a fix that says there
  // is nothing to do.
  // Right: no warn for a live target pod whose claims are bound to PVs on one live node (as for
  // one already on that node); keep the warn for a pod on another node.
  it('no "the guard would change this on CREATE" warn for the Pending target pod', async () => {
    cluster = await FakeCluster.start(cluster2());
    const { warned } = await auditJson(cluster);
    expect(warned('Pod')).toEqual([]);
  });
});
