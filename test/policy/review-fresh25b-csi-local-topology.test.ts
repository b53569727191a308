// review fresh25b: since 70296ec pv-target-binding asks for one kubernetes.io/hostname only of a
// local/hostPath PV; a CSI PV "follows its target". But a node-local CSI volume made by hand (OpenEBS
// LVM LocalPV static provisioning: a PV for a pre-created LV, pinned by the driver's own topology key
// `openebs.io/nodename`) does not follow anything: the scheduler admits only the nodes its
// nodeAffinity selects (component-helpers storage/volume/helpers.go CheckNodeAffinity, the
// VolumeBinding filter). The guard then derives no host for it at all (k8s.ts pinnedHostnames reads
// kubernetes.io/hostname only), so its one-node-per-target check (checkVolumeClashes: "the disks of
// <target> are on two nodes") never sees it, though the Nodes in the context say which node the key
// selects.
//
// Layout (multi-target CR, two mounts): target-0's /data/a on an LVM PV pinned to node-1 by
// openebs.io/nodename, its /data/b on a local PV pinned to node-2 by hostname. The operator asks for
// both claims in one pod (target/volumes.go newTargetPVCs), so ais-target-0 can never be scheduled
// ("node(s) had volume node affinity conflict"). Before 70296ec the LVM PV was refused (no hostname);
// now both PVs are admitted and the target stays Pending with no word from the guard. The same layout
// with the LVM PV pinned by kubernetes.io/hostname is denied.
// Expected: the same deny as with a hostname pin (resolve a node-local CSI PV's required terms against
// the known Nodes, or keep refusing a PV whose node the guard cannot tell in such a layout).
import { describe, expect, it } from '@jest/globals';
import { aistore, node, pv, run } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const KEY = 'openebs.io/nodename';
const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(n, { [KEY]: n }));

const cr: KubeObject = (() => {
  const o = aistore({ disable: true });
  (o.spec as { targetSpec: Record<string, unknown> }).targetSpec.mounts = [
    { path: '/data/a', size: '1Ti', storageClass: 'ais-local-storage' },
    { path: '/data/b', size: '1Ti', storageClass: 'ais-local-storage' },
  ];
  return o;
})();

const lvmPv = (key: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'lvm-a0' },
  spec: {
    storageClassName: 'ais-local-storage',
    capacity: { storage: '1Ti' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Retain',
    csi: { driver: 'local.csi.openebs.io', volumeHandle: 'pvc-lv-a0', fsType: 'xfs' },
    claimRef: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: 'ais',
      name: 'ais-data-a-ais-target-0',
    },
    nodeAffinity: {
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: ['node-1'] }] }] },
    },
  },
});

const localB0 = pv('local-b0', {
  claim: 'ais-data-b-ais-target-0',
  host: 'node-2',
  local: true,
  capacity: '1Ti',
});

const denies = (object: KubeObject, other: KubeObject) =>
  run({ name: 'x', object, context: [cr, other, ...nodes] })
    .findings.filter((f) => f.severity === 'deny')
    .map((f) => f.message);

describe("review fresh25b: a node-local CSI PV pinned by its driver's topology key", () => {
  it('baseline: pinned by kubernetes.io/hostname, the two-node target is denied', () => {
    expect(denies(localB0, lvmPv('kubernetes.io/hostname'))).toEqual([
      expect.stringMatching(/the disks of ais-target-0 are on two nodes/),
    ]);
  });

  it('pinned by openebs.io/nodename (node-1 by the Node labels): the same deny', () => {
    expect(denies(localB0, lvmPv(KEY))).toEqual([
      expect.stringMatching(/the disks of ais-target-0 are on two nodes/),
    ]);
  });
});
