// Review plan26: a target nodeSelector that pins kubernetes.io/hostname to a node the disk map DOES
// list, together with a required node affinity that rules that node out (the operator copies both onto
// the target pods: target/statefulset.go, NodeSelector and createTargetAffinity; the scheduler needs
// both, so no node fits). `plan` refuses (right), but says the pinned node is not in the disk map
// (plan.ts usableNodes: the message is chosen by `typeof pinned === 'string'` alone), which is false:
// the user is sent to edit a disk map that is already correct.
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
    disablePodAntiAffinity: true
    servicePort: 51081
    portPublic: 51081
    portIntraControl: 51082
    portIntraData: 51083
    nodeSelector: {kubernetes.io/hostname: n2}
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
            - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [n1]}]
    mounts:
      - {path: /data/aistore, size: 5Ti, storageClass: ais-local}
`;

const DISKS = `n1:
  - {path: /mnt/a, size: 8Ti}
  - {path: /mnt/b, size: 8Ti}
n2:
  - {path: /mnt/a, size: 8Ti}
  - {path: /mnt/b, size: 8Ti}
`;

describe('plan: nodeSelector and node affinity that exclude each other (review plan26)', () => {
  it('does not claim the pinned node is missing from a disk map that lists it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan26-'));
    writeFileSync(join(dir, 'cr.yaml'), CR);
    writeFileSync(join(dir, 'disks.yaml'), DISKS);
    const r = await cli(['plan', '--disks', join(dir, 'disks.yaml'), join(dir, 'cr.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/n2, which the disk map does not list/);
    // The reason is the required node affinity, which rules out n2, the one node the selector allows.
    expect(r.stderr).toMatch(/affinity/);
  });
});
