// review core23: on CREATE, a CR with more targets than the nodes that exist *now* is permanently
// turned multi-target (spec.targetSpec.disablePodAntiAffinity: true), with no PV, pin or other sign
// that the user wants several targets per node.
//
// Defect: anti-affinity-not-disabled mutates the CR whenever the layout is multi-target, and the
// node-count signal alone ('more targets than nodes', layout.ts) makes it so. The operator keeps its
// required hostname anti-affinity (cmn/res.go CreateAISAffinity) and only *warns* about too few nodes
// (aistore_webhook.go verifyNodesAvailable): the extra targets stay Pending until nodes join. In a
// cluster with a node autoscaler (cluster-autoscaler, Karpenter), those Pending targets are exactly
// what brings the nodes. After the guard's patch they never do: the Parallel StatefulSet packs two
// targets per node at once, and the field can never be turned back (validateTargetUpdate refuses any
// targetSpec change), so the cluster stays doubled up (one node failure takes two targets) even once
// the nodes exist. The README already treats a drained node as no reason to flip this irreversible
// field ("a layout judged multi-target while a node is drained could never change back"); nodes not
// yet added are the same case. The user never asked for several targets per node.
//
// Expected: with only the node-count signal, no patch on CREATE (targets-exceed-nodes already warns
// that the extra targets stay Pending); the mutation for the signals that show intent (PVs on one node,
// a pinned host).
// Operator: cmn/res.go CreateAISAffinity; internal/webhook/aistore/v1beta1/aistore_webhook.go
// verifyNodesAvailable (a warning), validateTargetUpdate (no later change).
import { describe, expect, it } from '@jest/globals';
import { aistore, findingsOf, node, run } from '../support/builders.js';

describe('review core23: node count alone', () => {
  it('does not flip disablePodAntiAffinity on CREATE when only the current node count is short', () => {
    const ev = run({ name: 'cr', object: aistore({ size: 4 }), context: [node('n1'), node('n2')] });
    expect(ev.patch).toEqual([]);
    expect(findingsOf(ev, 'targets-exceed-nodes').length).toBeGreaterThan(0);
  });
});
