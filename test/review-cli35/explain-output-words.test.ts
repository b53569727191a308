// Review cli35: `ais-guard rules explain ID -o <TAB>` offered markdown and table, the words of
// `rules -o`; `rules explain` refuses both ('rules explain prints text or json, not "table"', exit 2).
// EXPECTED: after `rules explain`, -o completes text and json, in every shell and through kubectl;
// `rules -o` keeps its four.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { bashComplete, fishComplete, hasFish, hasZsh, zshComplete } from '../support/completion.js';

const kubectl = async (words: string[]) =>
  (await cli(['__complete', ...words])).stdout.split('\n').filter(Boolean);

describe('review cli35: rules explain -o offers only what explain prints', () => {
  const script: Record<string, string> = {};
  beforeAll(async () => {
    for (const shell of ['bash', 'zsh', 'fish']) script[shell] = (await cli(['completion', shell])).stdout;
  });

  it('the CLI: explain takes text and json only', async () => {
    expect((await cli(['rules', 'explain', 'pvc-name', '-o', 'table'])).code).toBe(2);
    expect((await cli(['rules', 'explain', 'pvc-name', '-o', 'json'])).code).toBe(0);
  });

  it('bash', () => {
    expect(bashComplete(script.bash!, ['ais-guard', 'rules', 'explain', 'pvc-name', '-o', ''])).toEqual([
      'text',
      'json',
    ]);
    expect(
      bashComplete(script.bash!, ['ais-guard', 'rules', 'explain', 'pvc-name', '--output', '=', '']),
    ).toEqual(['text', 'json']);
    expect(bashComplete(script.bash!, ['ais-guard', 'rules', '-o', ''])).toEqual([
      'text',
      'json',
      'markdown',
      'table',
    ]);
  });

  (hasZsh ? it : it.skip)('zsh', () => {
    expect(zshComplete(script.zsh!, ['ais-guard', 'rules', 'explain', 'pvc-name', '-o', ''])).toEqual([
      'text',
      'json',
    ]);
    expect(zshComplete(script.zsh!, ['ais-guard', 'rules', '-o', ''])).toEqual([
      'text',
      'json',
      'markdown',
      'table',
    ]);
  });

  (hasFish ? it : it.skip)(`fish${hasFish ? '' : ' (skipped: fish is not installed)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fish-'));
    expect(fishComplete(script.fish!, 'ais-guard rules explain pvc-name -o ', dir)).toEqual(['json', 'text']);
    expect(fishComplete(script.fish!, 'ais-guard rules explain pvc-name --output=', dir)).toEqual([
      '--output=json',
      '--output=text',
    ]);
    expect(fishComplete(script.fish!, 'ais-guard rules -o ', dir)).toEqual([
      'json',
      'markdown',
      'table',
      'text',
    ]);
  });

  it('kubectl ais-guard', async () => {
    expect(await kubectl(['rules', 'explain', 'pvc-name', '-o', ''])).toEqual(['text', 'json', ':4']);
    expect(await kubectl(['rules', 'explain', 'pvc-name', '--output='])).toEqual(['text', 'json', ':4']);
    expect(await kubectl(['rules', '-o', ''])).toEqual(['text', 'json', 'markdown', 'table', ':4']);
  });
});
