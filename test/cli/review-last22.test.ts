// Review "last22" (branch review-last22): 15c5ee3's withoutDocumentBoms (src/k8s/yaml.ts), which now
// reads EVERY UTF-8 BOM at a line's start as a blank line ("go-yaml skips a BOM at column 0 wherever
// it looks for the next token"), compared with kubectl v1.32.4 on this machine:
//   kubectl create --dry-run=client --validate=false -o json -f F --server=<stub serving /api, /api/v1>
// kubectl skips a BOM only at the start of a stream (the whole file, or a piece its YAMLReader cuts at
// a "---" line: go-yaml readerc.go yaml_parser_determine_encoding). Anywhere else go-yaml either keeps
// it in the next key or refuses the text. Each case below was run through that kubectl; each fails on
// 15c5ee3 (check reads an object kubectl does not send, or accepts text kubectl refuses).
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding */
import { describe, expect, it } from '@jest/globals';
import { parseInput, type LoadError } from '../../src/cli/load.js';

const load = (text: string) => {
  const errors: LoadError[] = [];
  const notes: LoadError[] = [];
  const { manifests } = parseInput({ file: 'f.yaml', bytes: Buffer.from(text, 'utf8') }, errors, notes);
  return { errors, objects: manifests.map((m) => m.object as any) };
};
const BOM = '\uFEFF';
const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

describe('a BOM at a line start in the middle of a document is not skipped by kubectl', () => {
  // DEFECT (check judges another object than kubectl applies). `${HEAD}\uFEFFdata:\n  a: b\n`:
  // kubectl's object has the key "\uFEFFdata" (bytes ef bb bf in the JSON it prints) and NO data; the
  // apiserver drops it as an unknown field (or rejects it under strict field validation). check reads
  // data: {a: b}. For an AIStore CR assembled from pieces (`cat head.yaml spec.yaml`, spec.yaml saved
  // "UTF-8 with BOM") check judges a spec the cluster never gets. Before 15c5ee3 the yaml library kept
  // the BOM in the key, as kubectl does. Expected: no `data` read (the BOM kept in the key), or an
  // input error -- never the clean key.
  it('"\\uFEFFdata:" mid-document is not read as data', () => {
    const { errors, objects } = load(`${HEAD}${BOM}data:\n  a: b\n`);
    expect(errors.length > 0 || objects[0]?.data === undefined).toBe(true);
  });

  // Same after a comment line at the stream's start, and after a "---" then a "# Source:" line
  // (the case 15c5ee3's message names): kubectl prints {"kind":"ConfigMap",...,"\uFEFFapiVersion":"v1"}
  // -- the BOM is in the key, the object has no apiVersion. check reads apiVersion: v1.
  it.each([
    ['a comment line at the file start', `# c\n${BOM}${HEAD}`],
    [
      '"---" then a comment line',
      `${HEAD.replace('name: x', 'name: a')}---\n# Source: b.yaml\n${BOM}${HEAD}`,
    ],
  ])('BOM after %s: kubectl keeps it in the key "\\uFEFFapiVersion"', (_, text) => {
    const { errors, objects } = load(text);
    const x = objects.find((o) => o?.metadata?.name === 'x');
    expect(errors.length > 0 || x === undefined || x.apiVersion === undefined).toBe(true);
  });
});

describe('texts kubectl refuses that check now accepts', () => {
  // DEFECT (check passes a file `kubectl apply` cannot parse). kubectl: "error parsing F: error
  // converting YAML to JSON: yaml: line N: could not find expected ':'" for each text below; check
  // (withoutDocumentBoms turning the BOM into "\n") loads them with no error. The code's own comment
  // says "Inside a block scalar go-yaml would keep it": kubectl refuses it. Expected: an input error.
  it.each([
    ['before a comment line inside a mapping', `${HEAD}${BOM}# c\ndata:\n  a: b\n`],
    ['after a blank line, before a comment, mid-document', `${HEAD}\n${BOM}# c\ndata:\n  a: b\n`],
    ['on a line of a literal block scalar', `${HEAD}data:\n  a: |\n    x\n${BOM}    y\n`],
    ['on a continuation line of a plain scalar', `${HEAD}data:\n  a: x\n${BOM}    y\n`],
  ])('a BOM %s: kubectl refuses the file', (_, text) => {
    expect(load(text).errors).not.toEqual([]);
  });
});

describe('a BOM inside a double-quoted scalar is content', () => {
  // DEFECT (changed value). `a: "x\n\uFEFF    y"`: kubectl reads "x \uFEFF    y" (the line break folded
  // to a space, the BOM kept as content, go-yaml scannerc.go yaml_parser_scan_flow_scalar); check
  // reads "x\ny" (the BOM made a blank line, which folds to "\n"). Expected: kubectl's value, or an
  // input error.
  it('keeps the BOM in the value', () => {
    const { errors, objects } = load(`${HEAD}data:\n  a: "x\n${BOM}    y"\n`);
    expect(errors.length > 0 || objects[0]?.data?.a === `x ${BOM}    y`).toBe(true);
  });
});

describe('a single-object JSON file now read as JSON: text encoding/json refuses is accepted', () => {
  // DEFECT (check passes a file `kubectl apply` cannot parse). 15c5ee3 sends a file of one JSON
  // object to the JSON-stream path (load.ts jsonStream, then parseInput), because kubectl decodes it
  // with encoding/json (apimachinery util/yaml YAMLOrJSONDecoder, GuessJSONStream). But that path
  // parses each value with the YAML library (parseDocument(..., KUBE_YAML)): a YAML flow mapping, not
  // JSON, and it skips kubectlRefusesText/goYamlRefuses. So every JSON syntax error that is valid
  // YAML flow passes: check prints "1 object(s) checked" and exits 0. kubectl v1.32.4 on each text:
  //   trailing comma   -> error parsing F: json: invalid character '}' looking for beginning of object key string
  //   unquoted key     -> json: invalid character 'u' looking for beginning of object key string
  //   raw tab in value -> json: invalid character '\t' in string literal
  //   raw U+0001       -> json: invalid character '\x01' in string literal
  //   "\x41" escape    -> json: invalid character 'x' in string escape code
  //   0x10 number      -> json: invalid character 'x' after object key:value pair
  // A hand-edited JSON manifest with a trailing comma is the commonest case. Expected: an input error.
  const obj = (data: string) =>
    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":${data}}\n`;
  it.each([
    ['a trailing comma', obj('{"u":"a", }')],
    ['an unquoted key', obj('{u: "a"}')],
    ['a raw tab in a string', obj('{"u":"a\tb"}')],
    ['a raw U+0001 in a string', obj('{"u":"a\u0001b"}')],
    ['a \\x escape', obj('{"u":"a\\x41"}')],
    ['a hex number', obj('{"u":"a"}, "n": 0x10')],
  ])('%s: kubectl refuses the file', (_, text) => {
    expect(load(text).errors).not.toEqual([]);
  });
});
