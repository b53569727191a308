// Maintainer review: input errors are one line with their place (file:line), as `check` gives them
// (README "Broken YAML ... is an input error with its place").
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const CR = new URL('../plan/fixtures/ais-6-targets.yaml', import.meta.url).pathname;

describe('input errors name their place', () => {
  it('plan --disks: a YAML syntax error in the disk map names its line, as check does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'disks-'));
    const disks = join(dir, 'disks.yaml');
    writeFileSync(disks, 'node1:\n  - path: /mnt/a\n    size: 1Ti\n  bad: [\n');
    const checked = await cli(['check', disks]);
    expect(checked.stdout).toContain(`${disks}:4`); // check: holds today
    const planned = await cli(['plan', '--disks', disks, CR]);
    expect(planned.code).toBe(2);
    expect(planned.stderr).toContain(`${disks}:4`); // plan: "disks.yaml: All mapping items ..." (no line)
  });

  it('serve --config: a YAML syntax error names its line the same way (not "... at line 2, column 1:")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'port: 8443\nport: 9443\n');
    const served = await cli(['serve', '--config', config]);
    expect(served.code).toBe(2);
    expect(served.stderr).toContain(`${config}:2`);
    expect(served.stderr.trimEnd()).not.toMatch(/:$/);
  });
});
