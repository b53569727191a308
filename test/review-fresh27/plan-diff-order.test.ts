// review fresh27: `plan --diff` decides which existing PV stands for a claim by the order the files are
// given. keep.ts existingDisks keeps, per claim, "the PV it is bound to (status Bound) when there is
// one, else the first listed, so the answer does not hang on order" — but with no Bound PV the first
// listed wins. After a node is replaced (node-9 gone), ais-target-0's claim /data/a has its old PV,
// Released (claimRef uid of the deleted claim), on node-9, and its replacement d0a-new, pre-bound, on
// node-2 (pv-target-binding warns it "replaces" the old one; pv-claim-uid: "PV d0a-new is pre-bound to
// that claim now"). Kubernetes binds the new claim to d0a-new only (the old one's uid names a deleted
// claim: IsVolumeBoundToClaim). With `--diff new.yaml --diff old.yaml` plan keeps the target on node-2;
// with `--diff old.yaml --diff new.yaml` it takes the Released PV, finds node-9 missing from the disk
// map, moves ais-target-0 to node-1, and its printed /data/b PV there is denied by check beside d0a-new
// ("the disks of ais-target-0 are on two nodes").
// Fix: keep.ts existingDisks: prefer a PV that can serve its claim (not held by a deleted claim's
// uid, not being deleted: k8s.ts canServeClaim) over one that cannot, before falling back to order.
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
  proxySpec: {size: 1, servicePort: 51080}
  targetSpec:
    size: 2
    disablePodAntiAffinity: true
    servicePort: 51081
    mounts:
      - {path: /data/a, size: 1Ti, storageClass: ais-local-storage}
      - {path: /data/b, size: 1Ti, storageClass: ais-local-storage}
`;

const DISKS = ['node-1', 'node-2', 'node-3']
  .map((n) => `${n}:\n  - {path: /mnt/a, size: 2Ti}\n  - {path: /mnt/b, size: 2Ti}\n`)
  .join('');

const pv = (name: string, host: string, extra: string) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: 2Ti}
  accessModes: [ReadWriteOnce]
  storageClassName: ais-local-storage
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: ais, name: ais-data-a-ais-target-0${extra}}
  local: {path: /mnt/a}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [${host}]}
`;

describe('review fresh27: plan --diff with a Released PV and its replacement for one claim', () => {
  it.each([
    ['replacement listed first', ['new.yaml', 'old.yaml']],
    ['Released PV listed first', ['old.yaml', 'new.yaml']],
  ])('%s: the printed PVs pass check beside both', async (_, order) => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh27-'));
    const at = (f: string) => join(dir, f);
    writeFileSync(at('cr.yaml'), CR);
    writeFileSync(at('disks.yaml'), DISKS);
    writeFileSync(
      at('old.yaml'),
      `${pv('d0a-old', 'node-9', ', uid: 0ld-c1a1m')}status: {phase: Released}\n`,
    );
    writeFileSync(at('new.yaml'), pv('d0a-new', 'node-2', ''));
    const planned = await cli([
      'plan',
      '--disks',
      at('disks.yaml'),
      at('cr.yaml'),
      ...order.flatMap((f) => ['--diff', at(f)]),
      '--missing',
    ]);
    expect(planned.code).toBe(0);
    writeFileSync(at('added.yaml'), planned.stdout);
    const check = await cli(['check', at('cr.yaml'), at('old.yaml'), at('new.yaml'), at('added.yaml')]);
    expect(check.stdout).not.toMatch(/DENY/);
  });
});
