// review: excessiveAliasing, the merge-key checks and aliasErrorOffset asked the yaml library's
// Alias.resolve(doc) for each alias, and each call walks the whole document to find the anchor: a
// `kind: List` of 2,000 PVs merging one `spec` anchor took `check` 50 s, 20,000 aliases of one
// anchor over 20 s, and `plan --disks` (readYamlValue) hung the same way. The aliases are resolved
// in one walk now. Counted here, not timed: how often the document is walked per alias (a call of
// Alias.resolve with no conversion context, the form that walks it each time).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Alias, isAlias, parseAllDocuments, parseDocument, visit, type Document } from 'yaml';
import {
  aliasErrorOffset,
  aliasResolver,
  documentValue,
  excessiveAliasing,
  keysMergedInto,
  KUBE_YAML,
  mergeOverridingKey,
  readYamlValue,
} from '../../src/k8s/yaml.js';

/**
 * Calls of Alias.resolve(doc) without a context: each one walks the document. With one (toJS's),
 * `scans`: each scans every anchor and alias before the alias.
 */
let walks = 0;
let scans = 0;
const resolve = Alias.prototype.resolve;
beforeEach(() => {
  walks = 0;
  scans = 0;
  Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) {
    if (args[1] === undefined) walks += 1;
    else scans += 1;
    return resolve.apply(this, args);
  };
});
afterEach(() => {
  Alias.prototype.resolve = resolve;
});

/** A List of `n` PVs, each but the first merging the first one's `spec` (the review's file). */
function pvList(n: number, override = ''): string {
  const lines = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: PersistentVolume',
    '  metadata: {name: pv-0}',
    '  spec: &spec',
    '    storageClassName: ais-local-storage',
    '    capacity: {storage: 5Ti}',
    '    accessModes: [ReadWriteOnce]',
  ];
  for (let i = 1; i < n; i++)
    lines.push(
      '- apiVersion: v1',
      '  kind: PersistentVolume',
      `  metadata: {name: pv-${i}}`,
      '  spec:',
      ...(i === n - 1 && override ? [`    ${override}`] : []),
      '    <<: *spec',
      `    local: {path: /ais/d${i}}`,
    );
  return lines.join('\n') + '\n';
}

const kube = (text: string): Document => parseDocument(text, KUBE_YAML);

/** One anchor read by `n` aliases. */
const manyAliases = (n: number): string => 'base: &a v\nrefs:\n' + '- *a\n'.repeat(n);

