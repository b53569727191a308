// Review plan23: `ais-guard audit` against the live state of a healthy multi-target AIStore, through
// the CLI and the stand-in apiserver (paged lists), as a user runs it.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, node, oneNodeDisks, targetPod, targetStatefulSet } from '../support/builders.js';
import { FakeCluster } from './support/fake-cluster.js';
import { auditJson, boundClaim, boundPV, withUid } from './support/live-audit.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/**
 * Two targets on node-1 (anti-affinity off), after the PV controller bound each pre-bound PV to its
 * claim (pv_controller bind: the PV's claimRef gets the claim's uid, both phases Bound, the claim's
 * spec.volumeName the PV) and the scheduler placed each pod on its disks' node (spec.nodeName) where
 * it runs. The guard was installed afterwards (audit's purpose: "objects made before the guard").
 */
function healthy(): KubeObject[] {
  const scheduled = (o: KubeObject, ordinal: number): KubeObject => ({
    ...withUid(o, `pod-uid-${ordinal}`),
    spec: { ...(o.spec as object), nodeName: 'node-1' },
    status: { phase: 'Running' },
  });
  return [
    { ...aistore({ size: 2, disable: true }), status: { state: 'Ready' } },
    targetStatefulSet({ replicas: 2 }),
    scheduled(targetPod({ ordinal: 0 }), 0),
    scheduled(targetPod({ ordinal: 1 }), 1),
    boundClaim(0, 'pv-sda'),
    boundClaim(1, 'pv-sdb'),
    ...oneNodeDisks('node-1').map(boundPV),
    node('node-1'),
  ];
}

describe('review plan23: audit of a healthy cluster, target pods running on their disks node', () => {
  // Defect: each running target pod (spec.nodeName node-1, where its disks are) gets a WARN
  // "target-disk-binding: the guard would change this on CREATE: bound target pod ais-target-N to
  // node node-1, where its disks are", fix "None needed". The change can never be made (a pod's
  // affinity is immutable; the pod is already there) and nothing is wrong, yet the text says "with
  // warnings" and --apply writes a medium-severity warn per target pod into the Reports. README:
  // audit lists "the live AIStore objects of a cluster that break the rules". A claim already bound
  // (spec.volumeName set) is rightly not warned of by the same rule; a pod already on its disks' node
  // should not be either. (Target pods come from the StatefulSet template: operator
  // internal/resources/aistore/target/statefulset.go; the scheduler's binding sets spec.nodeName.)
  // Expected: no warn for a target pod scheduled on its disks' node.
  it('a running target pod on its disks node is not warned of', async () => {
    cluster = await FakeCluster.start(healthy());
    const { warned } = await auditJson(cluster);
    expect(warned('Pod')).toEqual([]);
  });
});
