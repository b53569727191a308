// Every ```console block of README.md is run and its output compared: the README's examples are
// real output, kept true. A block is a series of `$ command` lines (a trailing `\` continues one),
// each followed by what it prints, stdout and stderr together, as a terminal shows them. `ais-guard`
// is the built CLI (bin/ais-guard.js → dist/, built by `npm ci`); the commands run in the
// repository root, one shell per block, so `echo $?` gives the exit code of the command before it.
// A line `[…]` in the shown output stands for any number of lines (long output kept short).
// Blocks that need a running server or a cluster use other fences (```sh, plain ```) and are not run.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const ELISION = '[…]';

interface Step {
  command: string;
  output: string[];
}
interface Example {
  line: number;
  steps: Step[];
}

/** The ```console blocks, each split into commands and their shown output. */
export function consoleExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```console') continue;
    const example: Example = { line: i + 1, steps: [] };
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) {
      const line = lines[i] as string;
      if (line.startsWith('$ ')) {
        let command = line.slice(2);
        while (command.endsWith('\\') && i + 1 < lines.length) command += '\n' + lines[++i];
        example.steps.push({ command, output: [] });
      } else {
        const step = example.steps.at(-1);
        if (!step) throw new Error(`README.md:${i + 1}: output before the first "$ " command`);
        step.output.push(line);
      }
    }
    examples.push(example);
  }
  return examples;
}

/** `[…]` in the expected lines matches any run of actual lines. */
function matches(actual: string[], expected: string[]): boolean {
  if (expected.length === 0) return actual.length === 0;
  const [head, ...rest] = expected;
  if (head === ELISION) return actual.some((_, i) => matches(actual.slice(i), rest)) || matches([], rest);
  return actual.length > 0 && actual[0] === head && matches(actual.slice(1), rest);
}

const trimLines = (lines: string[]) => {
  const out = lines.map((l) => l.replace(/\s+$/, ''));
  while (out.length && out.at(-1) === '') out.pop();
  return out;
};

/** Runs a block's commands in one shell; returns each command's output lines. */
function run(example: Example): string[][] {
  const bin = mkdtempSync(join(tmpdir(), 'ais-guard-readme-'));
  const shim = join(bin, 'ais-guard');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/ais-guard.js')}" "$@"\n`);
  chmodSync(shim, 0o755);
  const marker = (n: number) => `@@readme-step-${n}@@`;
  const script = [
    'exec 2>&1',
    '__rc=0',
    ...example.steps.flatMap((step, n) => [
      `printf '%s\\n' '${marker(n)}'`,
      `(exit $__rc)`,
      `{ ${step.command}\n}`,
      `__rc=$?`,
    ]),
  ].join('\n');
  const result = spawnSync('sh', ['-c', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_OPTIONS: '', NO_COLOR: '1' },
  });
  if (result.error) throw result.error;
  const parts = result.stdout.split(/@@readme-step-\d+@@\n/);
  if (parts.length !== example.steps.length + 1 || parts[0] !== '')
    throw new Error(`README.md:${example.line}: the block did not run to its end:\n${result.stdout}`);
  return parts.slice(1).map((p) => trimLines(p.split('\n')));
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const examples = consoleExamples(readme);

describe('README examples', () => {
  it('has examples to run, and the built CLI to run them with', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(existsSync(join(ROOT, 'dist/cli/main.js'))).toBe(true); // `npm ci` or `npm run build`
  });

  it.each(examples.map((e) => [`README.md:${e.line}: $ ${e.steps[0]?.command.split('\n')[0]}`, e]))(
    '%s',
    (_, example) => {
      const outputs = run(example as Example);
      (example as Example).steps.forEach((step, n) => {
        const actual = outputs[n] as string[];
        const expected = trimLines(step.output);
        if (!matches(actual, expected))
          // Shown as a diff of the whole output; elided runs appear as `[…]` against the real lines.
          expect({ command: step.command, output: actual }).toEqual({
            command: step.command,
            output: expected,
          });
      });
    },
    60_000,
  );
});
