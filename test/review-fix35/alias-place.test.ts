// review fix35: an edit landing in an anchored node that an alias elsewhere reads again is refused
// (it would change the alias's place too), but the one line said only "the edit would also change
// what a YAML alias shares with the edited node", at the object's first line: in a long manifest
// the user was left to hunt for the anchor. The line names it and where it is.
import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const EXAMPLES = 'examples/multi-target';

function dirWith(claim: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-alias-place-'));
  for (const f of ['01-aistore.yaml', '02-pvs.yaml']) copyFileSync(join(EXAMPLES, f), join(dir, f));
  const file = join(dir, '03-pvc.yaml');
  writeFileSync(file, claim);
  return { dir, file };
}

const CLAIM = readFileSync(join(EXAMPLES, '03-pvc-target-1.yaml'), 'utf8');

describe('--fix refusing an edit inside an anchor an alias reads', () => {
  it('names the anchor and its line (spec anchored, merged into another key)', async () => {
    // Line 10 is "spec: &claimspec"; the guard adds /spec/volumeName inside it.
    const text = CLAIM.replace('spec:\n', 'spec: &claimspec\n') + 'x-copy:\n  <<: *claimspec\n';
    expect(text.split('\n')[9]).toBe('spec: &claimspec');
    const { dir, file } = dirWith(text);
    const r = await cli(['check', '--fix', '--write', dir]);
    expect(r.code).toBe(2);
    const line = (r.stdout + r.stderr).split('\n').find((l) => l.startsWith(file));
    expect(line).toBe(
      `${file}:2: error: cannot apply the fix in place: the edit would also change what a YAML alias shares with the edited node (&claimspec, line 10, read again by *claimspec): write that part out without the anchor`,
    );
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('counts the lines of the documents before it, and a BOM line is none', async () => {
    const first = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ais}\n---\n';
    // A BOM after the "---" (a file pasted in with its BOM): skipped by kubectl, no line of its own.
    const text =
      first +
      '\uFEFF' +
      CLAIM.replace('spec:\n', 'spec:\n  resources: &res\n    requests: {storage: 5Ti}\n  x: *res\n').replace(
        '  resources:\n    requests:\n      storage: 5Ti\n',
        '',
      );
    // The claim's spec edit goes through no anchor: the alias is beside it, and the fix applies.
    const { dir, file } = dirWith(text);
    const ok = await cli(['check', '--fix', dir]);
    expect(ok.code).toBe(0);
    const shared = text.replace('spec:\n', 'spec: &whole\n') + 'again: *whole\n';
    expect(shared.split('\n')[13]).toBe('spec: &whole');
    writeFileSync(file, shared);
    const r = await cli(['check', '--fix', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(
      `${file}:6: error: cannot apply the fix in place: the edit would also change what a YAML alias shares with the edited node (&whole, line 14, read again by *whole)`,
    );
  });
});
