// More objects than a JavaScript call takes arguments (~125,000): `list.push(...items)` threw
// "Maximum call stack size exceeded", and the CLI printed that with its stack. `check -n` over a
// stream of that many objects of another namespace (an error each), and `plan --diff` over a file
// of that many PVs (as --diff-cluster lists a large cluster's), now answer as they do for a few.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const MANY = 130_000;
const FIXTURES = new URL('../plan/fixtures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ais-guard-many-'));

function stream(file: string, doc: (i: number) => string): string {
  const path = join(dir, file);
  writeFileSync(path, Array.from({ length: MANY }, (_, i) => doc(i)).join('---\n'));
  return path;
}

describe(`${MANY} objects`, () => {
  it('check -n: one error per object of another namespace, no stack', async () => {
    const file = stream(
      'configmaps.yaml',
      (i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: a\n`,
    );
    const r = await cli(['check', '-n', 'b', '-o', 'json', file]);
    expect(r.stderr).not.toMatch(/RangeError|call stack|\n\s+at /);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { errors: unknown[] };
    expect(report.errors).toHaveLength(MANY);
  }, 120_000);

  it('plan --diff: a file of that many PVs is compared, no stack', async () => {
    const file = stream(
      'pvs.yaml',
      (i) =>
        `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: other-${i}\nspec:\n  capacity: {storage: 1Ti}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /other/${i}}\n`,
    );
    const r = await cli([
      'plan',
      '--disks',
      join(FIXTURES, 'disks-3x4.yaml'),
      join(FIXTURES, 'ais-6-targets.yaml'),
      '--diff',
      file,
    ]);
    expect(r.stderr).not.toMatch(/RangeError|call stack|\n\s+at /);
    expect(r.code).not.toBe(2);
  }, 120_000);
});
