// A text ending inside a block scalar without a final line break is read two ways (eof-readings.ts):
// kubectl's line reader ends the last line with '\n' (apimachinery pkg/util/yaml decoder.go
// LineReader.Read: `note: |\n  hello` is "hello\n"), kyaml (kustomize, Flux; go-yaml v3) reads the
// bytes ("hello"). An edit --fix makes must keep both readings of every value it does not patch.
import { describe, expect, it } from '@jest/globals';
import jsonpatch from 'fast-json-patch';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { blockScalarAtEnd, goYamlText, kubectlText } from '../../src/cli/eof-readings.js';
import { applyOperation, EditError } from '../../src/cli/yaml-edit.js';
import type { PatchOperation } from '../../src/policy/index.js';
import { eofCase, kubectlRead, kyamlRead } from '../support/eof-readings.js';

const toPointer = (path: (string | number)[]) => path.map((s) => `/${s}`).join('');

/** The reading with the operation applied at `base`, as the fix means it. */
const patchedReading = (reading: unknown[], base: (string | number)[], op: PatchOperation) =>
  jsonpatch.applyOperation(
    structuredClone(reading[0]),
    { ...op, path: toPointer(base) + op.path } as jsonpatch.Operation,
    false,
    false,
  ).newDocument;

describe('the two readings', () => {
  it.each([
    ['clip', 'note: |\n  hello', 'hello\n', 'hello', true],
    ['keep', 'note: |+\n  hello', 'hello\n', 'hello', true],
    ['strip', 'note: |-\n  hello', 'hello', 'hello', true],
    ['folded, indicator, comment', 'a:\n  note: >2 # c\n     hello\n    x', ' hello\nx\n', ' hello\nx', true],
    ['CRLF', 'note: |\r\n  hello', 'hello\n', 'hello', true],
    ['a final line break', 'note: |\n  hello\n', 'hello\n', 'hello\n', false],
    ['the header line last', 'note: |', '', '', false],
    ['a plain scalar last', 'note: |\n  hello\nb: 1', 'hello\n', 'hello\n', false],
  ])('%s', (_, text, kubectl, kyaml, atEnd) => {
    const note = (docs: unknown[]) => {
      const doc = docs[0] as Record<string, unknown>;
      return (doc.note ?? (doc.a as Record<string, unknown>).note) as string;
    };
    expect(note(kubectlRead(text))).toBe(kubectl);
    expect(note(kyamlRead(text))).toBe(kyaml);
    // The src side, as fix.ts reads the texts with the yaml library.
    expect(note([parseDocument(kubectlText(text)).toJS()])).toBe(kubectl);
    expect(note([parseDocument(goYamlText(text)).toJS()])).toBe(kyaml);
    expect(blockScalarAtEnd(text) !== undefined).toBe(atEnd);
  });

  it('goYamlText reads as kyaml does, over generated texts', () => {
    fc.assert(
      fc.property(eofCase, ({ text }) => {
        expect([parseDocument(goYamlText(text), { version: '1.1' }).toJS()]).toEqual(kyamlRead(text));
      }),
      { numRuns: 150 },
    );
  });
});

describe('applyOperation on a text ending in a block scalar: both readings kept', () => {
  it('adds an entry to every mapping around the scalar, removes and replaces its siblings', () => {
    fc.assert(
      fc.property(eofCase, fc.constantFrom<unknown>(true, 'text', { x: 1 }), fc.nat(), (c, value, pick) => {
        const ops: [(string | number)[], PatchOperation][] = c.maps.map((base) => [
          base,
          { op: 'add', path: '/added', value },
        ]);
        const sibling = c.siblings[pick % Math.max(c.siblings.length, 1)];
        const inner = c.maps[c.maps.length - 1]!;
        if (sibling) {
          ops.push([inner, { op: 'remove', path: `/${sibling}` }]);
          // A collection in place of a "- p: v" entry is refused whatever ends the text.
          ops.push([
            inner,
            { op: 'replace', path: `/${sibling}`, value: typeof value === 'object' ? 'text' : value },
          ]);
        }
        for (const [base, op] of ops) {
          const out = applyOperation(c.text, base, op);
          expect(kubectlRead(out)[0]).toEqual(patchedReading(kubectlRead(c.text), base, op));
          expect(kyamlRead(out)[0]).toEqual(patchedReading(kyamlRead(c.text), base, op));
          // Nothing after the scalar: its bytes end the text as they did.
          if (!c.finalBreak) expect(out.endsWith(c.text.slice(c.text.lastIndexOf('note:')))).toBe(true);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('puts a new entry before the last one, on its line after a "- "', () => {
    expect(
      applyOperation('a:\n  b: 1\n  note: |\n    hello', ['a'], { op: 'add', path: '/c', value: true }),
    ).toBe('a:\n  b: 1\n  c: true\n  note: |\n    hello');
    expect(
      applyOperation('l:\n- note: |\r\n    hello', ['l', 0], { op: 'add', path: '/c', value: { x: 1 } }),
    ).toBe('l:\n- c:\r\n    x: 1\r\n  note: |\r\n    hello');
    // A text ending otherwise keeps its entry at the end, without a final line break.
    expect(
      applyOperation('a:\n  note: |\n    hello\n  b: 1', ['a'], { op: 'add', path: '/c', value: 2 }),
    ).toBe('a:\n  note: |\n    hello\n  b: 1\n  c: 2');
  });

  it('refuses an item appended after the scalar (a list keeps its order): no reading can stay', () => {
    expect(() => applyOperation('l:\n- |\n  hello', ['l'], { op: 'add', path: '/-', value: 'x' })).toThrow(
      EditError,
    );
    expect(() => applyOperation('l:\n- |\n  hello', ['l'], { op: 'add', path: '/-', value: 'x' })).toThrow(
      /kubectl reads with a line break at its end and kustomize without, and a list keeps its order/,
    );
    // Before it, the list's order is the patch's.
    expect(applyOperation('l:\n- |\n  hello', ['l'], { op: 'add', path: '/0', value: 'x' })).toBe(
      'l:\n- x\n- |\n  hello',
    );
  });
});
