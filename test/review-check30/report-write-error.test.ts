// Review check30: `ais-guard check -o sarif manifests/ > ais-guard.sarif` (README "In CI") on a
// full disk. The write to stdout fails with ENOSPC; main.ts's stream listener (written for EPIPE)
// threw every other error on, so the user got a Node stack trace and exit code 1, check's code for
// "deny findings", for clean manifests too: a CI job said "denials" while the report it was to
// upload was empty or cut short. Expected: one line naming the failure, and exit 2 (what main's
// own handler gives a system error), whatever the verdict would have been.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/ais-guard.js');

describe.each([
  ['denied', join(ROOT, 'examples/ais-prod.yaml')],
  ['clean', join(ROOT, 'examples/multi-target')],
])('check into a full disk (%s input)', (_verdict, input) => {
  it.each(['text', 'sarif', 'json', 'junit'])('-o %s: one line, exit 2', async (format) => {
    if (!existsSync('/dev/full')) return; // Linux's always-full device
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [BIN, 'check', '-o', format, input], {
      stdio: ['ignore', full, 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(stderr).toMatch(/^ais-guard: .*ENOSPC.*\n$/);
    expect(code).toBe(2);
  });
});
