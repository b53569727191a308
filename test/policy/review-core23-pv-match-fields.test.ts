// review core23: a target PV pinned to its node only by `matchFields: metadata.name` is accepted.
//
// Defect: pinnedHostnames (src/policy/k8s.ts) takes `matchFields [{key: metadata.name, operator: In}]`
// as pinning the PV to that node, so pv-target-binding admits such a PV and target-disk-binding even
// patches the target pod with `kubernetes.io/hostname In [<that name>]`.
//
// Why it matters: Kubernetes matches a PV's node affinity against the node's LABELS only:
// k8s.io/component-helpers v0.36.3 storage/volume/helpers.go:68 CheckNodeAffinity builds
// `&v1.Node{ObjectMeta: {Labels: nodeLabels}}` (no name) before MatchNodeSelectorTerms, and both the
// scheduler's VolumeBinding plugin (kubernetes v1.36.3 pkg/scheduler/framework/plugins/volumebinding/
// binder.go:859, checkBoundClaims) and the kubelet before mounting (pkg/volume/util/operationexecutor/
// operation_generator.go:2170) call it; v1.33.13 is the same. That Node has no name, so
// nodeaffinity.go nodeSelectorTerm.match skips the term's matchFields (`len(nodeFields) > 0`): the
// metadata.name requirement is not read, and a term of matchFields only admits every node
// (corrected in review fresh27: an earlier version of this note said it matches no node; either way
// the name pins nothing, and rancher/local-path-provisioner#451 went back to the hostname label).
// The target whose claim is pre-bound to that PV goes wherever the scheduler puts it, not to its
// disk's node (a local PV's path is then missing or another node's), while the guard let the PV in
// and said nothing: an allow of a layout that breaks. The guard's own deny message already says the
// PV "must pin exactly one node with kubernetes.io/hostname".
//
// Expected: pv-target-binding denies such a PV (as it denies a PV with no hostname pin), and the
// target pod is not patched with a hostname taken from a node-name field.
// Operator: the operator leaves binding to the StatefulSet's claims (target/volumes.go newTargetPVCs,
// Mount.BuildPVC): only the PV's node affinity ties a target to its disk.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, findingsOf, node, pv, run, targetPod } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

/** A hand-made target PV pinned by `matchFields metadata.name In [host]` and nothing else. */
function pinnedByName(name: string, claim: string, host: string, path: string): KubeObject {
  const volume = pv(name, { claim, host: null, path, local: true }) as KubeObject & {
    spec: Record<string, unknown>;
  };
  volume.spec.nodeAffinity = {
    required: {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [host] }] }],
    },
  };
  return volume;
}

const cr = aistore({ size: 2, disable: true });
const disks = [
  pinnedByName('pv-sda', claimName(0), 'node-1', '/ais/sda'),
  pinnedByName('pv-sdb', claimName(1), 'node-1', '/ais/sdb'),
];

describe('review core23: PV node affinity by matchFields metadata.name', () => {
  it('denies a target PV whose only node pin is matchFields (the volume binder and kubelet do not read it)', () => {
    const ev = run({
      name: 'pv',
      object: disks[0] as KubeObject,
      context: [cr, disks[1] as KubeObject, node('node-1'), node('node-2')],
    });
    const denies = findingsOf(ev, 'pv-target-binding').filter((f) => f.severity === 'deny');
    expect(denies.map((f) => f.path)).toContain('/spec/nodeAffinity');
  });

  it('does not pin the target pod to a hostname label taken from a PV node-name field', () => {
    const ev = run({
      name: 'pod',
      object: targetPod({ ordinal: 0 }),
      context: [cr, ...disks, node('node-1'), node('node-2')],
    });
    expect(ev.patch).toEqual([]);
  });
});
