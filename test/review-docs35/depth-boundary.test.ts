// README (and the refusal itself) say collections are refused "nested past 500 levels" (MAX_DEPTH),
// block and flow alike. The count is of the parser's stack, which also holds the document and the
// scalar being read: 499 nested sequences were once refused as "deeper than 500 levels". Flow
// levels were counted only against go-yaml's 10,000, and about 800 of them overflowed the yaml
// library's composer ("Maximum call stack size exceeded" as check's error).
import { describe, expect, it } from '@jest/globals';
import { MAX_DEPTH, TooDeep, tokensWithinDepth } from '../../src/k8s/nesting.js';

const drain = (text: string) => {
  for (const _ of tokensWithinDepth(text));
};
/** `levels` block sequences, one inside the other, on one line, holding `leaf`. */
const seqs = (levels: number, leaf = '1') => `${'- '.repeat(levels)}${leaf}\n`;
/** `levels` block mappings, a key a line, the innermost holding `v: 1`. */
const maps = (levels: number) =>
  Array.from({ length: levels - 1 }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('') +
  `${'  '.repeat(levels - 1)}v: 1\n`;
/** `levels` flow collections, `open` after `open`. */
const flow = (levels: number, open: string, close: string) =>
  `${open.repeat(levels)}1${close.repeat(levels)}\n`;
/** Half the levels block sequences, the rest flow lists inside them. */
const mixed = (levels: number) => seqs(levels - 250, flow(250, '[', ']').trimEnd());

describe(`nesting: ${MAX_DEPTH} levels read, one more refused`, () => {
  it.each([
    ['block sequences, a plain scalar inside', (n: number) => seqs(n)],
    ['block sequences, a quoted scalar inside', (n: number) => seqs(n, '"x"')],
    ['block mappings, a key a line', maps],
    ['flow lists', (n: number) => flow(n, '[', ']')],
    ['flow maps', (n: number) => flow(n, '{a: ', '}')],
    ['flow lists of two, the second nesting', (n: number) => flow(n, '[0, ', ']')],
    ['block sequences holding flow lists', mixed],
    ['in a second document', (n: number) => `a: 1\n---\n${seqs(n)}`],
  ])('%s', (_, text) => {
    expect(() => drain(text(MAX_DEPTH))).not.toThrow();
    expect(() => drain(text(MAX_DEPTH + 1))).toThrow(TooDeep);
  });

  it('siblings are not levels: many flow lists side by side, each one deep', () => {
    expect(() => drain(`[${'[1], '.repeat(5_000)}[1]]\n`)).not.toThrow();
  });
});
