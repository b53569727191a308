// Review "fresh22y": `ais-guard check` input handling after the last session's reader changes
// (9db6925..c8aaa3b: Go-prefixed ints, %-directives, "...", UTF-16, go-yaml's alias budget). The bar
// for what an object IS: what kubectl sends, i.e. apimachinery util/yaml YAMLReader (cuts the stream
// at "---" lines) -> sigs.k8s.io/yaml YAMLToJSON -> go-yaml v2 (go.yaml.in/yaml/v2, or the
// goyaml.v2 fork in older sigs.k8s.io/yaml) resolve.go resolve() for each plain scalar ->
// encoding/json.Marshal of the decoded value.
// Every "kubectl reads / refuses" below was checked twice: with kubectl v1.32.4
// (`kubectl label --local -o json x=y -f FILE`), and with a Go build of what current kubectl runs
// (cli-runtime FileVisitor's unicode.BOMOverride reader -> apimachinery v0.37.1
// yaml.NewYAMLOrJSONDecoder -> sigs.k8s.io/yaml v1.6.0 -> go.yaml.in/yaml/v2 v2.4.x ->
// unstructured.UnstructuredJSONScheme), both from the Go module cache on this machine.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { type KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { checkHostPortSpelt } from './support/host-port-spelling.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-fresh22y-'));

describe('an integer whose underscore comes before its sign or base prefix', () => {
  // go-yaml v2 resolve.go resolve(), case 'D' and 'S' (a plain scalar starting with a digit or a
  // sign): `plain := strings.Replace(in, "_", "", -1)` strips EVERY underscore first and only then
  // asks `strconv.ParseInt(plain, 0, 64)`. So `0_x1F41` is ParseInt("0x1F41", 0) = 8001,
  // `+_51081` is ParseInt("+51081", 0) = 51081 and `0_o777` is ParseInt("0o777", 0) = 511: kubectl
  // sends ints. src/k8s/yaml.ts GO_PREFIXED_INTS only matches an underscore AFTER the prefix
  // (/^[-+]?0[xX][0-9a-fA-F_]*.../), and the YAML 1.1 int of the yaml library wants a digit right
  // after the sign, so check reads all three as strings: no hostPort, the multi-target CR with a
  // target hostPort passes (exit 0, "0 denied"), and the webhook then denies the apply (or, in warn
  // mode, target-1 stays Pending: "node(s) didn't have free ports"). Same gap as the 0o777 one fixed
  // in 67f91c6, one underscore earlier.
  // Expected: these read as go-yaml v2 reads them (underscores stripped before the sign/prefix
  // test), so check denies by target-host-port as the webhook does.
  it.each([
    ['0_x1F41', 8001],
    ['+_51081', 51081],
    ['0_o777', 511],
    ['0_b1111', 15],
  ])(
    'targetSpec.hostPort: %s is the int %d to kubectl: check denies as the webhook does',
    async (text, port) => {
      const { r, report } = await checkHostPortSpelt(tmp(), text, port);
      expect(report.results[0]?.findings.map((f) => f.ruleId)).toContain('target-host-port');
      expect(r.code).toBe(1);
    },
  );
});

