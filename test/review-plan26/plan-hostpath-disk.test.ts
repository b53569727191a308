// Review plan26: a CR with a useHostPath mount /mnt/a and a PVC-backed mount. The operator mounts
// hostPath <path>/<ns>/<cr>/target on every target's node (target/volumes.go
// appendHostPathDataVolumes: path.Join(mnt.Path, ais.Namespace, ais.Name, "target")). The disk map
// lists /mnt/a and /mnt/b on n1. `plan` puts ais-target-0's data PV on n1:/mnt/a, the filesystem that
// holds that hostPath directory, which the guard denies (pv-target-binding: "the directory that
// useHostPath mount /mnt/a of AIStore ais writes on every node its targets run on: two targets would
// share one filesystem"), i.e. the webhook refuses the PV; plan exits 0 with a warning, though
// /mnt/b on n1 is free and passes. The plan already keeps off disks any existing PV nests with
// (keep.ts isFree); the CR's own hostPath directories are not considered (assign.ts / plan.ts).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const CR = `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata: {name: ais, namespace: ais}
spec:
  nodeImage: docker.io/aistorage/aisnode:v3.30
  initImage: docker.io/aistorage/ais-init:v3.30
  stateStorage: {hostPath: {prefix: /etc/ais}}
  proxySpec: {size: 1, servicePort: 51080, portPublic: 51080, portIntraControl: 51082, portIntraData: 51083}
  targetSpec:
    size: 2
    servicePort: 51081
    portPublic: 51081
    portIntraControl: 51082
    portIntraData: 51083
    mounts:
      - {path: /mnt/a, useHostPath: true, size: 1Ti}
      - {path: /data/aistore, size: 5Ti, storageClass: ais-local}
`;
const DISKS = `n1:
  - {path: /mnt/a, size: 8Ti}
  - {path: /mnt/b, size: 8Ti}
n2:
  - {path: /mnt/b, size: 8Ti}
  - {path: /mnt/a, size: 8Ti}
`;
const NODES = `apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
---
apiVersion: v1
kind: Node
metadata: {name: n2, labels: {kubernetes.io/hostname: n2}}
`;

describe("plan: a disk holding the CR's own useHostPath directory (review plan26)", () => {
  it('plans the data PVs on disks the guard admits when such disks exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan26-'));
    const [cr, disks, nodes, pvs] = ['cr.yaml', 'disks.yaml', 'nodes.yaml', 'pvs.yaml'].map((f) =>
      join(dir, f),
    );
    writeFileSync(cr!, CR);
    writeFileSync(disks!, DISKS);
    writeFileSync(nodes!, NODES);
    const plan = await cli(['plan', '--disks', disks!, cr!]);
    expect(plan.code).toBe(0);
    writeFileSync(pvs!, plan.stdout);
    expect(plan.stderr).not.toMatch(/\[pv-target-binding\]/);
    const check = await cli(['check', cr!, pvs!, nodes!]);
    expect(check.stdout).not.toMatch(/DENY/);
  });
});
