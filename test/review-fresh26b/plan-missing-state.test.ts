// review fresh26b: `plan --diff PATH --missing` promises PVs "planned around the existing PVs, so they
// pass `check` beside them" (docs/plan.md). With spec.stateStorage.pvc the targets also claim a state
// volume, and plan itself tells the user to "create those PVs on each target's node". A state PV that
// exists is in the --diff input, but keep.ts (keepTarget/placeAround) looks at data claims only
// (dataClaimName): the state PV of ais-target-0 on storage-node-03 does not pin target-0, so its data
// PV is planned on storage-node-01. The pod needs both its claims on one node (the scheduler's
// VolumeBinding filter), and `check` denies the printed PV beside the existing state PV
// (pv-target-binding: "the disks of ais-target-0 are on two nodes"). Exit 0, no warning.
// Fix: src/plan/keep.ts keepTarget: take the node of an existing state PV of the target (claim
// stateClaimName) as the node the target keeps, as a data PV's node is.
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
  storageClassName: manual
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: ais, name: ais-ais-state-ais-target-0}
  local: {path: /var/st0}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [storage-node-03]}
`;

/** `plan --diff <state PV> --missing` of a 2-target CR with state claims, in a fresh directory. */
async function planBeside(statePv: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fresh26b-'));
  const cr = join(dir, 'cr.yaml');
  writeFileSync(
    cr,
    readFileSync(join(HERE, 'ais-6-targets.yaml'), 'utf8')
      .replace('size: 6', 'size: 2')
      .replace('    hostPath:\n      prefix: /etc/ais', '    pvc:\n      storageClass: manual'),
  );
  const state = join(dir, 'state.yaml');
  writeFileSync(state, statePv);
  const planned = await cli([
    'plan',
    '--disks',
    join(HERE, 'disks-3x4.yaml'),
    cr,
    '--diff',
    state,
    '--missing',
  ]);
  return { dir, cr, state, planned };
}

describe('review fresh26b: plan --missing beside an existing state PV', () => {
  it('the printed data PV of a target whose state PV exists passes check beside it', async () => {
    const { dir, cr, state, planned } = await planBeside(STATE_PV);
    expect(planned.code).toBe(0);
    const added = join(dir, 'added.yaml');
    writeFileSync(added, planned.stdout);
    const check = await cli(['check', cr, state, added]);
    expect(check.stdout).not.toMatch(/DENY/);
  });

  it('a state PV on a node the disk map does not list: the target is planned elsewhere, and told', async () => {
    const { planned } = await planBeside(STATE_PV.replace('storage-node-03', 'storage-node-99'));
    expect(planned.code).toBe(0);
    expect(planned.stderr).toMatch(
      /ais-target-0 is planned on other disks: its PVs are on node storage-node-99, .*its existing PVs do not serve it/,
    );
  });
});
