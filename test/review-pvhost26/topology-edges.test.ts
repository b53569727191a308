// review pvhost26: edges of "which node a PV is on" (k8s.ts pvHostname, context.ts pvTopologyHost)
// where the guard's node is not the scheduler's. Kubernetes places a pod with a bound PV on any Node
// whose labels match one of the PV's required terms (terms ORed, requirements ANDed: component-helpers
// storage/volume/helpers.go CheckNodeAffinity -> corev1.MatchNodeSelectorTerms, in the scheduler's
// VolumeBinding filter), whatever the keys.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run } from '../support/builders.js';
import { csiPv, csiPvWithTerms, findings, HOSTNAME, KEYS, TOPO, topoNodes, twoMounts } from './support.js';

const claimA = claimName(0);
const claimB = claimName(0, 'ais', '/data/b');
const denies = (ev: ReturnType<typeof run>) => findings(ev).filter((f) => / deny: /.test(f));

describe('review pvhost26: pvHostname with a second term on another key', () => {
  // ais-target-0's /data/b is a local PV on node-1; its /data/aistore PV admits node-2 (hostname
  // term) OR node-1 (topology term). node-1 has both: the pod runs there. pvHostname reads the
  // hostname term alone and calls the PV "on node-2" (and pvTopologyHost is not asked once a hostname
  // term exists), so the guard denies a target the scheduler places. The same PV written with two
  // topology terms (node-2 OR node-1) is judged on no node and admitted.
  // Fix: pvHostname/pvTopologyHost should give one node only when every term admits just that node
  // (resolve the hostname terms too, or give no answer when another term admits more).
  const cr = twoMounts(aistore({ disable: true }));
  const local = pv('local-b0', { claim: claimB, host: 'node-1', local: true });
  it.each([
    ['hostname term OR topology term', [HOSTNAME, TOPO]],
    ['two topology terms', [TOPO, TOPO]],
  ])('PV admitting node-2 or node-1 (%s) beside a disk on node-1: admitted', (_, keys) => {
    const lv = csiPvWithTerms('lv-a0', claimA, [
      { matchExpressions: [{ key: keys[0], operator: 'In', values: ['node-2'] }] },
      { matchExpressions: [{ key: keys[1], operator: 'In', values: ['node-1'] }] },
    ]);
    expect(denies(run({ name: 'pv', object: local, context: [...topoNodes(), cr, lv] }))).toEqual([]);
  });
});

describe('review pvhost26: pvTopologyHost with a value no known Node has yet', () => {
  // Disks are made before a scale-out, for a node yet to join (pv-target-binding warns "which is not
  // among the cluster's Nodes: the target whose claim binds it waits for that node"). ais-target-0's
  // /data/b is a local PV on node-9 (not joined yet); its /data/aistore PV admits node-1 or node-9.
  // Once node-9 joins (its kubelet sets kubernetes.io/hostname, the CSI node plugin openebs.io/nodename),
  // both PVs admit it and the pod runs there. With the values under kubernetes.io/hostname the guard
  // warns only; under openebs.io/nodename pvTopologyHost takes node-1, the one *known* Node, as the PV's
  // node, and denies "the disks of ais-target-0 are on two nodes".
  // Fix: pvTopologyHost should give no answer when an In value of the deciding term names no known Node
  // (or, generally, when the terms may admit a Node not yet known), as pvHostname gives none for two values.
  const cr = twoMounts(aistore({ disable: true }));
  const local = pv('local-b0', { claim: claimB, host: 'node-9', local: true });
  it.each(KEYS)('PV admitting node-1 or node-9 by %s beside a disk on node-9: warned, not denied', (key) => {
    const lv = csiPv('lv-a0', claimA, key, ['node-1', 'node-9']);
    const ev = run({ name: 'pv', object: local, context: [...topoNodes(), cr, lv] });
    expect(findings(ev)).toEqual([
      "pv-target-binding warn: PV local-b0 is on node node-9, which is not among the cluster's Nodes: the target whose claim binds it waits for that node.",
    ]);
  });
});

describe('review pvhost26: pvTopologyHost on a zonal network volume', () => {
  // pvTopologyHost resolves any PV without a hostname pin, not only a node-local one: an EBS volume
  // made by hand (driver ebs.csi.aws.com, pinned by topology.ebs.csi.aws.com/zone) in a zone that
  // has one Node today is taken to be *on* that Node. Here us-east-1a holds only node-1, a system
  // node the targets' nodeSelector (pool=ais) rules out; the target pool has no node in that zone now
  // (scaled to zero). The volume attaches to whichever node of the zone the pod lands on (the attach/
  // detach controller; CheckNodeAffinity admits every us-east-1a Node), so a pool node there serves it:
  // the cluster autoscaler adds one for the Pending pod (its simulation runs the VolumeBinding filter).
  // The rule's own summary says a network or cloud volume "follows its target". Yet in a multi-target
  // layout the guard denies the PV: "PV ebs-0 is on node node-1, where the targets of ais cannot run".
  // Fix: resolve only node-local volumes (a term whose values pin single Nodes, or known node-local
  // drivers), or give no answer for a PV whose key is a zone/region label.
  const ZONE = 'topology.ebs.csi.aws.com/zone';
  const nodes = [
    node('node-1', { [ZONE]: 'us-east-1a', 'topology.kubernetes.io/zone': 'us-east-1a' }),
    node('node-2', { [ZONE]: 'us-east-1b', 'topology.kubernetes.io/zone': 'us-east-1b', pool: 'ais' }),
    node('node-3', { [ZONE]: 'us-east-1b', 'topology.kubernetes.io/zone': 'us-east-1b', pool: 'ais' }),
  ];
  it('hand-made EBS PV in us-east-1a, targets on pool=ais: no "is on node node-1" deny', () => {
    const ebs = csiPv('ebs-0', claimName(0), ZONE, 'us-east-1a');
    (ebs.spec as { csi: Record<string, unknown> }).csi = {
      driver: 'ebs.csi.aws.com',
      volumeHandle: 'vol-0a1b2c3d4e5f',
      fsType: 'xfs',
    };
    const ev = run({
      name: 'ebs',
      object: ebs,
      context: [...nodes, aistore({ disable: true, nodeSelector: { pool: 'ais' } })],
    });
    expect(ev.multiTarget).toBe(true);
    expect(denies(ev)).toEqual([]);
  });
});
