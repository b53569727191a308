// review rules25: a mount with a `selector` (label-based mount) is treated as served by the local
// static provisioner's free disks of its class even when none of those disks carries the labels the
// selector asks for, so the guard stays silent about target claims that can never bind.
//
// Defect: target-disk-binding leftToFreeDisks() (and ClusterContext.hasFreeDiscoveredDisk) asks
// only whether a free provisioner disk of the mount's storageClass exists. The operator copies the
// mount's selector into the volumeClaimTemplate (Mount.BuildPVC, api/aistore/v1beta1/aistore_types.go:
// `Selector: m.Selector`; newTargetPVCs, internal/resources/aistore/target/volumes.go), so every
// target claim carries it. For a claim that is not pre-bound, Kubernetes (the PV controller, and the
// scheduler's volume binder for WaitForFirstConsumer classes) skips every Available PV whose labels
// the claim's selector does not match (component-helpers storage/volume/pv_helpers.go
// FindMatchingVolume: `selector != nil && !selector.Matches(labels.Set(volume.Labels))` -> continue).
// The local static provisioner's disks carry only its own labels (storage.kubernetes.io/created-by,
// as the builders' discoveredDisk), so none of them can serve these claims.
//
// Impact: in a multi-target layout the claims and their target pods stay Pending ("didn't find
// available persistent volumes to bind"), and the guard, which otherwise warns "no PV is pre-bound
// to claim ..." / "no PV is known for the claims of target pod ...", says nothing because it assumes
// the scheduler will hand out those free disks.
// Expected: a free provisioner disk counts for a mount only when its labels match the mount's
// selector; here the same warnings as with no free disk at all.
import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  claimName,
  discoveredDisk,
  findingsOf,
  node,
  pv,
  pvc,
  run,
  targetPod,
} from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const SELECTOR = { matchLabels: { 'aistore.nvidia.com/disk': 'data' } };

/** Multi-target CR (anti-affinity off) whose one mount selects its PVs by label. */
const cr: KubeObject = (() => {
  const o = aistore({ disable: true });
  const targetSpec = (o.spec as { targetSpec: Record<string, unknown> }).targetSpec;
  targetSpec.mounts = [
    { path: '/data/aistore', size: '5Ti', storageClass: 'ais-local-storage', selector: SELECTOR },
  ];
  return o;
})();

/** The claim the StatefulSet controller makes from the operator's template: the selector included. */
const claim: KubeObject = (() => {
  const o = pvc(claimName(1));
  (o.spec as Record<string, unknown>).selector = SELECTOR;
  return o;
})();

/** A free disk of the mount's class, published by the local static provisioner, without the label. */
const unlabelledFreeDisk = discoveredDisk({ host: 'node-7', path: '/mnt/disks/sdz', name: 'local-pv-5e1d' });

const warnings = (object: KubeObject, context: KubeObject[]) =>
  findingsOf(run({ name: 'x', object, context }), 'target-disk-binding')
    .filter((f) => f.severity === 'warn')
    .map((f) => f.message);

describe('review rules25: mount selector vs free provisioner disks', () => {
  it('baseline: with no free disk, the claim is warned about', () => {
    expect(warnings(claim, [cr])).toEqual([expect.stringMatching(/no PV is pre-bound to claim/)]);
  });

  it('a free disk the selector cannot match does not silence the claim warning', () => {
    expect(warnings(claim, [cr, unlabelledFreeDisk])).toEqual([
      expect.stringMatching(/no PV is pre-bound to claim/),
    ]);
  });

  it('nor the target pod warning', () => {
    expect(warnings(targetPod({ ordinal: 1 }), [cr, unlabelledFreeDisk])).toEqual([
      expect.stringMatching(/no PV is known for the claims of target pod ais-target-1/),
    ]);
  });
  // The same on the CR (pv-target-binding coverage: "none is asked for while the local static
  // provisioner has free disks of the mount's class"): target 1's missing PV goes unmentioned.
  it("nor the CR's warning that a target has no PV for the mount", () => {
    const pinned = structuredClone(cr) as KubeObject & { spec: { targetSpec: Record<string, unknown> } };
    pinned.spec.targetSpec.nodeSelector = { 'kubernetes.io/hostname': 'node-7' };
    const pv0 = pv('pv-0', { claim: claimName(0), host: 'node-7', path: '/mnt/a' });
    const warned = (context: KubeObject[]) =>
      findingsOf(run({ name: 'cr', object: pinned, context }), 'pv-target-binding')
        .filter((f) => f.severity === 'warn')
        .map((f) => f.message);
    expect(warned([pv0, node('node-7')])).toEqual([
      expect.stringMatching(/ais-target-1 has no PV for mount/),
    ]);
    expect(warned([pv0, unlabelledFreeDisk, node('node-7')])).toEqual([
      expect.stringMatching(/ais-target-1 has no PV for mount/),
    ]);
  });
});
