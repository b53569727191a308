// review fix23: a required zone anti-affinity between targets now counts as "target anti-affinity
// on" (d1834c2), but targets-exceed-nodes still counts nodes, not zones: 4 targets kept one per
// zone on 4 nodes in 2 zones pass silently, while 2 of them stay Pending.
//
// Defect: layout.ts viewFromCR reads a CR whose own targetSpec.affinity has only a required term on
// topology.kubernetes.io/zone as anti-affinity kept (antiAffinityFrom 'own-term'; the operator then
// adds no hostname term of its own: internal/resources/aistore/cmn/res.go CreateAISAffinity). Such
// a term allows one target per zone (scheduler InterPodAffinity filter: a (zone, value) pair already
// holding a matching target refuses every node of that zone). targets-exceed-nodes compares the size
// with ctx.schedulableNodeCount, i.e. nodes, so with 4 nodes in 2 zones it finds room for 4 targets.
// The same CR with a hostname term and 2 nodes is warned ("2 target(s) stay Pending").
//
// Impact: AIStore with 2 of its 4 targets Pending forever ("node(s) didn't match pod anti-affinity
// rules"), the cluster degraded, and the guard that warns of exactly this for the hostname term says
// nothing.
// Expected: with a required anti-affinity on a wider topology key, count the distinct values of that
// key among the schedulable nodes (nodes lacking the key are their own, as the scheduler ignores the
// term there): here 2, so warn that 2 targets stay Pending.
import { describe, expect, it } from '@jest/globals';
import { aistore, HOST_ANTI_AFFINITY, node, run } from '../support/builders.js';

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
const inZone = (name: string, zone: string) => node(name, { 'topology.kubernetes.io/zone': zone });

describe('review fix23: more targets than zones under a required zone anti-affinity', () => {
  it('the hostname analogue is warned (reference)', () => {
    const cr = aistore({ size: 4, affinity: HOST_ANTI_AFFINITY() });
    const ev = run({
      name: 'cr',
      operation: 'UPDATE',
      object: cr,
      oldObject: cr,
      context: [inZone('n1', 'a'), inZone('n2', 'b')],
    });
    expect(ev.findings.map((f) => f.message).join('\n')).toMatch(/stay Pending/);
  });

  it('4 targets, one per zone, 2 zones: warned that 2 stay Pending', () => {
    const cr = aistore({ size: 4, affinity: zoneApart });
    const ev = run({
      name: 'cr',
      operation: 'UPDATE',
      object: cr,
      oldObject: cr,
      context: [inZone('n1', 'a'), inZone('n2', 'a'), inZone('n3', 'b'), inZone('n4', 'b')],
    });
    expect(ev.findings.map((f) => f.message).join('\n')).toMatch(/stay Pending/);
  });
});