describe('content on a "---" line, which kubectl refuses', () => {
  // apimachinery pkg/util/yaml/decoder.go (*YAMLReader).Read, since kubernetes PR #103457 (v1.23):
  // a line that starts with "---" is a document separator, and anything after it but blanks and a
  // "# comment" is an error: `invalid Yaml document separator: {apiVersion: ...}` (before that PR
  // the rest of the line was silently dropped, so the object was never sent either). `--- {...}`
  // and `--- !!map` are valid YAML, and PyYAML writes the first (yaml.dump_all(...,
  // explicit_start=True, default_flow_style=True)). load.ts splits with the yaml library's Composer,
  // which starts a document there, so check judges both objects, prints "2 object(s) checked:
  // 0 denied" and exits 0 on a file `kubectl apply -f` refuses: CI is green, the apply fails (or,
  // with an older kubectl, the flow-style object is silently not applied). The %YAML directive and
  // the "..." case are refused for the same reason already (load.ts).
  // Expected: an input error (exit 2) at the "---" line, as for a directive.
  it.each([
    ['a flow mapping', '--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: ais}}\n'],
    ['a tag', '--- !!map\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: ais}\n'],
    ['an anchor', '--- &cm\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: ais}\n'],
  ])('a separator line carrying %s is an input error at its line', async (_, second) => {
    const file = join(tmp(), 'f.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ais}\n${second}`);
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(/f\.yaml:4: error: /);
    expect(r.code).toBe(2);
  });

  it('a comment after "---" stays fine (kubectl allows it)', async () => {
    const file = join(tmp(), 'f.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ais}\n--- # next\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: ais}\n',
    );
    const r = await cli(['check', file]);
    expect(r.code).toBe(0);
  });
});

describe('an underscore in a float exponent', () => {
  // Same go-yaml v2 path (resolve.go resolve(), case 'D'): underscores stripped, ParseInt fails on
  // "51081e00", then `yamlStyleFloat.MatchString(plain)` and strconv.ParseFloat give 51081. kubectl
  // v1.32.4 (`kubectl label --local -o json x=y -f F`) prints 51081 for `51081e0_0`, 1e10 for
  // `1e1_0`. GO_FLOATS.EXP (src/k8s/yaml.ts) takes no "_" after the "e", so check reads a string,
  // finds no hostPort and passes a CR the webhook denies.
  // Expected: the exponent's underscores are stripped as go-yaml does; check denies.
  it('targetSpec.hostPort: 51081e0_0 is 51081 to kubectl: check denies', async () => {
    const file = join(tmp(), 'ais.yaml');
    writeFileSync(
      file,
      readFileSync(fixture('02'), 'utf8').replace('hostPort: 51081', 'hostPort: 51081e0_0'),
    );
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(/DENY {2}target-host-port/);
    expect(r.code).toBe(1);
  });
});

describe('values kubectl cannot turn into JSON', () => {
  // sigs.k8s.io/yaml YAMLToJSON decodes with go-yaml v2 (resolve.go resolveMap: .inf, +.inf, -.inf,
  // .nan are float64 Inf/NaN) and then calls encoding/json Marshal, which refuses them
  // (json.UnsupportedValueError). kubectl v1.32.4 on `size: .inf`: "error: error parsing s.yaml:
  // error converting YAML to JSON: json: unsupported value: +Inf" -- nothing is applied. check
  // reads Infinity, judges the CR and prints "1 object(s) checked: 0 denied" with exit 0: the CI
  // gate is green on a file the apply refuses, the very case 67f91c6 made an input error for
  // %YAML directives and "..." documents.
  // Expected: an input error (exit 2) at the value's line naming what kubectl refuses.
  it.each(['.inf', '-.Inf', '.nan'])(
    'targetSpec.size: %s is an input error, as to kubectl',
    async (value) => {
      const file = join(tmp(), 'ais.yaml');
      const text = readFileSync(fixture('01'), 'utf8');
      const at = text.indexOf('    size: 2');
      expect(at).toBeGreaterThan(0);
      writeFileSync(file, `${text.slice(0, at)}    size: ${value}${text.slice(at + '    size: 2'.length)}`);
      const line = text.slice(0, at).split('\n').length;
      const r = await cli(['check', file]);
      expect(r.stdout).toMatch(new RegExp(`ais\\.yaml:${line}: error: `));
      expect(r.code).toBe(2);
    },
  );
});

describe('a tab where go-yaml wants indentation', () => {
  // go-yaml v2 scannerc.go yaml_parser_scan_to_next_token eats a tab only "in the flow context, or
  // in the block context, but not at the beginning of the line or after '-', '?', or ':'": a line
  // holding nothing but a tab (an editor's leftover whitespace), a comment indented with a tab, or a
  // tab after a list dash is refused. kubectl v1.32.4 on the AIStore CR with a "\t" line after
  // `namespace: ais`: "error converting YAML to JSON: yaml: line 7: found a tab character that
  // violates indentation"; with "\t# disks" after `mounts:`: "found character that cannot start any
  // token". The yaml library skips such lines, so check prints "1 object(s) checked: 0 denied" and
  // exits 0 on a file kubectl cannot read. (A tab BEFORE a trailing comment, `size: 2\t# c`, is fine
  // to both: fix-review.test.ts uses it.)
  // Expected: an input error at the tab's line, as kubectl gives.
  const cr = () => readFileSync(fixture('01'), 'utf8');
  const withLineAfter = (text: string, after: string, line: string) => {
    const at = text.indexOf('\n', text.indexOf(after)) + 1;
    return {
      text: `${text.slice(0, at)}${line}\n${text.slice(at)}`,
      line: text.slice(0, at).split('\n').length,
    };
  };
  it.each([
    ['a line of one tab', 'namespace: ais', '\t'],
    ['a comment indented with a tab', 'mounts:', '\t# disks'],
    [
      'a list dash followed by a tab',
      'mounts:',
      '      -\t{path: /data/extra, size: 5Ti, storageClass: ais-local-storage}',
    ],
  ])('%s: check does not pass what kubectl refuses', async (_, after, tabbed) => {
    const file = join(tmp(), 'ais.yaml');
    const { text, line } = withLineAfter(cr(), after, tabbed);
    writeFileSync(file, text);
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(new RegExp(`ais\\.yaml:${line}: error: `));
    expect(r.code).toBe(2);
  });
});

describe('check --fix to stdout with a UTF-16 file among the inputs', () => {
  // 67f91c6 made a UTF-16 file (Windows PowerShell 5.1's `>`, BOM first) readable, as kubectl reads
  // it (cli-runtime FileVisitor decodes with unicode.BOMOverride). fix.ts joinSources then prints
  // every input as one stream for `check --fix DIR | kubectl apply -f -`, taking each file's bytes
  // as read (bytesOf: source.raw, the UTF-16 bytes) between UTF-8 "---" lines. The stream is
  // half UTF-8, half UTF-16 with a BOM in its middle: kubectl v1.32.4 on that output says "error
  // converting YAML to JSON: yaml: control characters are not allowed" (u.yaml last) or "could not
  // find expected ':'" (u.yaml first), and applies nothing; check exits 0 as if the fixed stream
  // were fine. The same u.yaml alone is applied by kubectl (configmap/u).
  // Expected: the joined stream is one encoding (the UTF-16 file's text as UTF-8, its BOM dropped),
  // or check refuses to print it with an error naming the UTF-16 file -- never a corrupt stream.
  it.each([
    ['after', (cr: string, u: string) => [cr, u]],
    ['before', (cr: string, u: string) => [u, cr]],
  ])('a UTF-16 file %s the fixed CR: the printed stream is not corrupt', async (_, order) => {
    const dir = tmp();
    const cr = join(dir, 'cr.yaml');
    const u = join(dir, 'u.yaml');
    writeFileSync(cr, readFileSync(fixture('03'), 'utf8'));
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: u, namespace: ais}\n';
    writeFileSync(u, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await cli(['check', '--fix', ...order(cr, u)]);
    if (r.code === 2) {
      // Refused: then it says why, naming the file.
      expect(r.stdout + r.stderr).toMatch(/u\.yaml.*UTF-16/);
      return;
    }
    expect(r.stdout).not.toContain('\u0000');
    const names = parseAllDocuments(r.stdout).map(
      (d) => (d.toJS() as { metadata?: { name?: string } } | null)?.metadata?.name,
    );
    expect(names.filter((n) => n !== undefined).sort()).toEqual(['ais', 'u']);
  });
});

describe('the place of an alias error', () => {
  // readYamlValue (src/k8s/yaml.ts) reports an alias that names no anchor at the alias's line, but
  // load.ts judgeDocument reports it (and "anchor contains itself") at the document's first line:
  // `x: *nope` on line 4 of a ConfigMap prints "f.yaml:1: error: document 1: Unresolved alias ...".
  // In a 300-line kustomize output the user is sent to the top of the document. go-yaml/kubectl
  // name no line either ("unknown anchor 'nope' referenced"), but check promises file:line places,
  // and the place it gives is not where the problem is.
  // Expected: the alias's own line.
  it('an alias to no anchor is reported at its line', async () => {
    const file = join(tmp(), 'f.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ais}\ndata:\n  x: *nope\n',
    );
    const r = await cli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/f\.yaml:5: error: .*nope/);
  });
});

