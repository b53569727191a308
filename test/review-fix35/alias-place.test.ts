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
});
