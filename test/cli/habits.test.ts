// CLI habits users bring from kubectl and other tools: -f, colour only on a terminal, a quiet -q,
// unknown flags that point to --help, and shell completion built from the parsers' own options.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { wantsColour } from '../../src/cli/colour.js';
import { FLAGS as CHECK_FLAGS } from '../../src/cli/check.js';
import { RULE_IDS } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { bashComplete, hasZsh, zshComplete } from '../support/completion.js';
import { fixture } from '../support/fixtures.js';

/** A stdout that says it is a terminal, as process.stdout does at a shell prompt. */
async function onTty(argv: string[], env: NodeJS.ProcessEnv) {
  const out = Object.assign(new PassThrough(), { isTTY: true });
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const saved = process.env.NO_COLOR;
  if (env.NO_COLOR === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = env.NO_COLOR;
  try {
    const code = await main(argv, { stdout: out, stderr: new PassThrough(), stdin: Readable.from([]) });
    return { code, stdout: Buffer.concat(chunks).toString('utf8') };
  } finally {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  }
}

const ESC = '\x1b[';

describe('-f, --filename', () => {
  it('is the same as a PATH argument, repeatable, in command-line order', async () => {
    const positional = await cli(['check', fixture('02'), fixture('01')]);
    const withF = await cli(['check', '-f', fixture('02'), '--filename', fixture('01')]);
    expect(withF.code).toBe(positional.code);
    expect(withF.stdout).toBe(positional.stdout);
    const mixed = await cli(['check', fixture('02'), '-f', fixture('01')]);
    expect(mixed.stdout).toBe(positional.stdout);
  });

  it('-f - reads stdin', async () => {
    const r = await cli(['check', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 object\(s\) checked: 0 denied/);
  });
});

describe('colour', () => {
  it('colours the verdict words on a terminal', async () => {
    const r = await onTty(['check', fixture('02')], {});
    expect(r.stdout).toContain(`${ESC}31mDENY `);
  });

  it.each(['1', 'true', 'anything'])('not with NO_COLOR=%s', async (value) => {
    const r = await onTty(['check', fixture('02')], { NO_COLOR: value });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DENY  target-host-port');
    expect(r.stdout).not.toContain(ESC);
  });

  it('an empty NO_COLOR does not turn colour off (no-color.org)', () => {
    expect(wantsColour(Object.assign(new PassThrough(), { isTTY: true }), { NO_COLOR: '' })).toBe(true);
  });

  it('never when stdout is not a terminal (pipes, CI logs)', async () => {
    const r = await cli(['check', fixture('02')]);
    expect(r.stdout).toContain('DENY  target-host-port');
    expect(r.stdout).not.toContain(ESC);
    expect(wantsColour(new PassThrough(), {})).toBe(false);
  });
});

describe('-q', () => {
  it('prints nothing for clean input', async () => {
    const r = await cli(['check', '-q', fixture('01')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('prints nothing for warnings that do not fail the run, but shows them with --strict', async () => {
    const warned = await cli(['check', '-q', fixture('03')]);
    expect(warned).toMatchObject({ code: 0, stdout: '' });
    const strict = await cli(['check', '-q', '--strict', fixture('03')]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/WARN /);
  });

  it('shows denials and the summary', async () => {
    const r = await cli(['check', '-q', fixture('02')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DENY  target-host-port');
    expect(r.stdout).toMatch(/object\(s\) checked: 1 denied/);
    expect(r.stdout).not.toMatch(/WARN |INFO |note:/);
  });
});

describe('unknown flags', () => {
  it.each([
    [['check', '--bogus', 'x'], `ais-guard check: Unknown option '--bogus'; see "ais-guard check --help"\n`],
    [['rules', '-z'], `ais-guard rules: Unknown option '-z'; see "ais-guard rules --help"\n`],
    [
      ['check', 'x', '-o'],
      `ais-guard check: Option '-o, --output <value>' argument missing; see "ais-guard check --help"\n`,
    ],
    [
      ['check', '--nodes', '-1', 'x'],
      `ais-guard check: Option '--nodes' argument is ambiguous (a value that starts with a dash is given as '--nodes=-XYZ'); see "ais-guard check --help"\n`,
    ],
  ])('%j: one line naming the flag, pointing to --help, exit 2', async (argv, line) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(line);
  });
});

/** Runs the bash completion function as bash would for the words typed so far. */

describe('completion', () => {
  let bash = '';
  beforeAll(async () => {
    const r = await cli(['completion', 'bash']);
    expect(r.code).toBe(0);
    bash = r.stdout;
  });

  it('registers a function for ais-guard when sourced', () => {
    // As a user's .bashrc does it: source <(ais-guard completion bash).
    const r = spawnSync(
      'bash',
      ['--norc', '--noprofile', '-c', 'source <(printf "%s" "$SCRIPT"); complete -p ais-guard'],
      { env: { ...process.env, SCRIPT: bash }, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('complete -o default -F _ais_guard ais-guard');
  });

  it('completes commands', () => {
    expect(bashComplete(bash, ['ais-guard', 'ch'])).toEqual(['check']);
    expect(bashComplete(bash, ['ais-guard', ''])).toEqual(
      expect.arrayContaining(['check', 'serve', 'rules', 'completion', 'version']),
    );
  });

  it("offers check's flags exactly as its parser takes them", () => {
    const offered = bashComplete(bash, ['ais-guard', 'check', '-']);
    const parsed = Object.entries(CHECK_FLAGS).flatMap(([name, o]) => [
      `--${name}`,
      ...('short' in o ? [`-${o.short}`] : []),
    ]);
    expect(offered.sort()).toEqual(parsed.sort());
    expect(bashComplete(bash, ['ais-guard', 'check', '--fil'])).toEqual(['--filename']);
  });

  it('leaves a flag value to file name completion', () => {
    expect(bashComplete(bash, ['ais-guard', 'check', '-f', ''])).toEqual([]);
  });

  it('completes rules explain with the rule ids', () => {
    expect(bashComplete(bash, ['ais-guard', 'rules', 'ex'])).toEqual(['explain']);
    expect(bashComplete(bash, ['ais-guard', 'rules', 'explain', 'pvc'])).toEqual(['pvc-name']);
    expect(bashComplete(bash, ['ais-guard', 'rules', 'explain', '']).sort()).toEqual([...RULE_IDS].sort());
  });

  it('zsh: a compdef script with the same commands and flags', async () => {
    const r = await cli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('#compdef ais-guard');
    expect(r.stdout).toContain(`'check:check AIStore manifests offline (CI, GitOps)'`);
    expect(r.stdout).toMatch(/^ {6}flags=\(.*--filename -f.*\)$/m);
    expect(r.stdout).toContain(`explain) (( CURRENT == 4 )) && sub_words=(${RULE_IDS.join(' ')})`);
    expect(r.stdout).toContain('compdef _ais_guard ais-guard');
  });

  // Where zsh is installed: the function run with the completion builtins stubbed to print what
  // they are given, for the words typed so far.
  (hasZsh ? it : it.skip)('zsh: the function offers commands, rule ids and files as zsh would', async () => {
    const script = (await cli(['completion', 'zsh'])).stdout;
    const complete = (words: string[]) => zshComplete(script, words, { compdef: true });
    expect(complete(['ais-guard', 'ch'])).toContain('check:check AIStore manifests offline (CI, GitOps)');
    expect(complete(['ais-guard', 'rules', 'explain', ''])).toEqual([
      'compdef _ais_guard ais-guard',
      ...RULE_IDS,
    ]);
    expect(complete(['ais-guard', 'check', '-f', ''])).toEqual(['compdef _ais_guard ais-guard', '_files']);
    expect(complete(['ais-guard', 'check', '--q'])).toEqual(
      expect.arrayContaining(['--quiet', '--filename']),
    );
  });

  it('exits 2 on a shell it does not know', async () => {
    const r = await cli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ais-guard completion: give one shell: bash, zsh or fish (got "tcsh")\n');
  });
});
