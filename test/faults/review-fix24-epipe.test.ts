// Review "fix24": `check --fix` (and `check`) piped into a reader that stops early.
//
// Defect: the CLI writes its output to process.stdout with no 'error' listener and no EPIPE
// handling (check.ts fix(): io.stdout.write(joinSources(...)); render() chunks). When the reader of
// the pipe goes away before the end (`ais-guard check --fix repo/ | head`, quitting `less`, a
// `grep -q` that found its line), Node emits EPIPE as an unhandled 'error' event: the user gets a
// Node stack trace ("node:events:502 throw er; // Unhandled 'error' event ... Error: write EPIPE
// at WriteWrap.onWriteComplete") and exit code 1, which is check's code for "denials" (README: "exit
// codes ... 1 denials"), so a script reading the code believes the manifests were denied.
// Impact: breaks "no stack traces" on the most ordinary shell use of --fix and -o json.
// Expected: no stack trace on stderr when stdout's reader closes early, and not exit code 1 (quiet
// exit, e.g. 0 or 141 as for SIGPIPE, or the verdict's own code).
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv, legacyCR } from './support/cli.js';

const cr = (i: number) => legacyCR(`ais-${i}`);

describe('check --fix into a pipe closed early', () => {
  it.each([
    ['--fix', ['check', '-q', '--fix']],
    ['-o json', ['check', '-o', 'json']],
  ])('%s: no stack trace, not the "denied" exit code', async (_, args) => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix24-epipe-'));
    const file = join(dir, 'crs.yaml');
    // ~270 KB of output: far past a pipe's buffer, whenever the reader goes away.
    writeFileSync(file, Array.from({ length: 1500 }, (_, i) => cr(i)).join('---\n'));
    const child = spawn(process.execPath, [BIN, ...args, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
    });
    child.stdout.destroy(); // the reader is gone before the first byte (`| head -c0`, a quit pager)
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    // On main: "node:events:502 ... Unhandled 'error' event ... Error: write EPIPE", exit 1.
    expect(stderr).not.toMatch(/Unhandled 'error' event|\n\s+at .+:\d+:\d+\)?\n/);
    expect(code).not.toBe(1);
  });
});
