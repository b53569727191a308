// Review plan26: after a scale-out that adds a node, `plan --diff` follows the existing PVs (keep.ts
// placeAround) and lists only the new targets' claims as missing, but it prints a diff, not PVs; the
// only PV manifests `plan` prints come from a plan that ignores what exists. With the new node listed
// first in the map, that plan moves every existing target (ais-target-0 to storage-node-04, …) and
// puts ais-target-5 on storage-node-01:/mnt/sdb, the disk ais-target-3's existing PV stands on. So the
// PVs for the claims --diff calls missing, taken from `plan`'s output, are refused by `check` with the
// existing PVs (pv-target-binding: two claims on one disk), and applying the whole output changes the
// source of existing PVs, which the apiserver refuses (ValidatePersistentVolumeUpdate: the volume
// source is immutable). docs/plan.md's conflicting note even says "apply the planned one".
// Fixed with `plan --diff PATH --missing`: the PVs of the missing claims, planned around the existing
// ones (the invocation below was plain `plan` when the review was written).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';

const HERE = new URL('../plan/fixtures/', import.meta.url).pathname;
const CR6 = join(HERE, 'ais-6-targets.yaml');
const DISKS = readFileSync(join(HERE, 'disks-3x4.yaml'), 'utf8');

describe('plan after a scale-out that adds a node (review plan26)', () => {
  it('the PVs plan prints for the claims --diff calls missing pass check beside the existing PVs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan26-'));
    // Before: 4 targets on the 3 nodes.
    const cr4 = join(dir, 'cr4.yaml');
    writeFileSync(cr4, readFileSync(CR6, 'utf8').replace('size: 6', 'size: 4'));
    writeFileSync(join(dir, 'disks3.yaml'), DISKS);
    const before = await cli(['plan', '--disks', join(dir, 'disks3.yaml'), cr4]);
    expect(before.code).toBe(0);
    const existing = join(dir, 'existing.yaml');
    writeFileSync(existing, before.stdout);
    // After: a fourth node (listed first), 6 targets.
    const disks4 = join(dir, 'disks4.yaml');
    writeFileSync(
      disks4,
      'storage-node-04:\n  - { path: /mnt/sda, size: 8Ti }\n  - { path: /mnt/sdb, size: 8Ti }\n' + DISKS,
    );
    const diff = await cli(['plan', '--disks', disks4, CR6, '--diff', existing, '-o', 'json']);
    expect(diff.code).toBe(1);
    const missing = (JSON.parse(diff.stdout) as { missing: { claim: string }[] }).missing.map((m) => m.claim);
    expect(missing).toEqual(['ais/ais-data-aistore-ais-target-4', 'ais/ais-data-aistore-ais-target-5']);
    // The manifests `plan` prints for the missing claims (--missing: the plan following the existing
    // PVs, as --diff does); the user applies those.
    const planned = await cli(['plan', '--disks', disks4, CR6, '--diff', existing, '--missing']);
    expect(planned.code).toBe(0);
    const wanted = YAML.parseAllDocuments(planned.stdout)
      .map((d) => d.toJS() as { spec: { claimRef: { namespace: string; name: string } } })
      .filter((pv) => missing.includes(`${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`));
    expect(wanted).toHaveLength(2);
    expect(YAML.parseAllDocuments(planned.stdout)).toHaveLength(2);
    const added = join(dir, 'added.yaml');
    writeFileSync(added, wanted.map((pv) => YAML.stringify(pv)).join('---\n'));
    const check = await cli(['check', CR6, existing, added]);
    expect(check.stdout).not.toMatch(/DENY/);
    expect(check.stdout).toMatch(/0 denied/);
  });
});
