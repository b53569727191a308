// certificateBlocks against the pattern it replaces: the same blocks on random texts made of the
// markers' pieces, and on a text of BEGIN markers alone, which the pattern read in quadratic time.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { certificateBlocks } from './pem-blocks.js';

const PATTERN = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

describe('certificateBlocks', () => {
  it('finds what the pattern found, on texts of markers, their pieces and other text', () => {
    const piece = fc.constantFrom(BEGIN, END, '-----BEGIN ', 'CERTIFICATE-----', '-', '\n', 'x', 'MIIB');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect(certificateBlocks(text)).toEqual(text.match(PATTERN) ?? []);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['two blocks and text around them', `a\n${BEGIN}\nA\n${END}\nb\n${BEGIN}\nB\n${END}\n`, 2],
    ['an END right after its BEGIN (the pattern wants a character between)', `${BEGIN}${END}x${END}`, 1],
    ['BEGIN markers only, 1 MB of them (quadratic for the pattern)', BEGIN.repeat(40_000), 0],
  ])('%s', (_, text, count) => {
    expect(certificateBlocks(text)).toHaveLength(count);
  });
});