/** Five levels of ten aliases each: 100,000 nodes through aliases, which go-yaml refuses. */
const bombText =
  [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...['b', 'c', 'd', 'e'].map(
      (name, i) =>
        `${name}: &${name} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ),
  ].join('\n') + '\n';

describe('aliases resolved in one walk of the document', () => {
  it('a List of PVs merging one anchor: no walk per alias in any check', () => {
    const doc = kube(pvList(2_000));
    expect(excessiveAliasing(doc)).toBe(false);
    expect(mergeOverridingKey(doc)).toBeUndefined();
    expect(aliasErrorOffset(doc)).toBe(doc.contents?.range?.[0]);
    expect(walks).toBe(0);
  });

  it('20,000 aliases of one anchor: counted in milliseconds, not minutes', () => {
    const doc = kube(manyAliases(20_000));
    expect(excessiveAliasing(doc)).toBe(false);
    expect(mergeOverridingKey(doc)).toBeUndefined();
    expect(aliasErrorOffset(doc)).toBe(0);
    expect(walks).toBe(0);
  }, 5_000); // jest's default: the old code took minutes here

  it('an alias bomb is still refused, and an alias to no anchor still found', () => {
    expect(excessiveAliasing(kube(bombText))).toBe(true);
    const missing = 'a: &a 1\nb: *a\nc: *nowhere\n';
    expect(aliasErrorOffset(kube(missing))).toBe(missing.indexOf('*nowhere'));
    expect(walks).toBe(0);
  });
});

describe('excessiveAliasing given the text: a document with no "*" is not walked', () => {
  it('each document of a stream by its own range, a "*" in another document or a string aside', () => {
    const text = `a: "*x"\nb: 1\n---\n${bombText}---\nc: 2\n`;
    const docs = parseAllDocuments(text, KUBE_YAML) as Document.Parsed[];
    expect(docs.map((doc) => excessiveAliasing(doc, text))).toEqual([false, true, false]);
    expect(docs.map((doc) => excessiveAliasing(doc))).toEqual([false, true, false]);
  });

  it('the text decides: a bomb whose text has no "*" is taken as having no alias', () => {
    // Only to show that the walk is skipped: callers pass the text the document was parsed from.
    expect(excessiveAliasing(kube(bombText), bombText.replaceAll('*', '@'))).toBe(false);
    expect(excessiveAliasing(kube(bombText), bombText)).toBe(true);
  });
});

describe('which node an alias names', () => {
  it('the latest anchor of its name before it, as the library resolves it', () => {
    const text = [
      'a: &x {k: 1}',
      'b: *x',
      'c: &x [2]',
      'd: *x',
      'e: {f: &x 3, g: *x}',
      'h: *x',
      'i: &y {j: *x}',
      'k: [*y, *x]',
    ].join('\n');
    const doc = kube(text + '\n');
    const target = aliasResolver(doc);
    const aliases: Alias[] = [];
    visit(doc, { Alias: (_, alias) => void aliases.push(alias) });
    expect(aliases).toHaveLength(7);
    for (const alias of aliases) expect(target(alias)).toBe(resolve.call(alias, doc));
    const value = (alias: Alias): unknown => target(alias)?.toJS(doc);
    expect(aliases.map(value)).toEqual([{ k: 1 }, [2], 3, 3, 3, { j: 3 }, 3]);
  });

  it('an anchor redefined on a mapping that aliases the name inside names itself', () => {
    // go-yaml registers the anchor before it reads the mapping: "anchor 'x' value contains itself".
    const doc = kube('a: &x {k: 1}\nb: &x {<<: *x, j: 2}\n');
    const b = (doc.contents as { items: { value: unknown }[] }).items[1]!.value;
    let alias: Alias | undefined;
    visit(doc, { Alias: (_, node) => void (alias = node) });
    expect(aliasResolver(doc)(alias!)).toBe(b);
    expect(() => excessiveAliasing(doc)).toThrow("anchor 'x' contains an alias of itself");
  });

  it('an alias before any anchor of its name names nothing, though one follows', () => {
    const text = 'a: *x\nb: &x 1\n';
    const doc = kube(text);
    const alias = (doc.contents as { items: { value: unknown }[] }).items[0]!.value;
    expect(isAlias(alias) && aliasResolver(doc)(alias)).toBeUndefined();
    expect(aliasErrorOffset(doc)).toBe(text.indexOf('*x'));
  });
});

describe('documentValue: what a document reads as, no alias resolved by the library', () => {
  /** The library's own reading, the oracle: the same value, shared objects aside. */
  const library = (text: string) => kube(text).toJS({ maxAliasCount: -1 });

  it('20,000 aliases of one anchor: no scan per alias, the same value', () => {
    const doc = kube(manyAliases(20_000));
    const value = documentValue(doc) as { refs: string[] };
    expect(scans + walks).toBe(0);
    expect(value).toEqual(library(manyAliases(20_000)));
  });

  it.each([
    ['a List of PVs merging one spec', pvList(40)],
    [
      'aliases of a scalar, a mapping and a list',
      'a: &a 1\nb: &b {k: [x]}\nc: &c [1, {d: 2}]\nd: [*a, *b, *c]\n',
    ],
    [
      'merges of one map and of a list of them',
      'a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc: {<<: *a}\nd: {<<: [*b, *a], w: 0}\n',
    ],
    ['an anchor set again, aliases on both sides', 'a: &x 1\nb: *x\nc: &x {k: 2}\nd: *x\n'],
    ['anchors inside anchors', 'a: &o {i: &i [1, 2], j: *i}\nb: *o\nc: *i\n'],
    ['a List item that is an alias', 'items:\n- &p {kind: Pod}\n- *p\n'],
    [
      '!!pairs and !!omap items holding aliases',
      'a: &a {k: 1}\np: !!pairs [x: *a, y: *a]\no: !!omap [x: *a]\n',
    ],
  ])('%s: as the library reads it, and the document left as it was', (_, text) => {
    const doc = kube(text);
    const before = doc.toString();
    const value = documentValue(doc);
    expect(scans).toBe(0);
    expect(value).toEqual(library(text));
    expect(doc.toString()).toBe(before);
    expect(doc.toJS({ maxAliasCount: -1 })).toEqual(library(text)); // its aliases are back
  });

  // An outside attack: swapped in, the node of `&m <<` made `*m :` a merge, which go-yaml reads as a
  // plain key (it merges only a key written "<<"), and a key's text showed the node, not "*k". Keys,
  // and the aliases in them, are the library's: one scan each.
  it.each([
    ['an alias as a key', 'a: &k name\nb: {*k : v}\n', 1],
    ['an alias of "<<" as a key: a plain key', 'a: &m <<\nb:\n  *m : {c: 1}\n', 1],
    [
      'an alias of a mapping as a key, and one in a key',
      'x: &k {a: 1}\ndata:\n  *k : v\n  ? [*k]\n  : w\n',
      2,
    ],
  ])('%s: as the library reads it', (_, text, keyAliases) => {
    const doc = kube(text);
    const value = documentValue(doc);
    expect(scans).toBe(keyAliases);
    expect(value).toEqual(library(text));
  });

  it('an alias that names nothing throws as the library does; one inside its own anchor is refused', () => {
    expect(() => documentValue(kube('a: *x\nb: &x 1\n'))).toThrow('Unresolved alias');
    const doc = kube('a: &x {k: 1}\nb: &x {j: [*x]}\n');
    const before = doc.toString();
    expect(() => documentValue(doc)).toThrow("anchor 'x' contains an alias of itself");
    expect(doc.toString()).toBe(before);
  });

  it('random documents of anchors and aliases: the value the library reads', () => {
    /** Entry i anchors &ai; its value may alias or merge any anchor before it. */
    const entries = fc.array(
      fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('scalar', 'map', 'list', 'alias', 'merge')),
      {
        minLength: 1,
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(entries, (picks) => {
        const anchored: number[] = [];
        const maps: number[] = [];
        const lines = picks.map(([p, q, shape], i) => {
          const earlier = anchored.length > 0 ? `*a${anchored[p % anchored.length]}` : '1';
          const map = maps.length > 0 ? `*a${maps[q % maps.length]}` : undefined;
          // An alias takes no anchor of its own (YAML allows no properties on one).
          if (shape === 'alias') return `e${i}: ${earlier}`;
          const value = {
            scalar: `v${i}`,
            map: `{k${q % 3}: ${earlier}, n: ${i}}`,
            list: `[${earlier}, ${i}]`,
            merge: map ? `{<<: ${map}, k${q % 3}: ${i}}` : `{m: ${i}}`,
          }[shape];
          anchored.push(i);
          if (shape === 'map' || shape === 'merge') maps.push(i);
          return `e${i}: &a${i} ${value}`;
        });
        const text = lines.join('\n') + '\n';
        expect(documentValue(kube(text))).toEqual(library(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('merge keys across a List', () => {
  it('the keys each PV merges in come from the first one, resolved once', () => {
    const doc = kube(pvList(50));
    let merged = 0;
    visit(doc, {
      Map(_, map) {
        if (!map.items.some((p) => isAlias(p.value))) return;
        expect([...keysMergedInto(map, doc)]).toEqual(['storageClassName', 'capacity', 'accessModes']);
        merged += 1;
      },
    });
    expect(merged).toBe(49);
  });

  it('a PV that sets a key before merging it in is still refused at the "<<"', () => {
    const text = pvList(500, 'storageClassName: other');
    const found = mergeOverridingKey(kube(text));
    expect(found).toEqual({ key: 'storageClassName', offset: text.lastIndexOf('<<') });
    expect(walks).toBe(0);
  });

  it('what kubectl reads of the List: every PV with the merged spec', () => {
    const [doc] = parseAllDocuments(pvList(3), KUBE_YAML) as Document[];
    const items = (doc!.toJS() as { items: { spec: Record<string, unknown> }[] }).items;
    expect(items[2]!.spec).toEqual({
      local: { path: '/ais/d2' },
      storageClassName: 'ais-local-storage',
      capacity: { storage: '5Ti' },
      accessModes: ['ReadWriteOnce'],
    });
  });
});

describe('readYamlValue (plan --disks, check --nodes-file, serve --config)', () => {
  it('reads a file with 20,000 aliases without walking it per alias', () => {
    const value = readYamlValue(manyAliases(20_000), 'disks.yaml') as { refs: string[] };
    expect(value.refs).toHaveLength(20_000);
    expect(value.refs.every((r) => r === 'v')).toBe(true);
    expect(walks).toBe(0);
  });

  it('still names the line of an alias to no anchor', () => {
    expect(() => readYamlValue('a: &a 1\nb: *a\nc: *b\n', 'disks.yaml')).toThrow(
      'disks.yaml:3: Unresolved alias (the anchor must be set before the alias): b',
    );
    expect(walks).toBe(0);
  });
});
