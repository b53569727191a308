// Review cli31: shell completion of a flag's value and of `help COMMAND`.
// - `ais-guard check -o <TAB>` (and --mode, render --overlay, audit --report-format, doctor -o,
//   serve --failure-mode ...) offered the directory's file names: every one a usage error, while the
//   parser knows the few words it takes. The same in zsh and through `kubectl ais-guard`.
// - `ais-guard help <TAB>` offered file names too, though `help COMMAND` takes a command.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { bashComplete, hasZsh, zshComplete } from '../support/completion.js';

const kubectl = async (words: string[]) =>
  (await cli(['__complete', ...words])).stdout.split('\n').filter(Boolean);

describe('review cli31: completing a flag value', () => {
  let bash = '';
  beforeAll(async () => {
    bash = (await cli(['completion', 'bash'])).stdout;
  });

  it('bash: output formats, modes, overlays and report formats as the parsers take them', () => {
    expect(bashComplete(bash, ['ais-guard', 'check', '-o', ''])).toEqual(['text', 'json', 'junit', 'sarif']);
    expect(bashComplete(bash, ['ais-guard', 'check', '--output', 'j'])).toEqual(['json', 'junit']);
    expect(bashComplete(bash, ['ais-guard', 'check', '--mode', ''])).toEqual(['enforce', 'warn', 'audit']);
    expect(bashComplete(bash, ['ais-guard', 'render', '--overlay', 'c'])).toEqual(['cert-manager']);
    expect(bashComplete(bash, ['ais-guard', 'audit', '--report-format', 'p'])).toEqual(['policyreport']);
    expect(bashComplete(bash, ['ais-guard', 'doctor', '-o', ''])).toEqual(['text', 'json']);
    expect(bashComplete(bash, ['ais-guard', 'plan', '-o', ''])).toEqual(['yaml', 'json']);
    expect(bashComplete(bash, ['ais-guard', 'serve', '--failure-mode', ''])).toEqual(['allow', 'deny']);
    expect(bashComplete(bash, ['ais-guard', 'rules', '-o', 'm'])).toEqual(['markdown']);
    // --output=j: bash splits at "=" (COMP_WORDBREAKS); right after "=", the word is "=" itself.
    expect(bashComplete(bash, ['ais-guard', 'check', '--output', '=', 'j'])).toEqual(['json', 'junit']);
    expect(bashComplete(bash, ['ais-guard', 'check', '--output', '='])).toEqual([
      'text',
      'json',
      'junit',
      'sarif',
    ]);
  });

  it('bash: a value without fixed words is still a file name, and flags still complete', () => {
    expect(bashComplete(bash, ['ais-guard', 'check', '-f', ''])).toEqual([]);
    expect(bashComplete(bash, ['ais-guard', 'check', '-o', 'json', '--str'])).toEqual(['--strict']);
  });

  it('bash: help completes the commands', () => {
    expect(bashComplete(bash, ['ais-guard', 'help', 'ch'])).toEqual(['check']);
    expect(bashComplete(bash, ['ais-guard', 'help', 'co'])).toEqual(['completion']);
  });

  (hasZsh ? it : it.skip)('zsh: the same values', async () => {
    const script = (await cli(['completion', 'zsh'])).stdout;
    const complete = (words: string[]) => zshComplete(script, words);
    expect(complete(['ais-guard', 'check', '-o', ''])).toEqual(['text', 'json', 'junit', 'sarif']);
    expect(complete(['ais-guard', 'render', '--overlay', ''])).toEqual([
      'base',
      'audit',
      'cert-manager',
      'validate-only',
      'argocd',
    ]);
    expect(complete(['ais-guard', 'check', '-f', ''])).toEqual(['_files']);
    expect(complete(['ais-guard', 'help', ''])).toEqual(expect.arrayContaining(['check', 'doctor']));
  });

  it('kubectl ais-guard: the same values, "--flag=" forms too, and help COMMAND', async () => {
    expect(await kubectl(['check', '-o', ''])).toEqual(['text', 'json', 'junit', 'sarif', ':4']);
    expect(await kubectl(['audit', '--report-format', 'o'])).toEqual(['openreports', ':4']);
    // --output=j: the values alone, as Cobra answers (kubectl's scripts complete after the "=").
    expect(await kubectl(['check', '--output=j'])).toEqual(['json', 'junit', ':4']);
    expect(await kubectl(['check', '-o=s'])).toEqual(['sarif', ':4']);
    expect(await kubectl(['check', '-f', ''])).toEqual([':0']);
    expect(await kubectl(['help', 'pl'])).toEqual(['plan', ':4']);
  });
});
