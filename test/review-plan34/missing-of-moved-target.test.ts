// Review plan34: a mount added to the CR of running targets whose node has no free disk for it.
// plan --diff cannot keep those targets on their PVs ("no free disk left"), plans them whole on
// another node, and lists their existing claims as conflicting, the new mount's claims as missing.
// `--missing` then printed those missing PVs alone, on the other node, exit 0: applied beside the
// existing (Bound) PVs they split each target over two nodes, so its pod never schedules, and `check`
// denies them (pv-target-binding), against docs/plan.md ("so they pass check beside them").
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';
import { aistore } from '../support/builders.js';

const mount = (path: string) => ({ path, size: '5Ti', storageClass: 'ais-local-storage' });
const disks = (paths: string[]) => paths.map((p) => ({ path: `/mnt/${p}`, size: '8Ti' }));

describe('review plan34: --missing and a target plan could not keep on its PVs', () => {
  it('prints none of its PVs, says why, and what it prints passes check beside the existing PVs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-plan34-'));
    const f = (name: string, value: unknown) => {
      writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
      return join(dir, name);
    };
    const before = f('before.yaml', aistore({ disable: true, size: 2, mounts: [mount('/data/aistore')] }));
    const after = f(
      'after.yaml',
      aistore({ disable: true, size: 2, mounts: [mount('/data/aistore'), mount('/data/two')] }),
    );
    const firstMap = f('first.yaml', { n1: disks(['a', 'b']) });
    const map = f('disks.yaml', { n1: disks(['a', 'b']), n2: disks(['a', 'b', 'c', 'd']) });
    const old = await cli(['plan', '--disks', firstMap, before]);
    expect(old.code).toBe(0);
    const existing = f('old.yaml', old.stdout);

    const out = await cli(['plan', '--disks', map, after, '--diff', existing, '--missing']);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/warning: ais-target-0 is planned on other disks: node n1/);
    // Neither target's new-mount PV is printed: alone, each would put the target on two nodes.
    expect(YAML.parseAllDocuments(out.stdout).filter((d) => d.toJS() !== null)).toEqual([]);
    expect(out.stderr).toMatch(/the missing PVs of ais-target-0, ais-target-1 are not printed/);

    const check = await cli(['check', after, existing, f('new.yaml', out.stdout)]);
    expect(check.stdout).toMatch(/ 0 denied/);
  });
});
