// Text that go-yaml v2, which kubectl reads YAML with, and the yaml library read differently.
// First: NEL, LS and PS are line breaks to go-yaml (yamlprivateh.go is_break) and text to the yaml
// library (YAML 1.2). Reading them as go-yaml does took a second scanner and still missed cases
// (review fresh24b: escaped breaks, document splits, block scalars): a file with one is an input
// error at its line (k8s/yaml.ts kubectlRefusesText), never another value than kubectl's.
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

describe('NEL, LS and PS: refused with their place, the fix named', () => {
  it.each([
    ['a field after an LS in a comment', `# c${LS}a: 1\n`, 3, 'U+2028 (LINE SEPARATOR)', 'L'],
    ['a PS between values', `a: {k: 1}\nb: 2${PS}c: 3\n`, 4, 'U+2029 (PARAGRAPH SEPARATOR)', 'P'],
    ['a NEL in a double-quoted value', `a: "x${NEL}y"\n`, 3, 'U+0085 (NEXT LINE)', 'N'],
    ['an LS in a single-quoted value', `a: 'x${LS} it''s'\n`, 3, 'U+2028 (LINE SEPARATOR)', 'L'],
    ['a NEL in a literal block', `a: |\n  l1${NEL}  l2\n`, 4, 'U+0085 (NEXT LINE)', 'N'],
  ])('%s', (_, body, line, name, escape) => {
    const { value, errors } = read(body);
    expect(value).toBeUndefined();
    expect(errors).toEqual([
      {
        file: 'f.yaml',
        line,
        message: `a ${name}: a line break to kubectl (go-yaml), not to check's reader, so the two would read the file differently; make it a real line break (in a double-quoted value, the escape \\${escape})`,
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

describe('a comment right after a flow ",", "[" or "{" (review fix26)', () => {
  // go-yaml eats a "#" comment wherever a token may start, no blank needed after a flow indicator
  // (scannerc.go yaml_parser_scan_to_next_token); the library says "Comments must be separated..."
  // and reads the comment as one all the same. Expected values: sigs.k8s.io/yaml v1.4.0 YAMLToJSON.
  it.each([
    ['after a comma in a map', 'a: {k: "1",#the second\n  l: "2"}\n', { k: '1', l: '2' }],
    ['after a comma in a sequence, two comments', 'a: [x,#c\n  #d\n  z]\n', ['x', 'z']],
    ['after "{"', 'a: {#c\n  k: 1}\n', { k: 1 }],
    ['after "[" and in a JSON map', 'a: {"k":"1",#x\n "l": [#y\n 2]}\n', { k: '1', l: [2] }],
  ])('%s', (_, body, expected) => {
    const { value, errors } = read(body);
    expect(errors).toEqual([]);
    expect(value).toEqual(expected);
  });

  it('swallowing the closing brace stays an error (go-yaml: "did not find expected node content")', () => {
    const { errors } = read('a: {k: 1,#c}\n');
    expect(errors).not.toEqual([]);
  });
});
