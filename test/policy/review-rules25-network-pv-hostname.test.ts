// review rules25: in a multi-target layout, a PV pre-bound to a target claim whose disk is not on a
// node (a network or cloud volume: NFS, a CSI block volume zone-pinned by its driver) is denied for
// not pinning exactly one kubernetes.io/hostname, although Kubernetes and the operator need no such
// pin and the same PV passes in a one-target-per-node layout.
//
// Defect: pv-target-binding checkVolumeShape() demands `hosts.length === 1` of every target PV once
// the layout is multi-target, whatever the PV's source. The pin only matters for a disk that lives
// on one node (`local`, `hostPath`): "the target must follow its disk". A network volume follows the
// target instead: the attach/detach controller attaches an EBS/CSI volume to whatever node the pod
// is scheduled on (within the zone its driver's nodeAffinity names), and an NFS volume has no node
// at all. The operator asks only for one ReadWriteOnce claim per (target, mount) with the mount's
// class and size (Mount.BuildPVC, api/aistore/v1beta1/aistore_types.go; newTargetPVCs,
// internal/resources/aistore/target/volumes.go) and never looks at the PV; Kubernetes binds a
// claimRef-pinned PV whatever its nodeAffinity (component-helpers storage/volume/pv_helpers.go
// FindMatchingVolume), and the scheduler's VolumeBinding filter accepts any node the PV's
// nodeAffinity admits (CheckNodeAffinity) -- for NFS, every node.
//
// Impact: a user running several targets per (large) node on cloud block storage or NFS, each
// target with its own pre-bound volume (the claimRef recipe of docs/rules.md), is refused every PV,
// with a fix (pin a hostname) that would tie a movable cloud volume to one node. Without
// disablePodAntiAffinity the very same PVs are admitted.
// Expected: no "must pin exactly one node" deny for a PV whose source is not node-local; the check
// stays for local/hostPath PVs (pv-target-binding.test.ts 'no node affinity').
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, findingsOf, node, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const nodes = [node('node-1'), node('node-2'), node('node-3')];

function networkPv(
  name: string,
  ordinal: number,
  source: Record<string, unknown>,
  affinity?: unknown,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      storageClassName: 'ais-local-storage',
      capacity: { storage: '5Ti' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      ...source,
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: 'ais',
        name: claimName(ordinal),
      },
      ...(affinity !== undefined && { nodeAffinity: affinity }),
    },
  };
}

const ebs = networkPv(
  'ebs-0',
  0,
  { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0a1b2c3d', fsType: 'xfs' } },
  {
    required: {
      nodeSelectorTerms: [
        {
          matchExpressions: [
            { key: 'topology.ebs.csi.aws.com/zone', operator: 'In', values: ['us-east-1a'] },
          ],
        },
      ],
    },
  },
);
const nfs = networkPv('nfs-1', 1, { nfs: { server: '10.0.0.10', path: '/exports/ais-1' } });

const denies = (object: KubeObject, cr: KubeObject) =>
  findingsOf(run({ name: 'pv', object, context: [cr, ...nodes] }), 'pv-target-binding')
    .filter((f) => f.severity === 'deny')
    .map((f) => f.message);

describe('review rules25: network PVs need no hostname pin in a multi-target layout', () => {
  const oneTargetPerNode = aistore({ size: 2 });
  const multiTarget = aistore({ size: 2, disable: true });

  it('baseline: one target per node, the network PVs pass', () => {
    expect(denies(ebs, oneTargetPerNode)).toEqual([]);
    expect(denies(nfs, oneTargetPerNode)).toEqual([]);
  });

  it('a zone-pinned CSI volume is not refused for lacking a hostname once anti-affinity is off', () => {
    expect(denies(ebs, multiTarget)).toEqual([]);
  });

  it('an NFS volume is not refused for lacking a hostname once anti-affinity is off', () => {
    expect(denies(nfs, multiTarget)).toEqual([]);
  });
});
