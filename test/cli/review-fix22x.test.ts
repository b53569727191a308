// Review "fix22x": the reader `check` got in 2af9d4f/6bea7cc (kubectlRefusesText, goYamlRefuses,
// withoutDocumentBoms, goYamlNumber) compared with what kubectl v1.32.4 on this machine does.
// Each "kubectl reads/accepts" claim was checked with
//   kubectl --server=<a stub serving /api, /api/v1> create --dry-run=client --validate=false -o json -f F
// (parse errors show as "error parsing F: ..." before any server call).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { parseInput, type LoadError } from '../../src/cli/load.js';
import { goYamlNumber } from '../../src/k8s/yaml.js';

const load = (file: string, text: string) => {
  const errors: LoadError[] = [];
  const notes: LoadError[] = [];
  const { manifests } = parseInput({ file, bytes: Buffer.from(text, 'utf8') }, errors, notes);
  return { errors, notes, names: manifests.map((m) => (m.object.metadata as { name?: string }).name) };
};

describe('a single JSON object is read by kubectl as JSON, not YAML', () => {
  // apimachinery util/yaml decoder.go YAMLOrJSONDecoder.Decode: GuessJSONStream sees "{" first and
  // decodes the whole stream with encoding/json; go-yaml never sees the text. load.ts parseInput
  // hands a JSON stream of ONE value (jsonStream returns undefined for it) to the YAML path, which
  // now also runs kubectlRefusesText and goYamlRefuses (yaml.ts) on it, so JSON that kubectl applies
  // is refused as an input error: `\/` is a valid JSON escape (PHP json_encode, Jackson and
  // many JS/Java serializers write URLs as "http:\/\/..."), and DEL or C1 characters are legal raw
  // in JSON strings. kubectl: data.u is "http://a" (resp. "a\x7fb"), exit 0. check: exit 2,
  // `unknown escape "\/" in a double-quoted value: kubectl (go-yaml, YAML 1.1) refuses it`.
  // Expected: no input error; the ConfigMap is loaded with the JSON value.
  it('accepts "\\/" in a single-object JSON file, as kubectl does', () => {
    const text =
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"u":"http:\\/\\/a"}}\n';
    const { errors, names } = load('cm.json', text);
    expect(errors).toEqual([]);
    expect(names).toEqual(['x']);
  });

  it('accepts a raw DEL inside a JSON string, as kubectl (encoding/json) does', () => {
    const text = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"u":"a\x7fb"}}\n';
    const { errors, names } = load('cm.json', text);
    expect(errors).toEqual([]);
    expect(names).toEqual(['x']);
  });
  // Whitespace around the value is JSON whitespace to encoding/json; goYamlRefuses calls a tab
  // before "{" or on a trailing blank line "a tab where kubectl (go-yaml) wants indentation".
  it.each([
    ['a tab before the object', '\t{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}\n'],
    ['a trailing line holding a tab', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}\n\t\n'],
  ])('accepts a single-object JSON file with %s, as kubectl does', (_, text) => {
    const { errors, names } = load('cm.json', text);
    expect(errors).toEqual([]);
    expect(names).toEqual(['x']);
  });
});

describe('a BOM after "---" and a blank or comment line', () => {
  // Review fix22x took go-yaml's "Allow the BOM" (scannerc.go yaml_parser_scan_to_next_token) to skip
  // such a BOM; kubectl v1.32.4 (`kubectl create --dry-run=client -o json`, checked here and by review
  // last22) keeps it: object b comes out with the key "\uFEFFapiVersion". go-yaml skips a BOM only at
  // a stream's start (readerc.go yaml_parser_determine_encoding), right after the "---" line. check
  // says where the stray one is, rather than judge or skip an object kubectl gets otherwise.
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
  it.each([
    ['a blank line', '\n', 7],
    ['a comment line', '# Source: chart/templates/b.yaml\n', 7],
  ])('BOM after "---" and %s: an input error at its line', (_, between, line) => {
    const { errors } = load('all.yaml', `${cm('a')}---\n${between}\uFEFF${cm('b')}`);
    expect(errors).toEqual([
      expect.objectContaining({ line, message: expect.stringMatching(/^a byte-order mark/) }),
    ]);
  });
});

describe('goYamlNumber: a plain scalar starting with "." goes to strconv.ParseFloat as it is', () => {
  // go-yaml v2 resolve.go resolve(), hint '.': `floatv, err := strconv.ParseFloat(in, 64)`, and Go's
  // ParseFloat takes underscores between digits (strconv/atof.go readFloat + underscoreOK). kubectl
  // v1.32.4 reads `k: .5_0` as 0.5, `.0_1` as 0.01 and `.5e1_0` as 5e9 (numbers in the JSON it
  // sends). goYamlNumber only takes /^\.[0-9]+(e..)?$/ for that hint, so check reads the strings
  // ".5_0" etc.: another object than the one applied, and stringifyForKube's quoting test (the same
  // function) disagrees with go-yaml for these. Expected: the numbers kubectl reads.
  it.each([
    ['.5_0', 0.5],
    ['.0_1', 0.01],
    ['.5e1_0', 5e9],
  ])('%s is %d to kubectl', (text, value) => {
    expect(goYamlNumber(text)).toBe(value);
  });
});

describe('check --fix on a file with a BOM right after "---" (the case 2af9d4f handles)', () => {
  // 2af9d4f: "A BOM right after a '---' line is read as a blank line ... documentAt does the same
  // for --fix". check reads such a file (kubectl applies it: go-yaml skips the BOM, scannerc.go
  // yaml_parser_scan_to_next_token) and says 1 object "the guard would change", but --fix edits
  // source.text slices (src/cli/fix.ts planFixes -> fixDocument -> yaml-edit.ts applyOperation
  // parseDocument) with the BOM still in, so every fix of that document is refused:
  // "cannot apply the fix in place: Nested mappings are not allowed in compact mappings" -- a parser
  // message about the BOM, naming nothing the user can act on; no file is rewritten.
  // Expected: the fix lands (the BOM bytes may stay), as for the same file without the BOM.
  it('rewrites the legacy anti-affinity CR that follows "---\\n\\uFEFF"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-review-fix22x-'));
    const file = join(dir, 'all.yaml');
    const cr = readFileSync(fixture('03'), 'utf8');
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\uFEFF${cr}`);
    const r = await cli(['check', '--fix', '--write', file]);
    expect(r.stderr).not.toContain('cannot apply the fix in place');
    expect(r.stderr).toContain('rewrote 1 file(s)');
  });
});