describe('a UTF-8 BOM at the start of a later document', () => {
  // kubectl's YAMLReader cuts the stream at "---" lines and hands each piece to go-yaml v2 as a
  // stream of its own, whose reader (readerc.go yaml_parser_determine_encoding) takes a UTF-8 BOM at
  // the start of its input as the encoding mark and skips it. So a file built the usual CI way,
  // `for f in *.yaml; do echo ---; cat "$f"; done > all.yaml`, with one file saved "UTF-8 with BOM"
  // by a Windows editor, is applied whole: kubectl v1.32.4 prints configmap/a and
  // aistore.ais.nvidia.com/ais for the file below. The yaml library keeps U+FEFF as part of the
  // first key ("\uFEFFapiVersion"), so check finds no apiVersion, notes "document 2 skipped: no
  // apiVersion and kind (not a Kubernetes object)" and exits 0: the CR with a target hostPort,
  // which the webhook denies, was never judged.
  // Expected: the document is judged as kubectl reads it (the BOM skipped): a deny, exit 1.
  it('the CR after "---" and a BOM is judged, not skipped', async () => {
    const file = join(tmp(), 'all.yaml');
    const cr = readFileSync(fixture('02'), 'utf8').replace(/^#[^\n]*\n/, ''); // starts with apiVersion
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ais}\n---\n\uFEFF${cr}`,
    );
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(/DENY {2}target-host-port/);
    expect(r.code).toBe(1);
  });
});

describe('an object with a top-level items list, which kubectl unpacks whatever its kind', () => {
  // apimachinery unstructured.go unstructuredJSONScheme.decode looks for an "items" field, not at
  // the kind: any object that has one is decoded as an UnstructuredList, and cli-runtime's
  // FlattenListVisitor applies its items one by one. A KRM function's ResourceList
  // (config.kubernetes.io/v1, what `kpt fn source DIR | kpt fn eval - --image ...` prints without
  // `-o unwrap`) is such a wrapper: kubectl v1.32.4 on the stream below prints configmap/a and
  // aistore.ais.nvidia.com/ais -- the CR is applied. load.ts skips the ResourceList as "a build file"
  // (BUILD_FILE_GROUPS) before it looks at its items, so check judges only the ConfigMap, exits 0,
  // and the CR with a target hostPort (a webhook deny) is never judged. (A kind not ending in "List"
  // with items is unpacked by kubectl the same way; load.ts unpacks only kinds ending in "List".)
  // Expected: the items of such a document are judged as kubectl applies them: a deny, exit 1.
  it('a ResourceList in the stream: its AIStore item is judged', async () => {
    const file = join(tmp(), 'out.yaml');
    const cr = parse(readFileSync(fixture('02'), 'utf8')) as KubeObject;
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ais}\n---\n${stringify({
        apiVersion: 'config.kubernetes.io/v1',
        kind: 'ResourceList',
        items: [cr],
      })}`,
    );
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(/DENY {2}target-host-port/);
    expect(r.code).toBe(1);
  });
});

