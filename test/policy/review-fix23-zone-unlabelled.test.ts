// review fix23: a required anti-affinity between targets on a topology key the nodes do not carry
// is denied (CR, StatefulSet) and stripped (pod) as if it kept targets one per node, and counts as
// "anti-affinity on" for multi-target detection.
//
// Defect: d1834c2 made layout.ts requiredTargetAntiAffinity take any non-empty topologyKey, on the
// ground that two pods on one node share every topology value of that node. That holds only for a
// node that HAS the label. The scheduler's InterPodAffinity filter ignores a term whose topologyKey
// the candidate node lacks (k8s pkg/scheduler/framework/plugins/interpodaffinity/filtering.go:
// satisfyPodAntiAffinity / nodeMatchesAnyTopologyTerm only count a (key, value) pair when
// `node.Labels[term.TopologyKey]` exists; the existing pods' side, getMatchingAntiAffinityTopology
// PairsOfPod, likewise adds nothing for a node without the key). kubernetes.io/hostname is always
// there (the kubelet sets it); topology.kubernetes.io/zone is not, on bare metal / kubeadm / kind,
// and a rack label only where the user put it.
//
// Impact: a bare-metal user whose nodes carry no zone label, following the multi-target recipe
// (disablePodAntiAffinity: true, two targets' PVs on one node) with a zone anti-affinity copied
// from a template, is refused ("the second target stays Pending") though both targets would run;
// the same term on a pod is removed, changing the user's spec for nothing.
// Expected: a term whose topologyKey none of the known nodes the targets may use carries is not
// "one per node" (at most a warning), as the scheduler treats it; with node-1 labelled zone=a the
// deny stays (test/policy/review-core23-zone-term.test.ts).
// Operator: target/statefulset.go createTargetAffinity copies targetSpec.affinity verbatim with
// disablePodAntiAffinity true; the scheduler then decides.
import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  findingsOf,
  node,
  oneNodeDisks,
  run,
  targetPod,
  targetStatefulSet,
} from '../support/builders.js';

const zoneApart = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        topologyKey: 'topology.kubernetes.io/zone',
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
        },
      },
    ],
  },
};

describe('review fix23: zone anti-affinity on nodes without a zone label', () => {
  it('is not denied when the only node the targets use has no zone label', () => {
    const ev = run({
      name: 'cr',
      object: aistore({ size: 2, disable: true, affinity: zoneApart }),
      context: [...oneNodeDisks('node-1'), node('node-1')],
    });
    expect(findingsOf(ev, 'target-anti-affinity').filter((f) => f.severity === 'deny')).toEqual([]);
  });

  // The operator's StatefulSet update (any reconcile: an image upgrade) of a cluster running fine on
  // such nodes is refused: the operator is stuck.
  it('the operator-made StatefulSet of a running cluster is not refused', () => {
    const sts = targetStatefulSet({ replicas: 2, affinity: zoneApart });
    const ev = run({
      name: 'sts',
      operation: 'UPDATE',
      object: sts,
      oldObject: sts,
      context: [...oneNodeDisks('node-1'), node('node-1')],
    });
    expect(findingsOf(ev, 'target-anti-affinity').filter((f) => f.severity === 'deny')).toEqual([]);
  });

  it("the target pod's term is not stripped", () => {
    const ev = run({
      name: 'pod',
      object: targetPod({ ordinal: 1, affinity: zoneApart }),
      context: [...oneNodeDisks('node-1'), node('node-1')],
    });
    expect(JSON.stringify(ev.patch)).not.toMatch(/podAntiAffinity/);
  });
});
