// JSON input is judged from JSON.parse, and its lines are found in the JSON text (src/cli/json-text.ts):
// no YAML syntax tree is built for it. Until then every JSON value went through the yaml library,
// which took 8.7 s and 760 MB for a 17 MB `kubectl get pv -o json`. The oracle here is that older
// reading: the same text read as YAML (a comment line before it makes it YAML to kubectl too, and to
// check), which must give the same objects, the same lines (one more, for the comment) and the same
// findings' lines. Where the two readings differ on purpose, kubectl's encoding/json decides.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { lineOf, parseSource, type LoadError, type Manifest } from '../../src/cli/load.js';
import { KUBE_YAML, REPEATED_KEY } from '../../src/k8s/yaml.js';
import { FIXTURE_FILES, fixture } from '../support/fixtures.js';

interface Read {
  manifests: Manifest[];
  errors: LoadError[];
  notes: LoadError[];
}

function read(text: string): Read {
  const errors: LoadError[] = [];
  const notes: LoadError[] = [];
  const { manifests } = parseSource('in.json', text, errors, notes);
  return { manifests, errors, notes };
}

/** The same text read as YAML, its lines given as the JSON text's (the comment line taken off). */
function readAsYaml(text: string): Read {
  const r = read(`# read as YAML\n${text}`);
  const back = (p: LoadError) => ({ ...p, line: p.line === undefined ? undefined : p.line - 1 });
  return {
    manifests: r.manifests.map((m) => ({ ...m, line: m.line - 1 })),
    errors: r.errors.map(back),
    notes: r.notes.map(back),
  };
}

/** What a reading gives, without the source objects (their texts differ by the comment). */
const outcome = (r: Read) => ({
  objects: r.manifests.map((m) => ({
    document: m.document,
    yamlPath: m.yamlPath,
    line: m.line,
    object: m.object,
  })),
  errors: r.errors,
  notes: r.notes,
});

/**
 * Every JSON pointer into an object: its members' and elements' paths, all levels; but for members
 * whose key is digits only, which the YAML lookup took for an index (their own test is below).
 */
