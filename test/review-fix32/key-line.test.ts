// Review "fix32": `check --fix` must change only the bytes a patch asks for (README "--fix edits
// the text of the nodes a patch changes and nothing else"). A key whose empty value the guard fills
// with a block map (the target pod's `annotations:` or `affinity:`, written empty in Git) had its
// whole line re-rendered: the key's quotes went (`"annotations":` became `annotations:`) and the
// blanks that aligned its comment with the others collapsed to one.
import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOperation } from '../../src/cli/yaml-edit.js';
import type { PatchOperation } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';

const add = (text: string, path: string, value: unknown) =>
  applyOperation(text, [], { op: 'add', path, value } as PatchOperation);

describe('the line of a key whose empty value becomes a block map keeps its bytes', () => {
  it.each([
    [
      'a comment aligned with blanks',
      'metadata:\n  annotations:      # filled in by ais-guard\n  name: ais\n',
      'metadata:\n  annotations:      # filled in by ais-guard\n    k: v\n  name: ais\n',
    ],
    [
      'a tab before the comment',
      'metadata:\n  annotations:\t# none yet\n  name: ais\n',
      'metadata:\n  annotations:\t# none yet\n    k: v\n  name: ais\n',
    ],
    [
      'a double-quoted key',
      'metadata:\n  "annotations":\n  "name": ais\n',
      'metadata:\n  "annotations":\n    k: v\n  "name": ais\n',
    ],
    [
      'a single-quoted key with a comment, CRLF',
      "metadata:\r\n  'annotations':  # later\r\n  name: ais\r\n",
      "metadata:\r\n  'annotations':  # later\r\n    k: v\r\n  name: ais\r\n",
    ],
  ])('%s', (_name, text, expected) => {
    expect(add(text, '/metadata/annotations', { k: 'v' })).toBe(expected);
  });
});

describe('check --fix --write of a target pod with empty annotations and affinity keys', () => {
  it('adds under them and leaves their lines as written', async () => {
    const examples = join(process.cwd(), 'examples', 'multi-target');
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix32-'));
    for (const f of ['01-aistore.yaml', '02-pvs.yaml']) copyFileSync(join(examples, f), join(dir, f));
    const pod = readFileSync(join(examples, '05-pod-target-1.yaml'), 'utf8')
      .replace('  namespace: ais\n', '  namespace: ais\n  "annotations":   # set by ais-guard\n')
      .replace(
        '  hostname: ais-target-1\n',
        '  affinity:      # set by ais-guard\n  hostname: ais-target-1\n',
      );
    writeFileSync(join(dir, '05-pod.yaml'), pod);
    const result = await cli(['check', '-q', '--fix', '--write', dir]);
    expect(result.code).toBe(0);
    const fixed = readFileSync(join(dir, '05-pod.yaml'), 'utf8');
    expect(fixed).toContain('  "annotations":   # set by ais-guard\n    ais-guard/disks: ');
    expect(fixed).toContain('  affinity:      # set by ais-guard\n    nodeAffinity:\n');
  });
});
