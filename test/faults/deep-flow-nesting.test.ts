// Flow collections nested between the yaml library's call stack (about 800 levels) and go-yaml's
// limit (10,000): the built CLI answered "error: Maximum call stack size exceeded" at the line, the
// composer's own overflow passed on as the message. Block and flow levels now count together
// against ais-guard's limit of 500 (src/k8s/nesting.ts); 500 levels are still read and judged.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ais-guard-deep-flow-'));
const POD = readFileSync('examples/multi-target/05-pod-target-1.yaml', 'utf8');
const TOO_DEEP =
  "collections nested deeper than 500 levels, more than ais-guard reads (kubectl's go-yaml reads up to 10000): no manifest needs them";
/** The pod with metadata.x (line 5) holding `value` (the document's map is level 1, metadata's 2). */
const yamlPod = (value: string) => POD.replace('metadata:\n', `metadata:\n  x: ${value}\n`);
/** The pod as JSON with a top-level x holding `value` (the object is level 1). */
const jsonPod = (value: string) =>
  JSON.stringify({ ...(parse(POD) as object), x: '@' }).replace('"@"', value);
const lists = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

describe('check on a target pod with a field nested in flow collections', () => {
  it.each([
    ['YAML, 800 flow levels', 'pod.yaml', yamlPod(lists(800)), 5],
    ['YAML, 9,000 flow levels', 'pod.yaml', yamlPod(lists(9_000)), 5],
    [
      'YAML, 300 block levels holding 300 flow ones',
      'pod.yaml',
      yamlPod(`\n    ${'- '.repeat(300)}${lists(300)}`),
      6,
    ],
    ['JSON, 800 flow levels', 'pod.json', jsonPod(lists(800)), 1],
  ])('%s: exit 2, one error line at its place, no stack trace', (_, name, text, line) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = runCli(['check', file]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
    expect(r.stderr).not.toMatch(/RangeError|call stack|\n\s+at /);
    expect(r.stdout.split('\n')[0]).toBe(`${file}:${line}: error: ${TOO_DEEP}`);
  });

  it.each([
    // The document's map, metadata's, then x's 498 lists: 500 levels.
    ['YAML', 'pod.yaml', yamlPod(lists(498))],
    ['JSON', 'pod.json', jsonPod(lists(499))],
  ])('%s at exactly 500 levels is read and judged like any pod', (_, name, text) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = runCli(['check', file]);
    expect(r.stdout).not.toMatch(/error|nested/);
    expect(r.stdout).toMatch(/^1 object\(s\) checked/m);
    expect([0, 1]).toContain(r.status);
  });
});
