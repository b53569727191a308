// review core23: a CR that spreads its targets with a *preferred* pod anti-affinity (the usual zone or
// rack spreading) and reaches them through targetSpec.hostPort is denied as "multi-target".
//
// Defect: layout.ts viewFromCR takes `ownAntiAffinityWithoutTerm` (a user podAntiAffinity with no
// required hostname term, so the operator adds none: cmn/res.go CreateAISAffinity only fills a nil
// PodAntiAffinity) as anti-affinity *disabled*, i.e. the signal 'anti-affinity-disabled', and the
// layout becomes multi-target with no other signal: no PVs sharing a node, no pinned host, fewer
// targets than nodes. target-host-port then denies the hostPort with "the second target on a node
// stays Pending", though nothing puts a second target on a node: the hostPort itself keeps every
// target on a node of its own (the scheduler's NodePorts filter; the guard's own
// hostPortsKeepTargetsApart says so), exactly as the operator's default required anti-affinity would.
// Nothing stays Pending; the user never asked for several targets per node (unlike
// disablePodAntiAffinity: true), and README "How a layout is recognised as multi-target" lists no such
// signal for a CR.
//
// Impact: a production CR (3 targets on 6 nodes, zone-spreading preference, hostPort for clients
// outside the cluster, as the operator's docs describe) is refused on CREATE; the only "fix" offered
// is to drop hostPort, i.e. lose external access, for a layout that works.
// Expected: no deny from target-host-port (nor target-host-network) on such a CR when no other
// multi-target signal holds.
// Operator: cmn/res.go CreateAISAffinity + createPodAntiAffinity (required term added only when
// targetSpec.affinity.podAntiAffinity is nil); cmn/res.go NewDaemonPorts (hostPort on every target).
// Note: test/policy/defect-classes.test.ts ("a CR with only a preferred anti-affinity ...") asserts
// the deny; this review disputes that verdict.
import { describe, expect, it } from '@jest/globals';
import { aistore, findingsOf, node, run } from '../support/builders.js';

const zoneSpread = {
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 100,
        podAffinityTerm: {
          topologyKey: 'topology.kubernetes.io/zone',
          labelSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
          },
        },
      },
    ],
  },
};

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((n) => node(n));

describe('review core23: preferred-only target anti-affinity with a hostPort', () => {
  it('admits 3 targets with hostPort on 6 nodes: the host port keeps them one per node', () => {
    const ev = run({
      name: 'cr',
      object: aistore({ size: 3, hostPort: 51081, affinity: zoneSpread }),
      context: nodes,
    });
    expect(findingsOf(ev, 'target-host-port').filter((f) => f.severity === 'deny')).toEqual([]);
    expect(ev.allowed).toBe(true);
  });

  it('admits hostNetwork there too: every container port is a host port, targets never share a node', () => {
    const ev = run({
      name: 'cr',
      object: aistore({ size: 3, hostNetwork: true, affinity: zoneSpread }),
      context: nodes,
    });
    expect(findingsOf(ev, 'target-host-network').filter((f) => f.severity === 'deny')).toEqual([]);
    expect(ev.allowed).toBe(true);
  });
  // The same root cause, more flagrant: a *required* anti-affinity on the zone keeps targets one per
  // zone, hence one per node (two targets on a node share its zone), yet the guard calls the layout
  // multi-target because the term is not keyed on kubernetes.io/hostname.
  it('admits hostPort with a required zone anti-affinity: targets can never share a node', () => {
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
    const zoned = ['a', 'b', 'c'].map((z, i) => node(`n${i}`, { 'topology.kubernetes.io/zone': z }));
    const ev = run({
      name: 'cr',
      object: aistore({ size: 3, hostPort: 51081, affinity: zoneApart }),
      context: zoned,
    });
    expect(findingsOf(ev, 'target-host-port').filter((f) => f.severity === 'deny')).toEqual([]);
    expect(ev.allowed).toBe(true);
  });
});
