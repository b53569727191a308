// Review "fix32": the lines `check --fix` adds end as the file's lines do. One CRLF line anywhere in
// a document (a comment pasted from a Windows editor, a value copied from a ticket) made every line
// the fix added to an LF file end with CRLF: `git diff` then shows ^M on each of them, and the
// file, which had one odd line, now has a block of them.
import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOperation } from '../../src/cli/yaml-edit.js';
import type { PatchOperation } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';

const add = (text: string, path: string, value: unknown) =>
  applyOperation(text, [], { op: 'add', path, value } as PatchOperation);

describe('the line ending of added lines is the one most of the document uses', () => {
  it('an LF document with one CRLF line gets LF lines', () => {
    const text = 'spec:\n  # from the ticket\r\n  storageClassName: local\n  resources: {}\n';
    expect(add(text, '/spec/volumeName', 'pv-1')).toBe(text + '  volumeName: pv-1\n');
    expect(add(text, '/spec/selector', { matchLabels: { a: 'b' } })).toBe(
      text + '  selector:\n    matchLabels:\n      a: b\n',
    );
  });
  it('a CRLF document with one LF line gets CRLF lines', () => {
    const text = 'spec:\r\n  # from a script\n  storageClassName: local\r\n  resources: {}\r\n';
    expect(add(text, '/spec/volumeName', 'pv-1')).toBe(text + '  volumeName: pv-1\r\n');
  });
});

describe('check --fix --write of an LF claim with one CRLF comment line', () => {
  it('adds spec.volumeName with an LF line ending', async () => {
    const examples = join(process.cwd(), 'examples', 'multi-target');
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix32-'));
    for (const f of ['01-aistore.yaml', '02-pvs.yaml']) copyFileSync(join(examples, f), join(dir, f));
    const claim = readFileSync(join(examples, '03-pvc-target-1.yaml'), 'utf8').replace(
      'spec:\n',
      'spec:\n  # bound by ais-guard\r\n',
    );
    writeFileSync(join(dir, '03-pvc.yaml'), claim);
    const result = await cli(['check', '-q', '--fix', '--write', dir]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, '03-pvc.yaml'), 'utf8')).toBe(
      claim + '  volumeName: storage-node-01-pv-ais-sdb\n',
    );
  });
});
