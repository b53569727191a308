// Every shared fixture gets the verdict its header states, judged the way `check` judges a set.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge } from '../../src/cli/judge.js';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import { FIXTURE_FILES, FIXTURES } from '../support/fixtures.js';

/** The rule each DENY fixture is about. */
const DENY_RULE: Record<string, string> = {
  '02': 'target-host-port',
  '06': 'pvc-name',
  '08': 'target-host-port',
  '10': 'target-host-path-shared',
};

const files = FIXTURE_FILES;

function verdictOf(text: string): 'ALLOW' | 'DENY' | 'ALLOW AFTER MUTATION' {
  const m = /Guard verdict: (ALLOW AFTER MUTATION|ALLOW|DENY)/.exec(text);
  if (!m) throw new Error('fixture header has no "Guard verdict:"');
  return m[1] as 'ALLOW' | 'DENY' | 'ALLOW AFTER MUTATION';
}

describe('shared fixtures', () => {
  it('are all here', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s gets the verdict in its header', (file) => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const errors: LoadError[] = [];
    const { manifests } = parseSource(file, text, errors);
    expect(errors).toEqual([]);
    const judged = judge(manifests);
    const denied = judged.filter((j) => !j.evaluation.allowed);
    const patched = judged.filter((j) => j.evaluation.patch.length > 0);
    switch (verdictOf(text)) {
      case 'DENY': {
        expect(denied.length).toBeGreaterThan(0);
        const rule = DENY_RULE[file.slice(0, 2)];
        const ids = denied.flatMap((j) =>
          j.evaluation.findings.filter((f) => f.action === 'deny').map((f) => f.ruleId),
        );
        expect(ids).toContain(rule);
        break;
      }
      case 'ALLOW':
        expect(denied).toEqual([]);
        expect(patched).toEqual([]);
        break;
      case 'ALLOW AFTER MUTATION':
        expect(denied).toEqual([]);
        expect(patched.length).toBeGreaterThan(0);
        break;
    }
  });

  it('06 names the expected PVC and the old doc wording', () => {
    const text = readFileSync(join(FIXTURES, '06-pvc-target-data-namespace-prefix-deny.yaml'), 'utf8');
    const [, claim] = judge(parseSource('06', text, []).manifests);
    expect(claim?.evaluation.findings.find((f) => f.ruleId === 'pvc-name')).toMatchObject({
      action: 'deny',
      path: '/metadata/name',
      fix: 'Name it ais-data-aistore-ais-target-0.',
      message: expect.stringContaining("old AIStore doc's <namespace>-<path>-<pod> wording"),
    });
  });

  it('the multi-target set (CR, PVs, claim, StatefulSet, pod) passes together, binding claim and pod to their disks', () => {
    const set = ['01', '04', '05', '07', '09'].map((n) => files.find((f) => f.startsWith(n)) as string);
    const manifests = set.flatMap(
      (f) => parseSource(f, readFileSync(join(FIXTURES, f), 'utf8'), []).manifests,
    );
    const judged = judge(manifests);
    expect(judged.every((j) => j.evaluation.allowed)).toBe(true);
    const byKind = Object.fromEntries(judged.map((j) => [j.manifest.object.kind, j.evaluation]));
    expect(byKind.PersistentVolumeClaim?.patch).toEqual([
      { op: 'add', path: '/spec/volumeName', value: 'storage-node-01-pv-ais-sdb' },
    ]);
    expect(byKind.Pod?.patch.map((p: { path: string }) => p.path).sort()).toEqual([
      '/metadata/annotations',
      '/spec/affinity',
    ]);
  });
});
