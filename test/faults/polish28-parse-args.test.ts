// polish28: a flag's value that starts with a dash (`check --nodes -1`) made parseArgs throw its
// three-line ERR_PARSE_ARGS_INVALID_OPTION_VALUE message ("... is ambiguous.\nDid you forget ...?\n
// To specify ... use '--nodes=-XYZ'."), and main printed it as it was: three lines where the
// project's rule is one line, `ais-guard <command>: <what>`, exit 2. Every command's parser errors
// pass through one place (src/cli/main.ts), so every command is run here, as a user runs it.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/main.js';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/ais-guard.js');
const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
  });

/** Each command that parses flags, with its first flag that takes a value (and that flag's short name). */
async function stringFlags(): Promise<[string, string, string | undefined][]> {
  const out: [string, string, string | undefined][] = [];
  for (const [command, load] of Object.entries(COMMANDS)) {
    const { flags } = await load();
    const found = Object.entries(flags ?? {}).find(([, o]) => o.type === 'string');
    if (found) out.push([command, found[0], found[1].short]);
  }
  return out;
}

const oneLine = (stderr: string, command: string) => {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(new RegExp(`^ais-guard ${command}: `));
};

describe('polish28: parseArgs errors are one line with the command prefix, exit 2', () => {
  it('check --nodes -1: one line naming the flag and how to give a value with a dash', () => {
    const r = run(['check', '--nodes', '-1', 'examples/multi-target/']);
    expect(r.status).toBe(2);
    oneLine(r.stderr, 'check');
    expect(r.stderr).toBe(
      `ais-guard check: Option '--nodes' argument is ambiguous (a value that starts with a dash is given as '--nodes=-XYZ'); see "ais-guard check --help"\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('every command: a value starting with a dash, a missing value, a value to a switch', async () => {
    const commands = await stringFlags();
    expect(commands.map(([c]) => c)).toEqual(
      expect.arrayContaining(['check', 'serve', 'certs', 'render', 'rules', 'plan', 'audit', 'doctor']),
    );
    for (const [command, flag, short] of commands) {
      const cases = [
        [command, `--${flag}`, '-1'],
        ...(short ? [[command, `-${short}`, '-1']] : []),
        [command, `--${flag}`],
        [command, '--help=yes'],
      ];
      for (const argv of cases) {
        const r = run(argv);
        expect({ argv, status: r.status }).toEqual({ argv, status: 2 });
        oneLine(r.stderr, command);
        expect(r.stderr).toMatch(new RegExp(`; see "ais-guard ${command} --help"\\n$`));
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    }
  });
});
