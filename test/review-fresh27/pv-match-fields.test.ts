// review fresh27: a local PV whose one node-selector term pins node-1 twice over, by label and by name:
//   matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-1]}]
//   matchFields:      [{key: metadata.name, operator: In, values: [node-1]}]
// (valid: core validation accepts matchFields metadata.name In with one value on a PV). Kubernetes
// judges a PV's node affinity with CheckNodeAffinity (component-helpers storage/volume/helpers.go),
// which builds a Node from the labels alone (no name), and corev1.MatchNodeSelectorTerms ->
// nodeaffinity.LazyErrorNodeSelector.Match reads its fields with extractNodeFields (empty for a
// nameless Node); nodeSelectorTerm.match then skips matchFields altogether
// (`t.matchFields != nil && len(nodeFields) > 0 && ...`). The term admits node-1 by its label: the
// scheduler's VolumeBinding filter (volume.CheckNodeAffinity(pv, node.Labels)) puts both targets'
// pods on node-1, on one disk.
// The guard drops every term with matchFields (k8s.ts pvLabelTerms: "a term asking for matchFields
// matches none"), so ctx.pvHost gives no node and pv-target-binding judges no clash: two target PVs
// on node-1:/mnt/a pass with no finding at all, where the same PVs without the redundant matchFields
// are denied ("use the same disk node-1:/mnt/a"). (Had matchFields matched no node, as the comment
// says, each PV would admit no node and strand its target for good: no finding is wrong either way.)
// Fix: k8s.ts pvLabelTerms / context.ts pvHost: judge a PV's term by its matchExpressions alone, as
// nodeSelectorTerm.match does for a nameless Node (a term with matchFields only then admits every
// node); checkVolumeShape's "matchFields matches no node" message follows.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const cr = aistore({});
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n));

function alsoByName(volume: KubeObject, host: string): KubeObject {
  const copy = structuredClone(volume) as KubeObject & {
    spec: { nodeAffinity: { required: { nodeSelectorTerms: Record<string, unknown>[] } } };
  };
  copy.spec.nodeAffinity.required.nodeSelectorTerms[0]!.matchFields = [
    { key: 'metadata.name', operator: 'In', values: [host] },
  ];
  return copy;
}

const a = pv('pv-a', { claim: claimName(0), host: 'node-1', path: '/mnt/a', local: true });
const b = pv('pv-b', { claim: claimName(1), host: 'node-1', path: '/mnt/a', local: true });

const denies = (ev: ReturnType<typeof run>) =>
  ev.findings.filter((f) => f.severity === 'deny').map((f) => f.message);

describe('review fresh27: a PV term with matchFields beside its hostname requirement', () => {
  it('control: two target PVs on node-1:/mnt/a are denied', () => {
    expect(denies(run({ name: 'b', object: b, context: [...nodes, cr, a] }))).toContainEqual(
      expect.stringMatching(/same disk node-1:\/mnt\/a/),
    );
  });

  it('the same PVs, each also naming node-1 by matchFields, are denied too', () => {
    const ev = run({
      name: 'b',
      object: alsoByName(b, 'node-1'),
      context: [...nodes, cr, alsoByName(a, 'node-1')],
    });
    expect(denies(ev)).toContainEqual(expect.stringMatching(/node-1/));
  });
});
