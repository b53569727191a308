// Review plan26: the disk map accepts any node name that is a DNS-1123 subdomain, up to 253 characters
// (diskmap.ts SUBDOMAIN), and the plan pins each PV with `kubernetes.io/hostname In [<node name>]`.
// The apiserver validates a new PV's required node affinity values as label values (core validation
// validateVolumeNodeAffinity -> ValidateNodeSelector with AllowInvalidLabelValueInRequiredNodeAffinity
// false unless the old PV already had one: ValidationOptionsForPersistentVolume): at most 63
// characters. A 70-character node name gives a PV the apiserver refuses ("must be no more than 63
// characters"), and no Node can carry such a kubernetes.io/hostname label anyway; plan exits 0.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';

const CR = new URL('../plan/fixtures/ais-6-targets.yaml', import.meta.url).pathname;
const LONG = `storage-node-${'a'.repeat(57)}`; // 70 characters, a valid node name (DNS subdomain)
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('plan: a node name longer than a label value (review plan26)', () => {
  it('never writes a hostname value the apiserver refuses', async () => {
    expect(LONG).toHaveLength(70);
    const dir = mkdtempSync(join(tmpdir(), 'plan26-'));
    const disks = join(dir, 'disks.yaml');
    const lines = [`${LONG}:`];
    for (const d of ['a', 'b', 'c', 'd', 'e', 'f']) lines.push(`  - {path: /mnt/sd${d}, size: 8Ti}`);
    writeFileSync(disks, lines.join('\n') + '\n');
    const r = await cli(['plan', '--disks', disks, CR]);
    if (r.code === 0) {
      const values = YAML.parseAllDocuments(r.stdout).flatMap(
        (d) =>
          (
            d.toJS() as {
              spec: {
                nodeAffinity: {
                  required: { nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[] };
                };
              };
            }
          ).spec.nodeAffinity.required.nodeSelectorTerms[0]!.matchExpressions[0]!.values,
      );
      for (const v of values) {
        expect(v.length).toBeLessThanOrEqual(63);
        expect(v).toMatch(LABEL_VALUE);
      }
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(LONG));
    }
  });
});
