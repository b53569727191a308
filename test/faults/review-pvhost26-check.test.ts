// review pvhost26: `ais-guard check` on one manifest set, written twice: three Nodes (each with
// kubernetes.io/hostname and openebs.io/nodename = its name), two hand-made OpenEBS LVM PVs for
// ais-target-0 and ais-target-1 both pinned to node-1, and a 2-target CR with targetSpec.hostPort and
// anti-affinity left on. The scheduler places both pods on node-1 only (component-helpers
// storage/volume/helpers.go CheckNodeAffinity in the VolumeBinding filter: the PV's terms against the
// Node's labels, whatever the key), so ais-target-1 stays Pending (anti-affinity, and the host port).
// Pinned by kubernetes.io/hostname: 3 denied, exit 1. Pinned by openebs.io/nodename: "0 denied, 0
// with warnings", exit 0 — the layout sees no shared node (layout.ts targetVolumeOf: pvHostname only)
// and pv-target-binding checkVolume returns before warnKeptApart for a pathless PV outside a
// multi-target layout, so not even the PVs are warned of.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

function manifests(key: string): string {
  const nodes = [1, 2, 3].map(
    (n) => `apiVersion: v1
kind: Node
metadata: {name: node-${n}, labels: {kubernetes.io/hostname: node-${n}, openebs.io/nodename: node-${n}}}`,
  );
  const pvs = [0, 1].map(
    (t) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: lv-${t}}
spec:
  storageClassName: ais-local-storage
  capacity: {storage: 5Ti}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  csi: {driver: local.csi.openebs.io, volumeHandle: lv-${t}, fsType: xfs}
  claimRef: {namespace: ais, name: ais-data-aistore-ais-target-${t}}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: ${key}, operator: In, values: [node-1]}]`,
  );
  const cr = `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata: {name: ais, namespace: ais}
spec:
  nodeImage: aistorage/aisnode:v3.30
  proxySpec: {size: 1, servicePort: 51080}
  targetSpec:
    size: 2
    servicePort: 51081
    hostPort: 51081
    mounts: [{path: /data/aistore, size: 5Ti, storageClass: ais-local-storage}]`;
  return [...nodes, ...pvs, cr].join('\n---\n') + '\n';
}

describe('review pvhost26: check, two targets on node-1 by a topology-key CSI PV', () => {
  it.each(['kubernetes.io/hostname', 'openebs.io/nodename'])('PVs pinned by %s: denied, exit 1', (key) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-pvhost26-')), 'set.yaml');
    writeFileSync(file, manifests(key));
    const out = runCli(['check', file]);
    expect(out.stdout).toMatch(/DENY {2}target-host-port/);
    expect(out.stdout).toMatch(/6 object\(s\) checked: 3 denied/);
    expect(out.status).toBe(1);
  });
});
