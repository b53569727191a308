// Review cli35: shell completion offered file names where the command takes none.
// DEFECT: `ais-guard serve <TAB>` (likewise certs, render, audit, doctor, `version`, `completion
// bash`, `help check`, `rules explain ID`) offered the directory's files in bash (its `complete -o
// default` fallback), zsh (the script's last `_files`) and `kubectl ais-guard` (directive 0): every
// one "Unexpected argument", exit 2. Only check and plan take PATH arguments.
// EXPECTED: there, no file names (bash: `compopt +o default`, zsh: no `_files`, kubectl: directive
// 4); a PATH of check or plan, and a file flag's value, still complete as file names.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { bashComplete, hasZsh, zshComplete } from '../support/completion.js';

const kubectl = async (words: string[]) =>
  (await cli(['__complete', ...words])).stdout.split('\n').filter(Boolean);

/** Word lists (after "ais-guard") where the command line takes no file name. */
const NO_FILES = [
  ['serve', ''],
  ['certs', ''],
  ['render', '--vap', ''],
  ['audit', ''],
  ['doctor', '-o', 'json', ''],
  ['version', ''],
  ['completion', 'bash', ''],
  ['help', 'check', ''],
  ['rules', 'explain', 'pvc-name', ''],
  ['rules', 'x'],
  // A flag's word that matches none of its words: not a file either.
  ['check', '-o', 'x'],
];

describe('review cli35: no file names where the command takes none', () => {
  let bash = '';
  let zsh = '';
  beforeAll(async () => {
    bash = (await cli(['completion', 'bash'])).stdout;
    zsh = (await cli(['completion', 'zsh'])).stdout;
  });

  it.each(NO_FILES.map((words) => [words.join(' '), words]))(
    'bash: "ais-guard %s" turns off the file name fallback',
    (_, words) => {
      expect(bashComplete(bash, ['ais-guard', ...words])).toEqual(['compopt +o default']);
    },
  );

  it('bash: PATH arguments and file flags keep file names', () => {
    expect(bashComplete(bash, ['ais-guard', 'check', ''])).toEqual([]);
    expect(bashComplete(bash, ['ais-guard', 'plan', '--disks', 'd.yaml', ''])).toEqual([]);
    expect(bashComplete(bash, ['ais-guard', 'serve', '--config', ''])).toEqual([]);
    expect(bashComplete(bash, ['ais-guard', 'audit', '--kubeconfig', '=', ''])).toEqual([]);
  });

  (hasZsh ? it : it.skip)('zsh: no _files there, _files for PATHs and file flags', () => {
    for (const words of NO_FILES) expect(zshComplete(zsh, ['ais-guard', ...words])).not.toContain('_files');
    expect(zshComplete(zsh, ['ais-guard', 'check', ''])).toEqual(['_files']);
    expect(zshComplete(zsh, ['ais-guard', 'plan', '-o', 'json', ''])).toEqual(['_files']);
    expect(zshComplete(zsh, ['ais-guard', 'serve', '--config', ''])).toEqual(['_files']);
  });

  it('kubectl ais-guard: directive 4 (no files) there, 0 for PATHs and file flags', async () => {
    for (const words of NO_FILES) expect((await kubectl(words)).at(-1)).toBe(':4');
    expect(await kubectl(['check', ''])).toEqual([':0']);
    expect(await kubectl(['serve', '--config', ''])).toEqual([':0']);
  });
});
