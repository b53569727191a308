// Review cli31: `rules explain ID -o json` printed the text explanation, and `-o bogus` (or
// `-o markdown`) was accepted with exit 0: a script asking for JSON got prose, and a typo passed.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

describe('review cli31: rules explain -o', () => {
  it('-o json prints the rule as `rules -o json` lists it', async () => {
    const all = JSON.parse((await cli(['rules', '-o', 'json'])).stdout) as { id: string }[];
    const r = await cli(['rules', 'explain', 'pvc-name', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(all.find((rule) => rule.id === 'pvc-name'));
  });

  it('-o text (the default) is the explanation', async () => {
    const plain = await cli(['rules', 'explain', 'pvc-name']);
    const text = await cli(['rules', 'explain', 'pvc-name', '-o', 'text']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(plain.stdout);
    expect(plain.stdout.startsWith('pvc-name: ')).toBe(true);
  });

  it.each([['bogus'], ['markdown'], ['table']])(
    '-o %s: one line, exit 2, nothing printed',
    async (format) => {
      const r = await cli(['rules', 'explain', 'pvc-name', '-o', format]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toContain(`"${format}"`);
    },
  );

  it('an unknown -o for the list is still refused', async () => {
    const r = await cli(['rules', '-o', 'bogus']);
    expect(r.code).toBe(2);
  });
});
