// Review plan34: an existing PV pinned to more than one node (kubernetes.io/hostname In [a, b]: a
// scratch hostPath or local PV a pod may use on either) stands on that path of each of those nodes.
// plan --diff read a PV's node as one host only (ctx.pvHost), so such a PV held no disk: the plan
// put targets' PVs on /mnt/sda of both nodes, and `check` of those PVs beside it denied them all
// (pv-target-binding: a free PV on a target's disk), against docs/plan.md ("nothing new is planned
// on a disk any existing PV's path nests with").
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';

const FIXTURES = new URL('../plan/fixtures/', import.meta.url).pathname;
const CR = join(FIXTURES, 'ais-6-targets.yaml');
const DISKS = join(FIXTURES, 'disks-3x4.yaml');

const scratch = {
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'scratch' },
  spec: {
    capacity: { storage: '8Ti' },
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'ais-local-storage',
    local: { path: '/mnt/sda' },
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              {
                key: 'kubernetes.io/hostname',
                operator: 'In',
                values: ['storage-node-01', 'storage-node-02'],
              },
            ],
          },
        ],
      },
    },
  },
};

describe('review plan34: a PV pinned to two nodes holds its disk on both', () => {
  it('plan --missing plans no PV on that path of either node, and check admits the PVs beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-plan34-'));
    const existing = join(dir, 'scratch.yaml');
    writeFileSync(existing, JSON.stringify(scratch));
    const plan = await cli(['plan', '--disks', DISKS, CR, '--diff', existing, '--missing']);
    expect(plan.code).toBe(0);
    const pvs = YAML.parseAllDocuments(plan.stdout).map(
      (d) => d.toJS() as { spec: { local: { path: string }; nodeAffinity: unknown } },
    );
    expect(pvs).toHaveLength(6);
    const where = pvs.map(
      (pv) => `${JSON.stringify(pv.spec.nodeAffinity).match(/storage-node-0\d/)![0]}:${pv.spec.local.path}`,
    );
    expect(where).not.toContain('storage-node-01:/mnt/sda');
    expect(where).not.toContain('storage-node-02:/mnt/sda');
    const planned = join(dir, 'pvs.yaml');
    writeFileSync(planned, plan.stdout);
    const check = await cli(['check', CR, existing, planned]);
    expect(check.stdout).toMatch(/0 denied, 0 with warnings/);
    expect(check.code).toBe(0);
  });
});