function pointers(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value).filter(([key]) => !/^\d+$/.test(key));
  return entries.flatMap(([key, v]) => {
    const pointer = `${prefix}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return [pointer, ...pointers(v, pointer)];
  });
}

/** Both readings agree on the objects, the lines, and the line of every part of every object. */
function expectSameReading(text: string): Read {
  const json = read(text);
  const yaml = readAsYaml(text);
  expect(outcome(json)).toEqual(outcome(yaml));
  json.manifests.forEach((m, k) => {
    for (const pointer of pointers(m.object))
      expect([pointer, lineOf(m, pointer)]).toEqual([pointer, lineOf(yaml.manifests[k]!, pointer) - 1]);
  });
  return json;
}

const fixtureObjects = (): unknown[] =>
  FIXTURE_FILES.flatMap((f) =>
    parseAllDocuments(readFileSync(fixture(f.slice(0, 2)), 'utf8'), KUBE_YAML).map((d) => d.toJS()),
  ).filter((o) => o !== null);

describe('a JSON value reads as the YAML reader read it, without the YAML reader', () => {
  const objects = fixtureObjects();

  it.each([
    ['indented by two', 2],
    ['indented by tabs', '\t'],
    ['on one line', undefined],
  ])('each fixture, %s: same objects, lines and finding lines', (_, indent) => {
    for (const object of objects) {
      const r = expectSameReading(JSON.stringify(object, null, indent));
      expect(r.manifests).toHaveLength(1);
    }
  });

  it('a List of every fixture (as `kubectl get -o json` prints one): each item at its own line', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } };
    const r = expectSameReading(JSON.stringify(list, null, 4));
    expect(r.manifests).toHaveLength(objects.length);
    expect(new Set(r.manifests.map((m) => m.line)).size).toBe(objects.length);
  });

  it('a List inside a List, and a List item that is no object: the same places', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'List', items: objects.slice(0, 2) }, 7, objects[2]],
    };
    const r = expectSameReading(JSON.stringify(list, null, 2));
    expect(r.manifests).toHaveLength(3);
    expect(r.errors).toHaveLength(1);
  });

  it('keys that need escapes, "__proto__", "<<", "" and numbers of every shape', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'odd', labels: { 'a/b': 'x', 'q"uote': 'y', 'tab\there': 'z', '': 'empty' } },
      data: { '<<': 'not a merge', é: 'u', 'x\u0000y': 'nul' },
      binaryData: {},
      numbers: [0, -0, 1.5, -2e-7, 1e21, 'BIG', 5e-324, 1.7976931348623157e308],
      nested: [[[]], [{}], { a: [null, true, false] }],
    };
    const text = JSON.stringify(object, null, 1)
      .replace('"odd"', '"odd", "__proto__": {"x": 1}')
      .replace('"BIG"', '12345678901234567890'); // past 2^64: a float to Go and to JSON.parse
    const r = expectSameReading(text);
    expect(Object.keys(r.manifests[0]!.object.metadata!)).toContain('__proto__');
  });

  it('random objects, however laid out, read the same both ways', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
        fc.constantFrom(0, 1, 2, '\t', ' \n '),
        (data, indent) => {
          const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r' }, data };
          expectSameReading(JSON.stringify(object, null, indent));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stream of objects one after another (`jq -c`), a null between them: the same lines', () => {
    const [a, b] = objects;
    const text = `${JSON.stringify(a)}\nnull\n${JSON.stringify(b, null, 2)}\n`;
    const r = read(text);
    expect(r.errors).toEqual([]);
    expect(r.manifests.map((m) => [m.document, m.line])).toEqual([
      [1, 1],
      [3, 3],
    ]);
    // The second object's parts: found in the text from its own start.
    const m = r.manifests[1]!;
    const lines = text.split('\n');
    expect(lineOf(m, '/metadata/name')).toBe(lines.findIndex((l, n) => n >= 2 && l.includes('"name"')) + 1);
  });
});

describe('between and before values, only the blanks JSON has', () => {
  const A = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}';
  const B = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}';

  // encoding/json skips space, tab, CR and LF only: anything else where a value starts is a syntax
  // error to kubectl. Each was refused by the YAML reading too, and nothing of the file is judged.
  it.each([
    ['a no-break space between two objects', `${A}\u00a0${B}`],
    ['a form feed between two objects', `${A}\f${B}`],
    ['a BOM between two objects', `${A}\ufeff${B}`],
    ['an em space after the second of three', `${A}\n${B}\u2003\n${A}`],
    ['a no-break space before the only object', `\u00a0${A}`],
    ['a BOM after a line break, before the object', `\n\ufeff${A}`],
  ])('%s: an input error, no object judged', (_, text) => {
    const r = read(text);
    expect(r.errors).toHaveLength(1);
    expect(r.manifests).toEqual([]);
  });

  it('a BOM that starts the input is dropped, as kubectl drops it; CRLF and tabs are blanks', () => {
    const r = read(`\ufeff${A}\r\n\t${B}\r\n`);
    expect(r.errors).toEqual([]);
    expect(r.manifests.map((m) => m.line)).toEqual([1, 2]);
  });
});

describe('where the JSON reading differs from the YAML reading, and why', () => {
  it('a key of digits ("0") is found at its own line: the YAML lookup took it for an index and gave the parent\'s', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r' }, data: { '0': 'zero' } };
    const text = JSON.stringify(object, null, 2);
    const m = read(text).manifests[0]!;
    const own = text.split('\n').findIndex((l) => l.includes('"0"')) + 1;
    expect(lineOf(m, '/data/0')).toBe(own);
    expect(lineOf(readAsYaml(text).manifests[0]!, '/data/0') - 1).toBe(own - 1); // "data", the parent
  });

  it('a U+2028 in a string is JSON to kubectl (encoding/json), not a line break: read, as before', () => {
    const r = read(
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": "a\u2028b"}}',
    );
    expect(r.errors).toEqual([]);
    expect((r.manifests[0]!.object as { data: { x: string } }).data.x).toBe('a\u2028b');
  });
});

describe('what JSON.parse alone would miss', () => {
  const configMap = (data: string) =>
    `{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "a"},\n  "data": ${data}\n}\n`;

  it('a key set twice is refused at its line, as in YAML', () => {
    const text = configMap('{\n    "x": "1",\n    "x": "2"\n  }');
    const r = read(text);
    expect(r.errors).toEqual([{ file: 'in.json', line: 7, message: REPEATED_KEY }]);
    expect(r.manifests).toEqual([]);
    expect(r.errors).toEqual(readAsYaml(text).errors);
  });

  it('the key set again is named at its own line, in an object of a List item, not its first', () => {
    const item =
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},\n "data": {"x": "1",\n "y": "2", "x": "3"}}';
    const r = read(`{"apiVersion": "v1", "kind": "List", "items": [\n${item}\n]}`);
    expect(r.errors).toEqual([{ file: 'in.json', line: 4, message: REPEATED_KEY }]);
  });

  it('the same key in two objects is no repeat', () => {
    const r = read(configMap('{"x": "1"}').replace('"name": "a"', '"name": "a", "labels": {"x": "1"}'));
    expect(r.errors).toEqual([]);
  });

  it('a key set twice through an escape ("a" and "\\u0061") is the same key', () => {
    expect(read(configMap('{"a": "1", "\\u0061": "2"}')).errors[0]?.message).toBe(REPEATED_KEY);
  });

  // sigs.k8s.io/json decode.go convertNumber: ParseFloat fails past float64's range, and the
  // decode fails ("cannot unmarshal number 1e400 into Go value of type float64"); kubectl stops.
  it.each(['1e400', '-1e400', '9'.repeat(400), '1.5E+309'])('the number %s is refused at its line', (n) => {
    const r = read(configMap(`{\n    "ok": 1e308,\n    "size": ${n}\n  }`));
    expect(r.manifests).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.line).toBe(7);
    expect(r.errors[0]!.message).toMatch(
      /^the number \S+ is past a 64-bit float's range, .*kubectl refuses the file/,
    );
  });

  it('"1e400" as a string, 1e-400 (which is 0 to Go too), and 1e308 are read', () => {
    const r = read(configMap('{"a": "1e400", "b": 1e-400, "c": 1e308}'));
    expect(r.errors).toEqual([]);
    expect((r.manifests[0]!.object as { data: unknown }).data).toEqual({ a: '1e400', b: 0, c: 1e308 });
  });

  it('a number past range in a file that is no Kubernetes object is not judged, as before', () => {
    const r = read('{"settings": {"n": 1e400}}');
    expect(r.errors).toEqual([]);
    expect(r.notes[0]?.message).toMatch(/no apiVersion and kind/);
  });
});
