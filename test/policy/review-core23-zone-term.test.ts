// review core23: a required pod anti-affinity between targets on a topology wider than the node
// (zone, rack) is not judged in a multi-target layout.
//
// Defect: target-anti-affinity (and layout.ts requiredTargetAntiAffinity) looks only at terms whose
// topologyKey is kubernetes.io/hostname. A required term keyed on topology.kubernetes.io/zone that
// selects the other targets keeps them one per zone, so a fortiori one per node: when PVs put the
// disks of two targets on one node (the multi-target layout the guard exists for), the second target
// stays Pending for good ("node(s) didn't match pod anti-affinity rules"), exactly as with the hostname
// term the rule denies. The guard admits the CR silently.
//
// Impact: a user who spreads targets across zones with a required term, then follows the multi-target
// recipe (disablePodAntiAffinity: true, two PVs on one node), gets a target that never starts, and
// the operator's webhook cannot change targetSpec.affinity afterwards (validateTargetUpdate).
// Expected: a deny on the CR (target-anti-affinity), as for a hostname term; a zone term whose
// targets can still each get a zone of their own is another matter, but here both disks are on one
// node, so both targets are in one zone.
// (The scheduler blocks on a node that carries the topology key; node-1 here has zone a.)
// Operator: target/statefulset.go createTargetAffinity copies targetSpec.affinity verbatim when
// disablePodAntiAffinity is true.
import { describe, expect, it } from '@jest/globals';
import { aistore, findingsOf, node, oneNodeDisks, run } from '../support/builders.js';

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

describe('review core23: required zone anti-affinity between targets', () => {
  it('is denied when PVs put two targets on one node', () => {
    const ev = run({
      name: 'cr',
      object: aistore({ size: 2, disable: true, affinity: zoneApart }),
      context: [...oneNodeDisks('node-1'), node('node-1', { 'topology.kubernetes.io/zone': 'a' })],
    });
    expect(ev.allowed).toBe(false);
    expect(findingsOf(ev, 'target-anti-affinity').map((f) => f.severity)).toContain('deny');
  });
});
