// Review doctor33: zsh completion of a flag's value given in the --flag=value form.
// DEFECT: `ais-guard doctor --overlay=<TAB>` (or check --output=, render --overlay=,
// --kubeconfig=) in zsh offered the command's flags, which cannot follow "--overlay=": nothing
// completed. bash and `kubectl ais-guard` complete the value there (test/review-cli31).
// EXPECTED: zsh takes the "--flag=" prefix off (compset -P '*=') and offers the flag's words, or
// file names for a flag whose value is a path, as after "--flag ".
import { beforeAll, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';
import { hasZsh, zshComplete } from '../support/completion.js';

let script = '';
beforeAll(async () => {
  script = (await cli(['completion', 'zsh'])).stdout;
});

const zit = hasZsh ? it : it.skip;

zit('a flag of a few words: those words, after the "--flag=" prefix', () => {
  expect(zshComplete(script, ['ais-guard', 'doctor', '--overlay='])).toEqual([
    'compset -P *=',
    'base',
    'audit',
    'cert-manager',
    'validate-only',
    'argocd',
  ]);
  expect(zshComplete(script, ['ais-guard', 'check', '-o=j'])).toEqual([
    'compset -P *=',
    'text',
    'json',
    'junit',
    'sarif',
  ]);
});

zit('a flag whose value is a path: file names, after the "--flag=" prefix', () => {
  expect(zshComplete(script, ['ais-guard', 'doctor', '--kubeconfig='])).toEqual(['compset -P *=', '_files']);
});

zit('a word with "=" after a flag that takes no value, and the forms without "=", as before', () => {
  expect(zshComplete(script, ['ais-guard', 'doctor', '--strict='])).toEqual([]);
  expect(zshComplete(script, ['ais-guard', 'doctor', '--overlay', 'a'])).toEqual([
    'base',
    'audit',
    'cert-manager',
    'validate-only',
    'argocd',
  ]);
  expect(zshComplete(script, ['ais-guard', 'doctor', '--s'])).toContain('--strict');
});
