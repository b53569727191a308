// review fix35: block collections nested a few thousand levels deep ("- - - ... 1", 6 KB) crashed
// `check` with "ais-guard: RangeError: Maximum call stack size exceeded" and the yaml library's
// stack trace: its parser recurses once per level, and only flow brackets were counted before it
// (nesting.ts). Such input must be one error line at its place, as a flow nest past the limit is.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-deep-block-'));
const HEAD =
  '# a comment first\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}\ndata:\n  x:\n';

describe('check on block collections nested far deeper than any manifest', () => {
  it.each([
    ['compact sequences on one line', `    ${'- '.repeat(3_000)}1\n`],
    ['compact sequences on one line, deeper', `    ${'- '.repeat(20_000)}1\n`],
    [
      'sequences of mappings, one level a line',
      Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(4 + 2 * i)}- k:\n`).join('') +
        `${' '.repeat(4 + 2 * 3_000)}v\n`,
    ],
  ])('%s: exit 2, one error line at its place, no stack trace', async (_, body) => {
    const file = join(dir, 'deep.yaml');
    writeFileSync(file, HEAD + body);
    const r = await cli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
    expect(r.stdout.split('\n')[0]).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+: error: .*nested deeper than`),
    );
  });
});
