// Review "oper29": a local or hostPath target PV whose required node affinity names one hostname
// but does not pin its target to that node.
//
// The scheduler places a pod with a bound PV on any Node whose labels match one of the PV's required
// terms (terms ORed, requirements ANDed: component-helpers storage/volume/helpers.go
// CheckNodeAffinity, in the VolumeBinding filter), and the operator's claims carry no node of their
// own (Mount.BuildPVC). pv-target-binding checkVolumeShape asks a node's disk to "pin exactly one
// node with kubernetes.io/hostname", but counts the hostnames named across all terms
// (k8s.ts pinnedHostnames), not the nodes the terms admit:
// - `hostname In [node-1]` OR `zone In [z1]`: one hostname named, so admitted, yet the target may be
//   placed on any node of z1, where /ais/sda is another disk (or none): the target follows no disk;
// - `hostname In [node-1]` AND `disk In [nvme]`, node-1 without that label: admitted, yet no Node
//   matches, and the target's pod stays Pending ("node(s) didn't match PersistentVolume's node
//   affinity") until node-1 gets the label.
// The guard's own node for such a PV (ClusterContext.pvHost) is none in both cases.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv } from '../support/builders.js';
import { judgeCreate, messagesText, SIDES } from '../support/sides.js';

const ZONE = 'topology.kubernetes.io/zone';
const nodes = [node('node-1', { [ZONE]: 'z1' }), node('node-2', { [ZONE]: 'z1' })];
const cr = aistore({ size: 2, disable: true });
type Terms = { matchExpressions: Record<string, unknown>[] }[];
const withTerms = (edit: (terms: Terms) => void): KubeObject => {
  const volume = structuredClone(
    pv('pv-0', { claim: claimName(0), host: 'node-1', path: '/ais/sda', local: true }),
  ) as KubeObject & { spec: { nodeAffinity: { required: { nodeSelectorTerms: Terms } } } };
  edit(volume.spec.nodeAffinity.required.nodeSelectorTerms);
  return volume;
};
const text = messagesText;

describe.each(SIDES)('local target PV terms (%s)', (_side, side) => {
  it('hostname node-1 OR zone z1: the target may run on node-2, away from its disk: denied', () => {
    const loose = withTerms((terms) =>
      terms.push({ matchExpressions: [{ key: ZONE, operator: 'In', values: ['z1'] }] }),
    );
    const ev = judgeCreate(side, loose, [...nodes, cr]);
    expect(ev.allowed).toBe(false);
    expect(text(ev)).toMatch(/pv-target-binding deny: PV pv-0 .*node/);
  });

  it('hostname node-1 AND disk=nvme, which node-1 lacks: no node matches, the target stays Pending: warned', () => {
    const none = withTerms((terms) =>
      terms[0]?.matchExpressions.push({ key: 'disk', operator: 'In', values: ['nvme'] }),
    );
    const ev = judgeCreate(side, none, [...nodes, cr]);
    expect(text(ev)).toMatch(/pv-target-binding (warn|deny): PV pv-0 .*disk/);
  });

  it('control: hostname node-1 AND zone z1, which node-1 has: on node-1, nothing said of its node', () => {
    const tight = withTerms((terms) =>
      terms[0]?.matchExpressions.push({ key: ZONE, operator: 'In', values: ['z1'] }),
    );
    const ev = judgeCreate(side, tight, [...nodes, cr]);
    expect(ev.allowed).toBe(true);
    expect(text(ev)).not.toMatch(/pv-0/);
  });
});
