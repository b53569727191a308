// README (and the refusal itself) say block collections are refused "nested past 500 levels"
// (MAX_BLOCK_DEPTH). The count is of the parser's stack, which also holds the document and the
// scalar being read: 499 nested sequences were refused as "deeper than 500 levels".
import { describe, expect, it } from '@jest/globals';
import { MAX_BLOCK_DEPTH, TooDeep, tokensWithinDepth } from '../../src/k8s/nesting.js';

const drain = (text: string) => {
  for (const _ of tokensWithinDepth(text));
};
/** `levels` block sequences, one inside the other, on one line, holding `leaf`. */
const seqs = (levels: number, leaf = '1') => `${'- '.repeat(levels)}${leaf}\n`;
/** `levels` block mappings, a key a line, the innermost holding `v: 1`. */
const maps = (levels: number) =>
  Array.from({ length: levels - 1 }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('') +
  `${'  '.repeat(levels - 1)}v: 1\n`;

describe(`block nesting: ${MAX_BLOCK_DEPTH} levels read, one more refused`, () => {
  it.each([
    ['sequences, a plain scalar inside', (n: number) => seqs(n)],
    ['sequences, a quoted scalar inside', (n: number) => seqs(n, '"x"')],
    ['sequences, a flow list inside (not a block level)', (n: number) => seqs(n, '[1, [2]]')],
    ['mappings, a key a line', maps],
    ['in a second document', (n: number) => `a: 1\n---\n${seqs(n)}`],
  ])('%s', (_, text) => {
    expect(() => drain(text(MAX_BLOCK_DEPTH))).not.toThrow();
    expect(() => drain(text(MAX_BLOCK_DEPTH + 1))).toThrow(TooDeep);
  });
});
