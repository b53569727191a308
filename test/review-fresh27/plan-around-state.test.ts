// review fresh27: plan --diff ... --missing after fe997f2 (keep.ts keepTarget counts the target's
// state PV among its PVs). docs/plan.md promises the printed PVs are "planned around the existing
// PVs, so they pass `check` beside them". Two ways the state PV now leads plan astray:
//
// 1. A state PV Released by an earlier life (claimRef uid of its deleted claim, phase Released) on
//    node-3, beside ais-target-0's live data PV d0a (mount /data/a) on node-2. The policy ignores a PV
//    held by a deleted claim's uid (layout.ts targetVolumes: claimGone), as Kubernetes does (it binds
//    no new claim: pv_controller syncVolume): the target runs on node-2. keep.ts existingDisks takes
//    every PV with a node and a path, Released or not, so keepTarget finds ais-target-0's PVs "on 2
//    nodes (node-2, node-3)", moves the target and prints its /data/b PV on node-1; check denies it
//    beside d0a ("the disks of ais-target-0 are on two nodes"). Before fe997f2 the target stayed on
//    node-2.
// 2. A hand-made state PV that is not a local or hostPath disk (a CSI volume pinned by
//    kubernetes.io/hostname In [node-3]): existingDisks skips PVs without a path, so the state PV
//    pins nothing and ais-target-0's data PVs are printed on node-1; check (ctx.pvHost reads the
//    node of any PV) denies them beside the state PV.
// Fix: keep.ts existingDisks: leave out PVs held by a deleted claim's uid (claimGone) when choosing
// a claim's PV, and take a pathless PV's node for keepTarget's node choice (it holds no disk of the
// map, but pins the pod).
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
  stateStorage:
    pvc: {storageClass: manual}
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

const pv = (name: string, claim: string, source: string, host: string, extra = '') => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: ${claim.includes('state') ? '1Gi' : '2Ti'}}
  accessModes: [ReadWriteOnce]
  storageClassName: ${claim.includes('state') ? 'manual' : 'ais-local-storage'}
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: ais, name: ${claim}${extra}}
  ${source}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [${host}]}
`;

const STATE = 'ais-ais-state-ais-target-0';
const D0A = pv('d0a', 'ais-data-a-ais-target-0', 'local: {path: /mnt/a}', 'node-2');

/** plan --missing around `existing`, then check of the CR, the existing PVs and the printed ones. */
async function planThenCheck(existing: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fresh27-'));
  const files = { cr: join(dir, 'cr.yaml'), disks: join(dir, 'disks.yaml'), existing: join(dir, 'pvs.yaml') };
  writeFileSync(files.cr, CR);
  writeFileSync(files.disks, DISKS);
  writeFileSync(files.existing, existing);
  const planned = await cli([
    'plan',
    '--disks',
    files.disks,
    files.cr,
    '--diff',
    files.existing,
    '--missing',
  ]);
  expect(planned.code).toBe(0);
  const added = join(dir, 'added.yaml');
  writeFileSync(added, planned.stdout);
  return cli(['check', files.cr, files.existing, added]);
}

describe('review fresh27: plan --missing beside state PVs', () => {
  it('control: the existing PVs alone pass check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh27-'));
    writeFileSync(join(dir, 'cr.yaml'), CR);
    writeFileSync(
      join(dir, 'pvs.yaml'),
      `${pv('st0-old', STATE, 'local: {path: /var/st0}', 'node-3', ', uid: 0d1e2f')}status: {phase: Released}\n---\n${D0A}`,
    );
    const check = await cli(['check', join(dir, 'cr.yaml'), join(dir, 'pvs.yaml')]);
    expect(check.stdout).not.toMatch(/DENY/);
  });

  it("a Released state PV of an earlier life does not move a target off its live data PV's node", async () => {
    const released = `${pv('st0-old', STATE, 'local: {path: /var/st0}', 'node-3', ', uid: 0d1e2f')}status: {phase: Released}\n`;
    const check = await planThenCheck(`${released}---\n${D0A}`);
    expect(check.stdout).not.toMatch(/DENY/);
  });

  it('a state PV without a local path (a CSI volume pinned by hostname) keeps its target on its node', async () => {
    const csi = pv('st0', STATE, 'csi: {driver: local.csi.example.com, volumeHandle: st0}', 'node-3');
    const check = await planThenCheck(csi);
    expect(check.stdout).not.toMatch(/DENY/);
  });
});
