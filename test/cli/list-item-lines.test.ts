// A finding's line in an item of a YAML List is found in that item's text parsed alone (load.ts
// listItemLines), not in the whole List parsed again: `kubectl get pods -A -o yaml` is one document,
// and the text report parsed all of it a second time (a 52 MB List of 10,000 Pods: 77 s and 2.8 GB,
// where -o json took 36 s). The oracle is that older lookup, the whole document parsed again, which
// the loader still uses where an item cannot be read alone: every pointer into every object must get
// the same line both ways, over every fixture and random objects in every layout a List is written in.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, type ToStringOptions } from 'yaml';
import { lineOf, parseSource, type LoadError, type Manifest } from '../../src/cli/load.js';
import { KUBE_YAML, stringifyForKube as stringify } from '../../src/k8s/yaml.js';
import { FIXTURE_FILES, fixture } from '../support/fixtures.js';

/** A comment first: flow style would otherwise start the text with "{", which makes it JSON. */
function read(text: string) {
  const errors: LoadError[] = [];
  const { manifests } = parseSource('list.yaml', `# YAML\n${text}`, errors);
  expect(errors).toEqual([]);
  return manifests;
}

/** The same manifest, its lines looked up as before: the whole document parsed again. */
const wholeDocument = (m: Manifest): Manifest => ({ ...m, source: { ...m.source, listItems: undefined } });

/** Every JSON pointer into a value, all levels, and two that lead nowhere under each level. */
function pointers(value: unknown, prefix = ''): string[] {
  const nowhere = [`${prefix}/nowhere`, `${prefix}/7/x`];
  if (typeof value !== 'object' || value === null) return prefix ? [] : nowhere;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [
    ...nowhere,
    ...entries.flatMap(([key, v]) => {
      const pointer = `${prefix}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return [pointer, ...pointers(v, pointer)];
    }),
  ];
}

/** Both lookups agree on every pointer of every manifest; the item lookup was the one taken. */
function expectSameLines(text: string, items = true): Manifest[] {
  const manifests = read(text);
  for (const m of manifests) {
    if (items && m.yamlPath.length > 0)
      expect(m.source.listItems?.[m.document - 1]?.length).toBeGreaterThan(0);
    const before = wholeDocument(m);
    for (const pointer of ['', ...pointers(m.object)])
      expect([pointer, lineOf(m, pointer)]).toEqual([pointer, lineOf(before, pointer)]);
  }
  return manifests;
}

const fixtureObjects = (): Record<string, unknown>[] =>
  FIXTURE_FILES.flatMap((f) =>
    parseAllDocuments(readFileSync(fixture(f.slice(0, 2)), 'utf8'), KUBE_YAML).map((d) => d.toJS()),
  ).filter((o) => o !== null);

const list = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', metadata: {}, items });

describe('lines in a List item, from the item alone, as from the whole List', () => {
  const objects = fixtureObjects();

  it.each([
    ["as kubectl prints it (items at the key's indentation)", { indentSeq: false }],
    ['items indented under the key', { indentSeq: true }],
    ['indented by four', { indent: 4 }],
    ['flow collections past the first level', { collectionStyle: 'flow' as const, lineWidth: 60 }],
  ])('every fixture in one List, %s', (_, options) => {
    const manifests = expectSameLines(stringify(list(objects), options));
    expect(manifests).toHaveLength(objects.length);
  });

  it("only the item's own text is parsed again: with the List's text out of reach, lines are found", () => {
    const manifests = read(stringify(list(objects.slice(0, 3))));
    const expected = manifests.map((m) => lineOf(m, '/metadata/name'));
    const source = manifests[0]!.source;
    source.slices[0] = [0, 0]; // the whole document, parsed again, would be empty
    const cut = manifests.map((m) => ({ ...m, source }));
    expect(cut.map((m) => lineOf(m, '/metadata/name'))).toEqual(expected);
    expect(new Set(expected).size).toBe(3);
    expect(lineOf(wholeDocument(cut[1]!), '/metadata/name')).toBe(cut[1]!.line); // no node found there
  });

  it('a List written as indented JSON (read as YAML): items found alone too', () => {
    expectSameLines(`# YAML to kubectl\n${JSON.stringify(list(objects.slice(0, 4)), null, 2)}`);
  });

  it('a List on one line: no item can be read alone, the whole List is parsed again', () => {
    const manifests = read(`# YAML to kubectl\n${JSON.stringify(list(objects.slice(0, 3)))}`);
    expect(manifests[0]!.source.listItems?.[0]).toEqual([undefined, undefined, undefined]);
    expectSameLines(`# YAML to kubectl\n${JSON.stringify(list(objects.slice(0, 3)))}`, false);
  });

  it('Lists inside a List, a second List document, comments and CRLF', () => {
    const nested = list([list(objects.slice(0, 2)), objects[2], list([list(objects.slice(3, 5))])]);
    const text = `# a comment\n${stringify(nested)}---\n# another\n${stringify(list(objects.slice(5, 8)))}`;
    expect(expectSameLines(text)).toHaveLength(8);
    expectSameLines(text.replace(/\n/g, '\r\n'));
  });

  it('anchors, aliases and merges across items, an item with an anchor of its own, tags', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- &base',
      '  apiVersion: v1',
      '  kind: PersistentVolume',
      '  metadata: {name: pv-0}',
      '  spec: &spec',
      '    capacity: {storage: 5Ti}',
      '    local: {path: /ais/d0}',
      '- apiVersion: v1',
      '  kind: PersistentVolume',
      '  metadata:',
      '    name: pv-1',
      '  spec:',
      '    <<: *spec',
      '    local: {path: /ais/d1}',
      '- !!map',
      '  apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata: {name: tagged}',
      '  data: {a: *spec}',
      '- - not an object',
      '-   apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: wide}',
      '- {apiVersion: v1, kind: ConfigMap,',
      '   metadata: {name: flow}}',
      '',
    ].join('\n');
    const errors: LoadError[] = [];
    const manifests = parseSource('list.yaml', text, errors).manifests;
    expect(manifests.map((m) => m.object.metadata?.name)).toEqual(['pv-0', 'pv-1', 'tagged', 'wide', 'flow']);
    expect(errors).toHaveLength(1); // the item that is a list
    for (const m of manifests)
      for (const pointer of ['', ...pointers(m.object)])
        expect([pointer, lineOf(m, pointer)]).toEqual([pointer, lineOf(wholeDocument(m), pointer)]);
    expect(lineOf(manifests[1]!, '/spec/local/path')).toBe(17);
    expect(lineOf(manifests[4]!, '/metadata/name')).toBe(28);
  });

  it('random objects as List items, in every layout: the same lines both ways', () => {
    const item = fc
      .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 })
      .map((data) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r' }, data }));
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<ToStringOptions>(
          { indentSeq: false },
          { indentSeq: true },
          { collectionStyle: 'flow', lineWidth: 40 },
          { indent: 3, indentSeq: false },
        ),
        (items, options) => {
          const named = items.map((o, i) => ({ ...o, metadata: { name: `r${i}` } }));
          expectSameLines(stringify(list(named), options));
        },
      ),
      { numRuns: 300 },
    );
  });
});
