// Text that go-yaml v2, which kubectl reads YAML with, and the yaml library read differently, read by
// check as go-yaml does. First: NEL, LS and PS are line breaks to go-yaml (yamlprivateh.go is_break)
// and text to the yaml library (YAML 1.2); check reads them as go-yaml does (k8s/yaml.ts
// goYamlLineBreaks, goYamlScalars). Each expected value below is sigs.k8s.io/yaml v1.4.0
// YAMLToJSON's of the same text (a Go program run over these cases); what the yaml library cannot
// be made to read alike is an input error, never another value.
import { describe, expect, it } from '@jest/globals';
import { parseSource, type LoadError } from '../../src/cli/load.js';

const LS = '\u2028';
const PS = '\u2029';
const NEL = '\u0085';

function read(body: string): { value?: unknown; errors: LoadError[] } {
  const errors: LoadError[] = [];
  const { manifests } = parseSource('f.yaml', `apiVersion: v1\nkind: X\n${body}`, errors);
  const object = manifests[0]?.object as Record<string, unknown> | undefined;
  return { value: object?.a, errors };
}

describe('NEL, LS and PS read as go-yaml reads them', () => {
  it.each([
    ['a field after an LS in a comment', `# c${LS}a: 1\n`, 1],
    ['fields after LS, PS, NEL between values', `a: {k: 1}${LS}b: 2${PS}c: 3${NEL}d: 4\n`, { k: 1 }],
    ['a comment in a flow sequence, then an item', `a: [x, # c${LS} y]\n`, ['x', true]],
    ['double-quoted: LS kept, blanks around it eaten', `a: "x  ${LS}  y"\n`, `x${LS}y`],
    ['double-quoted: LS then LF', `a: "x${LS}\n  y"\n`, `x${LS}\ny`],
    ['double-quoted: NEL folds as LF', `a: "x${NEL}y"\n`, 'x y'],
    ['double-quoted: an escaped backslash before LS', `a: "\\\\${LS}y"\n`, `\\${LS}y`],
    ["single-quoted: LS kept, '' read", `a: 'x${LS} it''s'\n`, `x${LS}it's`],
    ['single-quoted: two PS kept', `a: 'x${PS}${PS}y'\n`, `x${PS}${PS}y`],
    ['plain, continued after LS: kept', `a: x${LS}  y\n`, `x${LS}y`],
    ['plain, continued after NEL: folded', `a: x${NEL}  y\n`, 'x y'],
    ['literal block: NEL is LF', `a: |\n  l1${NEL}  l2\n`, 'l1\nl2\n'],
    ['folded block: NEL is LF', `a: >\n  l1${NEL}  l2\n  l3\n`, 'l1 l2 l3\n'],
  ])('%s', (_, body, expected) => {
    const { value, errors } = read(body);
    expect(errors).toEqual([]);
    expect(value).toEqual(expected);
  });

  it('a line after an LS is no line of the file: errors keep the line an editor shows', () => {
    // kubectl reads "l1\u2028l2\n" here; the yaml library cannot be made to, so it is refused.
    const { errors } = read(`a: |\n  l1${LS}  l2\n`);
    expect(errors).toEqual([
      {
        file: 'f.yaml',
        line: 4,
        message: expect.stringContaining('U+2028 (LINE SEPARATOR) in a block scalar'),
      },
    ]);
  });
});

describe('a comment at a line start inside a multi-line flow collection', () => {
  // The yaml library says "Comments must be separated from other tokens by white space characters"
  // though a line break separates it, and reads it as a comment all the same; go-yaml skips it
  // (scannerc.go yaml_parser_scan_to_next_token). That error alone is not refused (k8s/yaml.ts
  // goYamlErrors). Expected values: sigs.k8s.io/yaml v1.4.0 YAMLToJSON of the same text.
  it.each([
    ['a commented-out entry', `a: {\n  k: v,\n#  x: y\n  l: w\n  }\n`, { k: 'v', l: 'w' }],
    [
      'in a map and in a sequence in it',
      `a: {\n#c\n  k: v, l: [1,\n# in seq\n   2]\n  }\n`,
      { k: 'v', l: [1, 2] },
    ],
    ['after the last entry, before the brace', `a: {\n  k: v\n#c: d\n  }\nb: 1\n`, { k: 'v' }],
    ['two in a row', `a: {\n  k: v,\n#c\n#d\n  l: w}\n`, { k: 'v', l: 'w' }],
    ['no comment: a "#" right after a value is part of it', 'a: {k: v#c}\n', { k: 'v#c' }],
  ])('%s', (_, body, expected) => {
    const { value, errors } = read(body);
    expect(errors).toEqual([]);
    expect(value).toEqual(expected);
  });
});
