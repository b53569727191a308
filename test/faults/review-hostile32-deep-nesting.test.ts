// review hostile32: a file of nested flow brackets, far under --max-file-bytes, ran `check` out of
// memory: the yaml library's parser builds the whole nest before anything refuses it (a 2 MB file,
// 1,000,000 levels: 1.1 GB of RSS and 40 s; with a 128 MB heap, "FATAL ERROR: ... JavaScript heap
// out of memory" and a native stack, exit 134). go-yaml, kubectl's reader, refuses past 10,000
// levels; ais-guard past 500 (src/k8s/nesting.ts). Run with a small heap, so the test fails by its
// exit code, not by the machine's memory.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-deep-'));
const DEPTH = 1_000_000;
const nest = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const HEAP = ['--max-old-space-size=128'];

// check reports input errors in its report (stdout); stderr stays empty.
const oneLine = (r: { stdout: string; stderr: string }, file: string, line: number) => {
  expect(r.stderr).toBe('');
  expect(r.stdout.split('\n')[0]).toMatch(
    new RegExp(
      `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}: error: collections nested deeper than 500 levels`,
    ),
  );
};

describe('check on a file nested a million levels deep, with a 128 MB heap', () => {
  it('YAML: exit 2, one error line at its place', () => {
    const file = join(dir, 'deep.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}\ndata:\n  x: ${nest}\n`,
    );
    const r = runCli(['check', file], { node: HEAP });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    oneLine(r, file, 5);
  });

  it('JSON: exit 2, one error line at its place', () => {
    const file = join(dir, 'deep.json');
    writeFileSync(
      file,
      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},\n"data":{"x":${nest}}}\n`,
    );
    const r = runCli(['check', file], { node: HEAP });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    oneLine(r, file, 2);
  });

  it('plan --disks: exit 2, one line at its place', () => {
    const file = join(dir, 'disks.yaml');
    writeFileSync(file, `nodes:\n  n1: ${nest}\n`);
    const r = runCli(['plan', '--disks', file, join('examples/multi-target/01-aistore.yaml')], {
      node: HEAP,
    });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    expect(r.stderr).not.toMatch(/FATAL|heap out of memory|\n\s+at /);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/disks\.yaml:2: collections nested deeper than 500 levels/),
    ]);
  });
});
