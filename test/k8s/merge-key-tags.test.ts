// Which "<<" keys merge. go-yaml v2, which kubectl reads YAML with, merges at a plain `<<` that is
// untagged or tagged `!` (its parser takes `!` as no tag: parserc.go yaml_parser_parse_node sets
// plain_implicit for it) or at one tagged !!merge (decode.go isMerge). The yaml library merges at any
// plain `<<` key, so `!!str <<: {hostNetwork: true}` put a host network into a target that kubectl
// applies without one. Each row's kubectl reading was taken from sigs.k8s.io/yaml v1.4.0's YAMLToJSON
// (a Go program over these documents); test/yaml-oracle holds the same against it in CI.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { documentValue, KUBE_YAML, mergeOverridingKey } from '../../src/k8s/yaml.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const MERGED = { a: '1', c: '2' };
const KEPT = { '<<': { a: '1' }, c: '2' };

const rows: [key: string, data: object][] = [
  ['<<', MERGED],
  ['! <<', MERGED],
  // go-yaml's parser takes `!` for no tag, whatever the style (an outside attack: these let a
  // target's hostNetwork past check).
  ['! "<<"', MERGED],
  ["! '<<'", MERGED],
  ['! "\\x3c<"', MERGED],
  ['!!merge <<', MERGED],
  ['!<tag:yaml.org,2002:merge> <<', MERGED],
  ['!!str <<', KEPT],
  ['!<tag:yaml.org,2002:str> <<', KEPT],
  ['!local <<', KEPT],
  ['"<<"', KEPT],
  ["'<<'", KEPT],
];

const read = (text: string) => documentValue(parseDocument(text, KUBE_YAML), text) as { data: unknown };

describe('a "<<" key merges where go-yaml v2 merges it', () => {
  it.each(rows)('%s, through an alias', (key, data) => {
    expect(read(`base: &b\n  a: "1"\ndata:\n  ${key}: *b\n  c: "2"\n`).data).toEqual(data);
  });

  it.each(rows)('%s, of a mapping written in place (no alias in the document)', (key, data) => {
    expect(read(`data:\n  ${key}: {a: "1"}\n  c: "2"\n`).data).toEqual(data);
  });

  it.each(rows)('%s, in a flow mapping', (key, data) => {
    expect(read(`data: {${key}: {a: "1"}, c: "2"}\n`).data).toEqual(data);
  });

  it('a key read as text is put back: the document converts the same twice and prints as before', () => {
    const text = 'data:\n  !!str <<: {a: "1"}\n  c: "2"\n';
    const doc = parseDocument(text, KUBE_YAML);
    expect(documentValue(doc, text)).toEqual(documentValue(doc, text));
    expect(doc.toString()).toBe(parseDocument(text, KUBE_YAML).toString());
    expect(doc.toString()).toContain('!!str "<<"'); // the library's own way to write the key
  });

  it('without the text to gate on, the same reading', () => {
    const doc = parseDocument('data:\n  !!str <<: {a: "1"}\n', KUBE_YAML);
    expect(documentValue(doc)).toEqual({ data: { '<<': { a: '1' } } });
  });
});

describe('more "<<" as go-yaml reads them', () => {
  it.each(['! "<<"', "! '<<'"])(
    'a target pod merging hostNetwork in under %s is denied, as kubectl runs it on the host network',
    async (key) => {
      const text = readFileSync(fixture('09'), 'utf8').replace(
        /^spec:\n/m,
        `spec:\n  ${key}: {hostNetwork: true}\n`,
      );
      expect(text).toContain(`${key}: {hostNetwork: true}`);
      const r = await cli(['check', '-'], text);
      expect(r.stdout).toContain('DENY  target-host-network');
      expect(r.code).toBe(1);
    },
  );

  it('a `! |-` block scalar key of "<<" merges', () => {
    expect(read('data:\n  ? ! |-\n    <<\n  : {a: "1"}\n  c: "2"\n').data).toEqual(MERGED);
  });

  it('a merge symbol as a value is its text', () => {
    expect(read('data: {a: !!merge <<, b: [!!merge <<]}\n').data).toEqual({ a: '<<', b: ['<<'] });
  });

  it('two `! <<` merges in one mapping are no key set twice', () => {
    expect(read('data:\n  ! <<: {a: "1"}\n  ! "<<": {c: "2"}\n').data).toEqual(MERGED);
  });

  it('a merge of an alias that names a sequence is refused, as go-yaml refuses it', () => {
    expect(() => read('s: &s [{a: "1"}]\ndata: {<<: *s}\n')).toThrow(
      'map merge requires map or sequence of maps as the value (kubectl refuses it)',
    );
    // A sequence of aliases of maps, or one written in place, is merged by both.
    expect(read('m: &m {a: "1"}\ndata: {<<: [*m], c: "2"}\n').data).toEqual(MERGED);
  });
});

describe('a merge that overrides a key set before it, by the merge keys go-yaml takes', () => {
  const overriding = (key: string) =>
    mergeOverridingKey(
      parseDocument(`spec:\n  hostNetwork: false\n  ${key}: {hostNetwork: true}\n`, KUBE_YAML),
    )?.key;

  it.each(rows)('%s', (key, data) => {
    expect(overriding(key)).toBe(data === MERGED ? 'hostNetwork' : undefined);
  });
});
