// Review cli35: `ais-guard completion fish`, from the same command table as bash and zsh, run
// by fish itself (complete -C). CI installs fish beside zsh (.ci/run); elsewhere it is skipped.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/main.js';
import { RULE_IDS } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { fishComplete, hasFish } from '../support/completion.js';

const withFish = hasFish ? it : it.skip;
const skipped = hasFish ? '' : ' (skipped: fish is not installed)';
const sorted = (list: readonly string[]) => [...list].sort();
const NAMES = [...Object.keys(COMMANDS), 'help', 'version'];

describe(`review cli35: fish completion${skipped}`, () => {
  let script = '';
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fish-'));
  const complete = (line: string) => fishComplete(script, line, dir);
  beforeAll(async () => {
    writeFileSync(join(dir, 'a.yaml'), '');
    mkdirSync(join(dir, 'sub'));
    const r = await cli(['completion', 'fish']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    script = r.stdout;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  withFish('commands, with the descriptions of the main help', () => {
    expect(complete('ais-guard ')).toEqual(sorted(NAMES));
    expect(complete('ais-guard ch')).toEqual(['check']);
    const r = spawnSync(
      'fish',
      ['--no-config', '-c', 'printf %s\\n $SCRIPT | source; complete -C"ais-guard ch"'],
      {
        env: { ...process.env, SCRIPT: script },
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe('check\tcheck AIStore manifests offline (CI, GitOps)\n');
  });

  withFish('every flag of every command, as its parser takes them', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const flags = Object.entries((await load()).flags ?? {}).flatMap(([long, o]) => [
        `--${long}`,
        ...(o.short ? [`-${o.short}`] : []),
      ]);
      expect([name, complete(`ais-guard ${name} -`)]).toEqual([name, sorted(flags)]);
    }
    expect(complete('ais-guard check --fil')).toEqual(['--filename']);
  });

  withFish("a flag's words, after a space or in --flag=, and nothing that is not one", () => {
    expect(complete('ais-guard check -o ')).toEqual(sorted(['text', 'json', 'junit', 'sarif']));
    expect(complete('ais-guard check --output=j')).toEqual(['--output=json', '--output=junit']);
    expect(complete('ais-guard render --overlay c')).toEqual(['cert-manager']);
    expect(complete('ais-guard serve --failure-mode ')).toEqual(['allow', 'deny']);
    // fish matches inside a word too (-o x offers text): a word in none of them gets nothing.
    expect(complete('ais-guard check -o zz')).toEqual([]);
  });

  withFish("file names for check's and plan's arguments and a file flag's value, nowhere else", () => {
    expect(complete('ais-guard check ')).toEqual(['a.yaml', 'sub/']);
    expect(complete('ais-guard plan --disks a.yaml ')).toEqual(['a.yaml', 'sub/']);
    expect(complete('ais-guard serve --config ')).toEqual(['a.yaml', 'sub/']);
    expect(complete('ais-guard audit --kubeconfig=')).toEqual(['--kubeconfig=a.yaml', '--kubeconfig=sub/']);
    for (const line of [
      'serve ',
      'doctor -o json ',
      'version ',
      'completion fish ',
      'rules explain pvc-name ',
    ])
      expect([line, complete(`ais-guard ${line}`)]).toEqual([line, []]);
  });

  withFish('rules explain ID, help COMMAND, completion SHELL', () => {
    expect(complete('ais-guard rules ')).toEqual(['explain']);
    expect(complete('ais-guard rules explain ')).toEqual(sorted(RULE_IDS));
    expect(complete('ais-guard rules explain pvc')).toEqual(['pvc-name']);
    expect(complete('ais-guard help ')).toEqual(sorted(NAMES.filter((n) => n !== 'help')));
    expect(complete('ais-guard completion ')).toEqual(['bash', 'fish', 'zsh']);
  });

  withFish('saved as ~/.config/fish/completions/ais-guard.fish, fish loads it on its own', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.config/fish/completions'), { recursive: true });
    writeFileSync(join(home, '.config/fish/completions/ais-guard.fish'), script);
    // fish loads a command's completions once the command is on PATH, as an installed one is.
    const bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'ais-guard'), '#!/bin/sh\n', { mode: 0o755 });
    const r = spawnSync('fish', ['-c', 'complete -C"ais-guard rules explain pvc"'], {
      cwd: dir,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      },
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('pvc-name\n');
  });
});
