// review fix35: block collections nested a few thousand levels deep (6 KB of "- ") crashed the
// built CLI with "ais-guard: RangeError: Maximum call stack size exceeded" and the yaml library's
// stack trace (in-process, under jest, another step overflowed first and its message was the
// error). go-yaml reads them; check refuses them with one line at their place.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-deep-block-'));

describe('check on a target pod with a field nested 3,000 block levels deep', () => {
  it('exit 2, one error line at its place, no stack trace', () => {
    const pod = readFileSync('examples/multi-target/05-pod-target-1.yaml', 'utf8');
    const file = join(dir, 'pod.yaml');
    writeFileSync(file, pod.replace('metadata:\n', `metadata:\n  x:\n    ${'- '.repeat(3_000)}1\n`));
    const r = runCli(['check', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
    expect(r.stdout.split('\n')[0]).toBe(
      `${file}:6: error: collections nested deeper than 500 levels, more than ais-guard reads (kubectl's go-yaml reads up to 10000): no manifest needs them`,
    );
  });
});
