// The in-place YAML editor behind `check --fix --write`: any JSON Patch between two objects,
// applied to the text of the first (block, flow or mixed style), reads back as the second.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { Document, parseDocument } from 'yaml';
import type { PatchOperation } from '../../src/policy/index.js';
import { applyOperation, EditError } from '../../src/cli/yaml-edit.js';

const key = fc.constantFrom('a', 'b', 'spec', 'x/y', 'ais-guard/disks', 'on', '0644', 'k');
const leaf = fc.oneof(
  fc.constantFrom('0644', 'yes', 'on', '', 'two words', 'a: b', '# not a comment', '-', 'x\ny'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  list: fc.array(tie('node'), { maxLength: 3 }),
})).map;

/**
 * Pretty JSON (one flow map over many lines) with a comment in each gap between top-level entries:
 * on a line of its own before each and at the end of each one's last line. No edit of the entries
 * may take them.
 */
function commented(obj: unknown): string {
  let n = 0;
  return JSON.stringify(obj, null, 2)
    .split('\n')
    .flatMap((line) => {
      if (!/^ {2}\S/.test(line)) return [line];
      const before = line.startsWith('  "') ? [`  # keep${++n}`] : [];
      return [...before, /[{[]$/.test(line) ? line : `${line}  # keep${++n}`];
    })
    .join('\n');
}

/**
 * Block YAML with comments after each top-level entry: one at the indentation of its last line,
 * then one at column 0. The yaml library counts such comments into the range of a block collection
 * that ends in a list of maps (review check47: --fix cut them with an affinity it removed, and
 * added keys after them). No edit may take or pass one. (A block scalar would take the indented
 * comment in as its text: such objects are written as plain block YAML.)
 */
function blockCommented(obj: unknown): string {
  const text = render(obj, 'block', '\n');
  if (/(?:^|[:-] )[|>]/m.test(text)) return text;
  let n = 0;
  const lines = text.replace(/\n$/, '').split('\n');
  const comments = (last: string) => [`${/^ */.exec(last)![0]}# keep${++n}`, `# keep${++n}`];
  return (
    [
      ...lines.flatMap((line, i) =>
        i > 0 && /^[^\s#]/.test(line) ? [...comments(lines[i - 1]!), line] : [line],
      ),
      ...comments(lines[lines.length - 1]!),
    ].join('\n') + '\n'
  );
}

function render(
  obj: unknown,
  style: 'block' | 'flow' | 'mixed' | 'commented' | 'block-commented' | 'json',
  eol: string,
): string {
  if (style === 'commented') return (commented(obj) + '\n').replaceAll('\n', eol);
  if (style === 'block-commented') return blockCommented(obj).replaceAll('\n', eol);
  if (style === 'json') return (JSON.stringify(obj, null, 2) + '\n').replaceAll('\n', eol);
  const doc = new Document(obj, { version: '1.1' });
  const text = doc.toString({
    lineWidth: 0,
    collectionStyle: style === 'mixed' ? 'any' : style,
    flowCollectionPadding: style !== 'mixed',
  });
  return text.replaceAll('\n', eol);
}

describe('applyOperation', () => {
  it('property: the edited text reads back as the patched object, or the edit is refused', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        value,
        value,
        fc.constantFrom('block', 'flow', 'mixed', 'commented', 'block-commented', 'json'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (before, after, style, eol, finalBreak) => {
          const ops = jsonpatch.compare(before, after) as PatchOperation[];
          if (ops.length === 0) return;
          let text = render(before, style as 'block', eol);
          const comments = text.match(/# keep\d+/g) ?? [];
          // A document's slice may end before its last line break (see "gains none" below).
          if (!finalBreak) text = text.slice(0, -eol.length);
          try {
            for (const op of ops) text = applyOperation(text, [], op);
          } catch (err) {
            if (!(err instanceof EditError)) throw err;
            refused++;
            return;
          }
          applied++;
          expect(parseDocument(text, { version: '1.1' }).toJS()).toEqual(after);
          expect(text.endsWith('\n')).toBe(finalBreak);
          expect(text.match(/# keep\d+/g) ?? []).toEqual(comments);
          // A JSON text stays JSON.
          if (style === 'json') expect(JSON.parse(text)).toEqual(after);
        },
      ),
      { numRuns: Number(process.env.EDIT_RUNS ?? 400) },
    );
    // Refusals are the editor's escape hatch, not its habit.
    expect(refused).toBeLessThan(applied / 4);
  }, 120_000);

  it('a value with a line break spliced into a nested flow collection keeps it one line (the keys after it survive)', () => {
    // Found by the property above (seed -179673061): the item went in folded over lines at column 0,
    // and the document read back without x/y.
    const text = 'b:\n  []\nx/y: "0644"\n';
    const out = applyOperation(text, [], { op: 'add', path: '/b/0', value: { a: { a: 'x\ny' } } });
    expect(parseDocument(out, { version: '1.1' }).toJS()).toEqual({
      b: [{ a: { a: 'x\ny' } }],
      'x/y': '0644',
    });
    expect(out.slice(out.indexOf('x/y'))).toBe('x/y: "0644"\n');
  });

  it('a block scalar (|-) replaced by a plain value keeps its line break', () => {
    // Found by the property above: "- |-" replaced by null ran into the next key.
    const text = 'k:\n  - |-\n    x\n    y\n"on": "0644"\n';
    expect(applyOperation(text, [], { op: 'replace', path: '/k/0', value: null })).toBe(
      'k:\n  - null\n"on": "0644"\n',
    );
    expect(applyOperation('a: |\n  x\nb: 1\n', [], { op: 'replace', path: '/a', value: 2 })).toBe(
      'a: 2\nb: 1\n',
    );
  });

  it('keeps comments and YAML 1.1 scalars next to the edit', () => {
    const text = 'metadata:\n  annotations: {keep: "1"}  # flow\n  labels:\n    mode: 0644 # octal\n';
    const out = applyOperation(text, [], {
      op: 'add',
      path: '/metadata/annotations/ais-guard~1disks',
      value: 'pv=n:/x',
    });
    expect(out).toBe(
      'metadata:\n  annotations: {keep: "1", ais-guard/disks: pv=n:/x}  # flow\n  labels:\n    mode: 0644 # octal\n',
    );
    expect(applyOperation(out, [], { op: 'add', path: '/metadata/labels/on', value: 'yes' })).toBe(
      out + '    "on": "yes"\n',
    );
  });
});

describe('applyOperation: the comment closing the line of a key whose value is rewritten stays', () => {
  const add = (text: string, path: string, value: unknown) =>
    applyOperation(text, [], { op: 'add', path, value } as PatchOperation);
  it.each([
    [
      'a null value',
      'metadata:\n  annotations: # none yet\n  name: ais\n',
      'metadata:\n  annotations: # none yet\n    ais-guard/disks: pv=n:/x\n  name: ais\n',
    ],
    [
      'an empty flow map',
      'metadata:\n  annotations: {}  # later\n',
      'metadata:\n  annotations: # later\n    ais-guard/disks: pv=n:/x\n',
    ],
    [
      'a block map',
      'metadata:\n  annotations: # ours\n    a: "1"\n',
      'metadata:\n  annotations: # ours\n    ais-guard/disks: pv=n:/x\n',
    ],
    [
      'with CRLF',
      'metadata:\r\n  annotations: # none yet\r\n',
      'metadata:\r\n  annotations: # none yet\r\n    ais-guard/disks: pv=n:/x\r\n',
    ],
  ])('%s', (_name, text, expected) => {
    expect(add(text, '/metadata/annotations', { 'ais-guard/disks': 'pv=n:/x' })).toBe(expected);
  });
  it('a scalar rewritten in place keeps its comment; a "#" inside a value is no comment', () => {
    expect(add('spec:\n  volumeName: # set by the guard\n', '/spec/volumeName', 'pv-1')).toBe(
      'spec:\n  volumeName: pv-1 # set by the guard\n',
    );
    expect(add('m:\n  k: "a #b"\n', '/m/k', { x: 1 })).toBe('m:\n  k:\n    x: 1\n');
  });
});

describe('applyOperation: defects found by an adversarial tester', () => {
  const read = (text: string) => parseDocument(text, { version: '1.1' }).toJS() as unknown;

  it('a JSON document stays JSON: keys and values it gains are written as JSON', () => {
    const pvc =
      '{ "apiVersion": "v1", "kind": "PersistentVolumeClaim",\n' +
      '  "metadata": {"name": "ais-data-aistore-ais-target-1", "namespace": "ais"},\n' +
      '  "spec": {"storageClassName": "ais-local-storage", "accessModes": ["ReadWriteOnce"],\n' +
      '           "resources": {"requests": {"storage": "5Ti"}}} }\n';
    const out = applyOperation(pvc, [], { op: 'add', path: '/spec/volumeName', value: 'pv-ais-sdb' });
    const expected = JSON.parse(pvc) as { spec: Record<string, unknown> };
    expected.spec.volumeName = 'pv-ais-sdb';
    expect(JSON.parse(out)).toEqual(expected);
    // Collections, replaced scalars and items of flow sequences too.
    const more = [
      { op: 'add', path: '/metadata/labels', value: { on: 'yes', n: [1, null] } },
      { op: 'replace', path: '/spec/storageClassName', value: '0644' },
      { op: 'add', path: '/spec/accessModes/-', value: 'ReadOnlyMany' },
      { op: 'replace', path: '/spec/accessModes/0', value: 'on' },
    ] as PatchOperation[];
    const edited = more.reduce((text, op) => applyOperation(text, [], op), out);
    expect(JSON.parse(edited)).toEqual(
      jsonpatch.applyPatch(expected, more as jsonpatch.Operation[]).newDocument,
    );
    // In a YAML document, a flow map with double-quoted keys gets double-quoted keys too.
    expect(applyOperation('a: 1\nb: {"x": 1}\n', [], { op: 'add', path: '/b/y', value: 'z' })).toBe(
      'a: 1\nb: {"x": 1, "y": "z"}\n',
    );
  });

  it('removing a key from a multi-line flow map keeps the comments on the other lines', () => {
    const head = 'kind: AIStore\nspec: {\n';
    expect(
      applyOperation(
        head + '  targetSpec: {size: 2},  # two targets: keep me\n  disablePodAntiAffinity: true\n}\n',
        [],
        { op: 'remove', path: '/spec/disablePodAntiAffinity' },
      ),
    ).toBe(head + '  targetSpec: {size: 2}  # two targets: keep me\n}\n');
    expect(
      applyOperation(
        head +
          '  disablePodAntiAffinity: true,\n  # target settings below: keep me\n  targetSpec: {size: 2}\n}\n',
        [],
        { op: 'remove', path: '/spec/disablePodAntiAffinity' },
      ),
    ).toBe(head + '  # target settings below: keep me\n  targetSpec: {size: 2}\n}\n');
    // The same in a flow sequence, and on one line.
    expect(applyOperation('k: [\n  a,  # keep\n  b\n]\n', [], { op: 'remove', path: '/k/1' })).toBe(
      'k: [\n  a  # keep\n]\n',
    );
    expect(applyOperation('k: {a: 1, b: 2, c: 3}\n', [], { op: 'remove', path: '/k/a' })).toBe(
      'k: {b: 2, c: 3}\n',
    );
    expect(applyOperation('k: {a: 1, b: 2, c: 3}\n', [], { op: 'remove', path: '/k/c' })).toBe(
      'k: {a: 1, b: 2}\n',
    );
  });

  it('a text without a final line break (a document slice ending at a null value) gains none', () => {
    // load.ts ends such a slice before its last line break and fix.ts puts that break back after
    // the edited slice: a break the edit adds at the end would show up as a blank line.
    const pvc = 'kind: PersistentVolumeClaim\nspec:\n  storageClassName: s\n  selector:';
    const add = { op: 'add', path: '/spec/volumeName', value: 'pv' } as PatchOperation;
    expect(applyOperation(pvc, [], add)).toBe(pvc + '\n  volumeName: pv');
    const crlf = pvc.replaceAll('\n', '\r\n');
    expect(applyOperation(crlf, [], add)).toBe(crlf + '\r\n  volumeName: pv');
    expect(applyOperation(pvc, [], { op: 'replace', path: '/spec/selector', value: { a: 1 } })).toBe(
      pvc.replace('selector:', 'selector:\n    a: 1'),
    );
    expect(applyOperation(pvc, [], { op: 'remove', path: '/spec/selector' })).toBe(
      'kind: PersistentVolumeClaim\nspec:\n  storageClassName: s',
    );
    expect(applyOperation('k:\n  a:', [], { op: 'remove', path: '/k/a' })).toBe('k:\n  {}');
    expect(applyOperation('k:\n  - a\n  -', [], { op: 'remove', path: '/k/1' })).toBe('k:\n  - a');
  });

  it('finds the "-" of an item after an anchor or a comment with a hyphen in it', () => {
    for (const props of ['&zone-req', '  # zone-pinning']) {
      const text = `terms:\n  - ${props}\n    key: zone\n    values: [z1]\n`;
      const out = applyOperation(text, [], { op: 'add', path: '/terms/-', value: { key: 'host' } });
      expect(out).toBe(text + '  - key: host\n');
      expect(read(applyOperation(out, [], { op: 'remove', path: '/terms/0' }))).toEqual({
        terms: [{ key: 'host' }],
      });
      expect(read(applyOperation(out, [], { op: 'add', path: '/terms/0', value: 'x' }))).toEqual({
        terms: ['x', { key: 'zone', values: ['z1'] }, { key: 'host' }],
      });
    }
  });

  it('an entry added where a remove left a block collection\'s "{}" or "[]" goes in block style (review fix26)', () => {
    // The remove of a block map's last key writes "{}" (an empty block map would read as null); the
    // add that follows in the same patch wrote its key as a flow line: `{ nodeAffinity: {...} }`.
    const pod = 'spec:\n  affinity:\n    podAntiAffinity:\n      x: 1\n  hostname: h\n';
    const removed = applyOperation(pod, [], { op: 'remove', path: '/spec/affinity/podAntiAffinity' });
    expect(removed).toBe('spec:\n  affinity:\n    {}\n  hostname: h\n');
    const value = { required: { terms: [{ key: 'host', values: ['n1'] }] } };
    expect(applyOperation(removed, [], { op: 'add', path: '/spec/affinity/nodeAffinity', value })).toBe(
      'spec:\n  affinity:\n    nodeAffinity:\n      required:\n        terms:\n          - key: host\n            values:\n              - n1\n  hostname: h\n',
    );
    // A sequence likewise; CRLF and an unended last line kept.
    const seq = applyOperation('k:\r\n  - a\r\n', [], { op: 'remove', path: '/k/0' });
    expect(seq).toBe('k:\r\n  []\r\n');
    expect(applyOperation(seq, [], { op: 'add', path: '/k/-', value: { b: 1, c: 2 } })).toBe(
      'k:\r\n  - b: 1\r\n    c: 2\r\n',
    );
    expect(applyOperation('k:\n  {}', [], { op: 'add', path: '/k/a', value: 1 })).toBe('k:\n  a: 1');
    // On its key's line, or inside a flow collection, it stays flow.
    expect(applyOperation('k: {}\n', [], { op: 'add', path: '/k/a', value: 1 })).toBe('k: { a: 1 }\n');
    expect(read(applyOperation('k: [\n  {}\n]\n', [], { op: 'add', path: '/k/0/a', value: 1 }))).toEqual({
      k: [{ a: 1 }],
    });
  });
});

describe("applyOperation: comments kept after a removed entry never become a block scalar's text", () => {
  // Review fix47 of contentEnd: the comment after a removed affinity followed the container's
  // `command` block scalar and, indented as deep as its text, became part of the command.
  it.each([
    [
      'a literal scalar, then a removed mapping entry',
      'a:\n  - |\n    x\nb:\n  c: 1\n    # note\nd: 1\n',
      '/b',
    ],
    ['a folded scalar, then a removed list item', 'a:\n  - >\n    x\n  - c: 1\n      # note\nd: 1\n', '/a/1'],
    // Review fix47b: comments outside the removed value's range, as deep as the scalar's text.
    [
      'a comment level with the scalar text, after a removed scalar entry',
      'a: |\n  x\nb: 1\n  # about c\nc: 2\n',
      '/b',
    ],
    ['after a removed flow list', 'a: |\n  x\nb: [1,\n  2]\n  # note\nc: 2\n', '/b'],
    ['folded, strip, after an entry with a line comment', 'a: >-\n  x\nb: 1 # t\n  # note\nc: 2\n', '/b'],
    ['a blank line, then the comment', 'a:\n  - |\n    x\n  - 1\n\n    # note\nd: 1\n', '/a/1'],
    ['an empty literal scalar', 'a: |\nb: 1\n  # note\nc: 2\n', '/b'],
  ])('%s', (_, text, path) => {
    const out = applyOperation(text, [], { op: 'remove', path });
    const before = parseDocument(text, { version: '1.1' }).toJS() as Record<string, unknown>;
    const after = parseDocument(out, { version: '1.1' }).toJS() as Record<string, unknown>;
    expect(after).toEqual(
      jsonpatch.applyOperation(structuredClone(before), { op: 'remove', path }).newDocument,
    );
  });

  it('a comment less deep than the scalar text stays', () => {
    expect(applyOperation('a: |\n    x\nb: 1\n  # about c\nc: 2\n', [], { op: 'remove', path: '/b' })).toBe(
      'a: |\n    x\n  # about c\nc: 2\n',
    );
  });

  it('with no block scalar before, the comment stays', () => {
    expect(applyOperation('a: 1\nb:\n  c: 1\n    # note\nd: 1\n', [], { op: 'remove', path: '/b' })).toBe(
      'a: 1\n    # note\nd: 1\n',
    );
  });
});
