// review fresh27: a Node whose name is not its kubernetes.io/hostname label (kubelet
// --hostname-override, or a cloud's node name: metadata.name node-1.example.com, label node-1). A PV
// pins it as the scheduler matches it, by the label: `kubernetes.io/hostname In [node-1]`; the guard
// reads that host ("node-1") as the PV's node (ctx.pvHost, and nodeOfHost finds the Node by its label).
// A target pod bound to that Node carries spec.nodeName node-1.example.com (the Node's *name*: the
// scheduler's binding, pods/binding target.name). target-disk-binding bindPod compares
// `nodeName !== host`, a Node name against a hostname label value, and warns "target pod
// ais-target-0 is on node node-1.example.com, but its disks are on node-1 (...): it does not run on
// them", with the fix "Delete pod ais-target-0". The pod runs on its disks; audit reports every such
// live target and tells the user to delete it.
// Fix: target-disk-binding.ts bindPod: compare nodeName with the name of ctx.nodeOfHost(host) (the
// Node the host label names) when it is known, not with the label value.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run, targetPod } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const overridden: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1.example.com', labels: { 'kubernetes.io/hostname': 'node-1' } },
};
const disk = pv('pv-d0', { claim: claimName(0), host: 'node-1', path: '/ais/d0' });

describe('review fresh27: a target pod on its disks node, whose name differs from its hostname label', () => {
  it('is not told it runs elsewhere', () => {
    const pod = targetPod({});
    (pod.spec as Record<string, unknown>).nodeName = 'node-1.example.com';
    const ev = run({ name: 'pod', object: pod, context: [overridden, node('node-2'), aistore({}), disk] });
    expect(ev.findings.map((f) => f.message)).not.toContainEqual(
      expect.stringMatching(/does not run on them/),
    );
  });
});
