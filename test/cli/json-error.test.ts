// json-error.ts finds where JSON text goes wrong, held to JSON.parse itself: it finds nothing exactly
// when JSON.parse accepts the text, and where JSON.parse names a position, the same one.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { jsonErrorAt } from '../../src/cli/json-error.js';

/** JSON.parse's verdict: ok, or the position it names (undefined when its message names none). */
function parsed(text: string): { ok: true } | { ok: false; at: number | undefined } {
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (err) {
    const m = / at position (\d+)/.exec((err as Error).message);
    return { ok: false, at: m ? Number(m[1]) : undefined };
  }
}

const PIECES = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"a"',
  '"',
  '\\',
  '1',
  '-',
  '0',
  '.5',
  'e3',
  'true',
  'nul',
  ' ',
  '\n',
  '\t',
  '"\\u12"',
  '"\\q"',
  '"\u0001"',
];

describe('jsonErrorAt', () => {
  it("property: nothing exactly when JSON.parse accepts; JSON.parse's position where it names one", () => {
    const valid = fc.json({ maxDepth: 3 });
    const mutated = fc
      .tuple(valid, fc.nat(), fc.nat(), fc.constantFrom(...PIECES))
      .map(([text, i, n, piece]) => {
        const at = i % (text.length + 1);
        return text.slice(0, at) + piece + text.slice(at + (n % 3));
      });
    fc.assert(
      fc.property(
        fc.oneof(
          valid,
          mutated,
          fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((p) => p.join('')),
        ),
        (text) => {
          const want = parsed(text);
          const at = jsonErrorAt(text, 0, text.length);
          if (want.ok) expect(at).toBeUndefined();
          else {
            expect(at).toBeDefined();
            if (want.at !== undefined) expect(at).toBe(want.at);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('a trailing comma in a list, which JSON.parse names no position of', () => {
    const text = '{\n  "a": [\n    "b",\n    "c",\n  ]\n}\n';
    expect(parsed(text)).toEqual({ ok: false, at: undefined });
    expect(text.slice(0, jsonErrorAt(text, 0, text.length)).split('\n')).toHaveLength(5);
  });

  it('a value that ends early: at the end', () => {
    expect(jsonErrorAt('{"a": [1, 2', 0, 11)).toBe(11);
    expect(jsonErrorAt('xx{"a": 1}yy', 2, 10)).toBeUndefined();
  });
});
