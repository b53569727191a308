// The catalogue in docs/rules.md and the README is generated from the rule files: keep it in sync.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { markdownDoc, markdownTable } from '../../src/cli/rules.js';
import { RULES } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';

const README_BLOCK = /<!-- rules:start[^>]*-->\n([\s\S]*?)\n<!-- rules:end -->/;

describe('rule catalogue', () => {
  it('docs/rules.md is what `ais-guard rules -o markdown` prints (regenerate it if this fails)', () => {
    expect(readFileSync('docs/rules.md', 'utf8')).toBe(markdownDoc());
  });

  it('the README table is what `ais-guard rules -o table` prints', () => {
    expect(README_BLOCK.exec(readFileSync('README.md', 'utf8'))?.[1]).toBe(markdownTable());
  });

  it('every finding anchor exists in docs/rules.md', () => {
    const doc = readFileSync('docs/rules.md', 'utf8');
    for (const r of RULES) expect(doc).toContain(`<a id="${r.id}"></a>`);
  });

  // The SARIF report's helpUri is the first word of `upstream`: code scanning takes it as a link.
  it("every rule's upstream starts with the URL of what it enforces", () => {
    for (const r of RULES)
      expect([r.id, r.upstream]).toEqual([r.id, expect.stringMatching(/^https:\/\/\S+( |$)/)]);
  });

  it('lists the rules as text and JSON', async () => {
    const text = await cli(['rules']);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(RULES.length);
    const json = JSON.parse((await cli(['rules', '-o', 'json'])).stdout);
    expect(json.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
  });
});
