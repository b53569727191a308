// review fresh28: `plan --diff PATH --missing` promises PVs "planned around the existing PVs, so they
// pass `check` beside them" (docs/plan.md), and 01531f4 made a state PV that is no disk of the map
// (a CSI volume) pin its target's node. But keep.ts existingDisks reads a PV's node with k8s.ts
// pvHostname (kubernetes.io/hostname terms only) and skips a PV without one, where the policy reads it
// with ClusterContext.pvHost, which also takes a node-local CSI driver's topology key pinned to one
// known Node (OpenEBS LVM: openebs.io/nodename; context.ts termNodeHost). Given the cluster's Nodes in
// the --diff input (as `kubectl get nodes,pv -o yaml` gives them), an OpenEBS LVM state PV of
// ais-target-0 on storage-node-03 does not pin target-0: its data PV is planned on storage-node-01,
// exit 0 and no warning, and `check` of the same objects denies the printed PV ("the disks of
// ais-target-0 are on two nodes"). The scheduler's VolumeBinding filter (CheckNodeAffinity over the
// Node's labels, whatever the key) indeed puts the pod only where every claim's PV is.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const HERE = new URL('../plan/fixtures/', import.meta.url).pathname;

const STATE_PV = `apiVersion: v1
kind: PersistentVolume
metadata: {name: st0}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: lvm
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: ais, name: ais-ais-state-ais-target-0}
  csi: {driver: local.csi.openebs.io, volumeHandle: pvc-st0}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: openebs.io/nodename, operator: In, values: [storage-node-03]}
`;

const NODES = ['01', '02', '03']
  .map(
    (n) => `---
apiVersion: v1
kind: Node
metadata:
  name: storage-node-${n}
  labels: {kubernetes.io/hostname: storage-node-${n}, openebs.io/nodename: storage-node-${n}}
`,
  )
  .join('');

describe('review fresh28: plan --missing beside a node-local CSI state PV', () => {
  it('the printed data PV of target-0 is on its state PV node and passes check beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh28-'));
    const cr = join(dir, 'cr.yaml');
    writeFileSync(
      cr,
      readFileSync(join(HERE, 'ais-6-targets.yaml'), 'utf8')
        .replace('size: 6', 'size: 2')
        .replace('    hostPath:\n      prefix: /etc/ais', '    pvc:\n      storageClass: lvm'),
    );
    const existing = join(dir, 'existing.yaml');
    writeFileSync(existing, STATE_PV + NODES);
    // control: the existing objects alone pass check
    expect((await cli(['check', cr, existing])).stdout).not.toMatch(/DENY/);
    const planned = await cli([
      'plan',
      '--disks',
      join(HERE, 'disks-3x4.yaml'),
      cr,
      '--diff',
      existing,
      '--missing',
    ]);
    expect(planned.code).toBe(0);
    const added = join(dir, 'added.yaml');
    writeFileSync(added, planned.stdout);
    const check = await cli(['check', cr, existing, added]);
    expect(check.stdout).not.toMatch(/DENY/);
  });
});
