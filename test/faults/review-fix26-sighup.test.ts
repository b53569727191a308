// Review "fix26": `check --fix --write` ended by SIGHUP while it stages the files.
//
// Defect: write.ts interruptible() listens for SIGINT and SIGTERM only (INTERRUPTS). SIGHUP, which
// a shell sends its jobs when the terminal goes away (an ssh session that drops, a closed terminal
// tab, tmux kill-session), keeps Node's default action: the process ends at once, no 'exit'
// listener runs, and every `.<name>.<pid>.<hex>.tmp` staged so far stays in the user's checkout,
// where `git add -A` takes it: the very leftover review fix24 fixed for Ctrl-C. (SIGQUIT, Ctrl-\,
// the same.)
// Expected: as for SIGINT/SIGTERM: staged files removed, the manifests each old or new, and the
// process dies of the signal it got.
// Suggested fix: write.ts INTERRUPTS gains 'SIGHUP' (and 'SIGQUIT'); dieOf already re-raises.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin/ais-guard.js');
const HOOK = join(process.cwd(), 'test/faults/support/review-fix26-signal-at-sync.mjs');

const cr = (name: string) => `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata:
  name: ${name}
  namespace: ais
spec:
  disablePodAntiAffinity: true
  proxySpec:
    size: 1
  targetSpec:
    size: 2
`;

describe('check --fix --write ended by a hang-up while staging', () => {
  for (const signal of ['SIGHUP', 'SIGQUIT'] as const)
    it(`${signal}: leaves no temporary file behind`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix26-hup-'));
      const names = ['a.yaml', 'b.yaml', 'c.yaml'];
      for (const n of names) writeFileSync(join(dir, n), cr(n.slice(0, 1)));
      const run = spawnSync(
        process.execPath,
        ['--import', HOOK, BIN, 'check', '-q', '--fix', '--write', dir],
        { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', AIS_GUARD_TEST_SIGNAL: signal } },
      );
      expect(run.signal).toBe(signal);
      for (const n of names) {
        const now = readFileSync(join(dir, n), 'utf8');
        expect(now === cr(n.slice(0, 1)) || now.includes('    disablePodAntiAffinity: true')).toBe(true);
      }
      // On main: [".a.yaml.<pid>.<hex>.tmp", "a.yaml", "b.yaml", "c.yaml"].
      expect(readdirSync(dir).sort()).toEqual(names);
    });
});
