// block-scalar-end.ts: a block scalar that ends the text without a line break, made ready for one
// (go-yaml v2 keeps a block scalar's last line break only when the text has one: `a: |\n  hi` is
// "hi", and "hi\n" once a break and more follow, as `--fix` puts them).
import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { ScalarEndError, strippedAtEnd } from '../../src/cli/block-scalar-end.js';
import { applyOperation } from '../../src/cli/yaml-edit.js';

describe('strippedAtEnd: the header of a block scalar ending the text', () => {
  it.each([
    ['clip literal', 'a: 1\nnote: |\n  hello', 'a: 1\nnote: |-\n  hello'],
    ['indentation indicator', 'note: |2\n   hello', 'note: |2-\n   hello'],
    ['folded', 'note: >\n  hello\n  there', 'note: >-\n  hello\n  there'],
    ['folded with indicator', 'note: >1\n  hello', 'note: >1-\n  hello'],
    ['a comment after the header', 'note: | # greeting\n  hello', 'note: |- # greeting\n  hello'],
    ['tag and anchor before it', 'note: !!str &g |\n  hello', 'note: !!str &g |-\n  hello'],
    ['in a sequence, CRLF', 'l:\r\n- |\r\n  hello', 'l:\r\n- |-\r\n  hello'],
    ['last document of a stream', 'a: |\n  x\n---\nb: |\n  y', 'a: |\n  x\n---\nb: |-\n  y'],
  ])('%s: rewritten to strip', (_, text, want) => {
    expect(strippedAtEnd(text)).toBe(want);
  });

  it.each([
    ['strip already', 'note: |-\n  hello'],
    ['strip with indicator', 'note: >2-\n   hello'],
    ['a final line break', 'note: |\n  hello\n'],
    ['an empty scalar (header line last)', 'note: |'],
    ['a plain scalar last', 'note: |\n  hello\nb: 1'],
    ['a comment after the scalar', 'note: |\n  hello\n# end'],
    ['a block scalar not last', 'note: |\n  hello\nb: "x"'],
  ])('%s: untouched', (_, text) => {
    expect(strippedAtEnd(text)).toBe(text);
  });

  it.each([
    ['keep', 'a: 1\nnote: |+\n  hello', /"\|\+" \(keep chomping\)/],
    ['keep with indicator', 'note: >2+\n   hello', /">2\+" \(keep chomping\)/],
    ['a last line of blanks', 'note: |\n  hello\n    ', /line of blanks/],
  ])('%s: refused, at the header', (_, text, message) => {
    let error: unknown;
    try {
      strippedAtEnd(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScalarEndError);
    expect((error as ScalarEndError).message).toMatch(message);
    expect(text[(error as ScalarEndError).at]).toMatch(/[|>]/);
  });

  it('uses the document given for the text', () => {
    const text = 'note: >\n  hello';
    expect(strippedAtEnd(text, parseDocument(text))).toBe('note: >-\n  hello');
  });
});

describe('applyOperation: an entry added after a block scalar at an unended end', () => {
  it('makes the scalar strip, so it stays "hello" to go-yaml', () => {
    const out = applyOperation('a:\n  note: |\n    hello', ['a'], { op: 'add', path: '/b', value: true });
    expect(out).toBe('a:\n  note: |-\n    hello\n  b: true');
  });

  it('leaves the header when the entry goes elsewhere', () => {
    const text = 'x: {}\na:\n  note: |\n    hello';
    expect(applyOperation(text, ['x'], { op: 'add', path: '/b', value: 1 })).toBe(
      'x: { b: 1 }\na:\n  note: |\n    hello',
    );
  });

  it('refuses a keep-chomped one', () => {
    expect(() => applyOperation('l:\n- |+\n  hello', ['l'], { op: 'add', path: '/-', value: 'x' })).toThrow(
      /keep chomping/,
    );
  });
});
