// Running the completion scripts `ais-guard completion bash|zsh|fish` prints as the shells would run them.
import { expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';

const quoted = (words: string[]) => words.map((w) => `'${w}'`).join(' ');

/**
 * What bash offers for `words` (the last one being completed), through the script's _ais_guard.
 * compopt, a builtin only inside a completion, prints what it is given: "compopt +o default" is the
 * script turning off bash's file name fallback for an empty answer.
 */
export function bashComplete(script: string, words: string[]): string[] {
  const program = `compopt() { printf 'compopt %s\\n' "$*"; }
${script}
COMP_WORDS=(${quoted(words)}); COMP_CWORD=${words.length - 1}
_ais_guard; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

/** zsh is not on every machine: its tests run where it is. */
export const hasZsh = !spawnSync('zsh', ['-f', '-c', 'true']).error;

/**
 * What zsh offers for `words`, zsh's completion builtins stubbed to print what they are given
 * (compset too: "compset -P *=" is the prefix it takes off a --flag=value word before completing);
 * `compdef: true` prints the script's own compdef registration first.
 */
export function zshComplete(script: string, words: string[], { compdef = false } = {}): string[] {
  const r = spawnSync(
    'zsh',
    [
      '-f',
      '-c',
      `compdef() { ${compdef ? 'print "compdef $*"' : ':'} }
compset() { print -r -- "compset $*" }
compadd() { [[ $1 == -a ]] && print -l -- \${(P)2} }
_describe() { print -l \${(P)4} }
_files() { print _files }
eval "$SCRIPT"
words=(${quoted(words)}); CURRENT=${words.length}; _ais_guard`,
    ],
    { env: { ...process.env, SCRIPT: script }, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

/** fish is not on every machine (CI installs it with zsh): its tests run where it is. */
export const hasFish = !spawnSync('fish', ['--no-config', '-c', 'true']).error;

/**
 * What fish itself offers for the command line `line` (the cursor at its end), the script loaded
 * as `ais-guard completion fish | source` loads it: fish's own `complete -C`, nothing stubbed.
 * Candidates without their descriptions, sorted; `cwd` holds the files it may offer.
 */
export function fishComplete(script: string, line: string, cwd: string): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', 'printf %s\\n $SCRIPT | source; complete -C$LINE'], {
    cwd,
    env: { ...process.env, SCRIPT: script, LINE: line },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]!)
    .sort();
}