describe('a directory walk takes the files kubectl apply -f DIR takes', () => {
  // cli-runtime pkg/resource/visitor.go ExpandPathsToFileVisitors/ignoreFile compares
  // filepath.Ext(path) with ".json", ".yaml", ".yml" exactly: `X.YAML` in a folder is not applied
  // (kubectl v1.32.4 on a folder holding X.YAML and y.yaml prints configmap/low only). read.ts
  // MANIFEST_EXT is case-insensitive (/\.(ya?ml|json)$/i), so check judges X.YAML: a denied CR in a
  // file kubectl never applies (a parked copy, say) fails the CI gate, exit 1, for nothing. Low
  // impact, but the walk's own comments promise kubectl's selection.
  // Expected: X.YAML is left out of a walk (with a note, as hidden files are); named as an argument
  // it is read, as kubectl -f X.YAML reads it.
  it('X.YAML in a walked folder is not judged as if it were applied', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'X.YAML'), readFileSync(fixture('02'), 'utf8'));
    writeFileSync(
      join(dir, 'y.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: low, namespace: ais}\n',
    );
    const r = await cli(['check', dir]);
    expect(r.stdout).not.toMatch(/DENY/);
    expect(r.code).toBe(0);
  });
});

describe('--fix of an object whose patched field is reached through an alias', () => {
  // Two CRs of a List sharing one spec by anchor (`spec: &a1 ...` then `spec: *a1`, what the yaml
  // library's own stringify writes for a shared object). The legacy-field fix patches
  // /spec/targetSpec of each; yaml-edit.ts applyOperation looks the parent up with getIn, which
  // stops at the Alias node, and refuses with "the parent of /spec/targetSpec/disablePodAntiAffinity
  // is not a map or a sequence" -- but it is a map, written once under the anchor. Refusing is right
  // (an edit there changes both CRs); the reason is not: fix.ts has the message for exactly this
  // ("the edit would also change what a YAML alias shares with the edited node: write that part out
  // without the anchor"), reached only when the edit happens and the read-back differs.
  // Expected: the error names the alias/anchor, so the user knows what to change.
  it('the refusal says an alias is in the way', async () => {
    const file = join(tmp(), 'l.yaml');
    const cr = parse(readFileSync(fixture('03'), 'utf8')) as KubeObject & { spec: unknown };
    const second = { ...cr, metadata: { name: 'ais2', namespace: 'ais' } };
    const text = stringify({ apiVersion: 'v1', kind: 'List', items: [cr, second] });
    expect(text).toContain('spec: *a1');
    writeFileSync(file, text);
    const r = await cli(['check', '--fix', file]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(
      /l\.yaml:\d+: error: cannot apply the fix in place: .*(alias|anchor)/,
    );
  });

  it('a field merged in by "<<" is not reported as "not there"', async () => {
    // spec: {<<: *legacy, size: 2} with legacy = {disablePodAntiAffinity: true}: go-yaml (and the
    // guard) read spec.disablePodAntiAffinity true; the fix removes it and applyOperation, finding
    // no such key in the mapping's own text, says "/spec/disablePodAntiAffinity is not there".
    // Expected: the reason names the merge ("<<") the value comes from.
    const file = join(tmp(), 'm.yaml');
    const text = readFileSync(fixture('03'), 'utf8')
      .replace('kind: AIStore\n', 'kind: AIStore\nx-legacy: &legacy {disablePodAntiAffinity: true}\n')
      .replace('spec:\n  size: 2\n  disablePodAntiAffinity: true\n', 'spec:\n  <<: *legacy\n  size: 2\n');
    expect(text).toContain('<<: *legacy');
    writeFileSync(file, text);
    const r = await cli(['check', '--fix', file]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/m\.yaml:\d+: error: cannot apply the fix in place: .*(<<|merge)/);
  });
});

describe("a double-quoted value continued at its key's indentation", () => {
  // go-yaml v2 (like libyaml) does not check the indentation of a quoted scalar's continuation
  // lines: `description: "stores half` then `    of the data"` at the key's own column is read as
  // "stores half of the data" (kubectl v1.32.4 and the apimachinery v0.37.1 decoder agree). The yaml
  // library wants them indented past the key and stops the scalar there, so check refuses the file
  // with "error: Missing closing "quote" -- the quote is there, one line down -- and judges nothing
  // in it: CI fails (exit 2) on a manifest kubectl applies, and the message sends the user hunting
  // for a quote that is not missing. Hand-wrapped annotation text is where this shows up.
  // Expected: the CR is read as kubectl reads it and judged (exit 0 here); at least, not a wrong
  // reason.
  // Known difference, left open: the yaml library's lexer ends the scalar at the less-indented line
  // and has no option to read on; check now refuses the file (exit 2) but says where the quote is
  // and what to do, instead of only "Missing closing quote".
  it('an annotation wrapped at the key column is refused with a reason that names the indentation', async () => {
    const file = join(tmp(), 'ais.yaml');
    const text = readFileSync(fixture('01'), 'utf8').replace(
      '  namespace: ais\n',
      '  namespace: ais\n  annotations:\n    description: "stores half\n    of the data"\n',
    );
    expect(text).toContain('of the data"');
    writeFileSync(file, text);
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(
      /ais\.yaml:8: error: Missing closing "quote \(if the quote closes on a later line, indent/,
    );
    expect(r.code).toBe(2);
  });
});

describe('characters and escapes go-yaml refuses', () => {
  // go-yaml v2's reader refuses any character outside YAML's printable set, raw or not
  // (readerc.go yaml_parser_update_buffer: "control characters are not allowed"): C0 controls but
  // tab/LF/CR, DEL, the C1 range U+0080..U+009F but NEL (U+0093/U+0094 are what Windows-1252 smart
  // quotes become when the text is mis-decoded), U+FFFE. And its double-quoted scalars know the YAML
  // 1.1 escapes only (scannerc.go yaml_parser_scan_flow_scalar): `\/`, a JSON escape (PHP's
  // json_encode writes it), is "found unknown escape character". kubectl v1.32.4 and the
  // apimachinery v0.37.1 decoder refuse both files below; check reads them (the yaml library takes
  // `\/` and keeps or drops the control characters), judges the CR, and exits 0.
  // Expected: an input error at the line, as for the other inputs kubectl cannot decode.
  it.each([
    ['a JSON-escaped slash', '    image-ref: "docker.io\\/aistorage\\/aisnode:v3.30"\n'],
    ['a C1 control character (a mis-decoded smart quote)', '    description: "the \u0093fast\u0094 tier"\n'],
  ])('%s in an annotation: an input error, as to kubectl', async (_, line) => {
    const file = join(tmp(), 'ais.yaml');
    const text = readFileSync(fixture('01'), 'utf8').replace(
      '  namespace: ais\n',
      `  namespace: ais\n  annotations:\n${line}`,
    );
    writeFileSync(file, text);
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(/ais\.yaml:8: error: /);
    expect(r.code).toBe(2);
  });
});
