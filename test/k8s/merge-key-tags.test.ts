// Which "<<" keys merge. go-yaml v2, which kubectl reads YAML with, merges at a plain `<<` that is
// untagged or tagged `!` (its parser takes `!` as no tag: parserc.go yaml_parser_parse_node sets
// plain_implicit for it) or at one tagged !!merge (decode.go isMerge). The yaml library merges at any
// plain `<<` key, so `!!str <<: {hostNetwork: true}` put a host network into a target that kubectl
// applies without one. Each row's kubectl reading was taken from sigs.k8s.io/yaml v1.4.0's YAMLToJSON
// (a Go program over these documents); test/yaml-oracle holds the same against it in CI.
import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { documentValue, KUBE_YAML, mergeOverridingKey } from '../../src/k8s/yaml.js';

const MERGED = { a: '1', c: '2' };
const KEPT = { '<<': { a: '1' }, c: '2' };

const rows: [key: string, data: object][] = [
  ['<<', MERGED],
  ['! <<', MERGED],
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

describe('a merge that overrides a key set before it, by the merge keys go-yaml takes', () => {
  const overriding = (key: string) =>
    mergeOverridingKey(
      parseDocument(`spec:\n  hostNetwork: false\n  ${key}: {hostNetwork: true}\n`, KUBE_YAML),
    )?.key;

  it.each(rows)('%s', (key, data) => {
    expect(overriding(key)).toBe(data === MERGED ? 'hostNetwork' : undefined);
  });
});
