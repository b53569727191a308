// Review "gitops": `ais-guard check` fed what CI and GitOps pipelines really produce (kustomize build,
// helm template, Argo CD / Flux repositories). The bar for what an object IS: what kubectl sends, i.e.
// sigs.k8s.io/yaml -> go.yaml.in/yaml/v2 (go-yaml v2) resolve.go resolve(), and the webhook's verdict
// on that object (the core's evaluate()). Each "kubectl reads" claim below was checked with kubectl
// v1.32.4: `kubectl label --local -o json x=y -f FILE` prints the objects as kubectl decodes them.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { checkHostPortSpelt } from './support/host-port-spelling.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-gitops-'));

describe('YAML 1.1 integers as go-yaml v2 reads them (Go strconv.ParseInt base 0)', () => {
  // go-yaml v2 resolve.go resolve(): a plain scalar starting with a digit or sign is tried with
  // strconv.ParseInt(plain, 0, 64) (underscores stripped first), and Go's base 0 takes the prefixes
  // 0o/0O (octal), 0X (hex) and 0B (binary) as well as 0x/0b, with an optional sign. So kubectl sends
  // `hostPort: 0o777` as the int 511 and the webhook denies the multi-target CR. The yaml library's
  // YAML 1.1 schema (KUBE_YAML) only knows 0x, 0b and 0NNN, so `check` reads "0o777" as a string,
  // finds no hostPort, and passes the CR: CI is green, then the apply is refused (or, in warn mode,
  // the second target stays Pending). The review-last test covers the same forms in render()'s keys;
  // the reader has the gap too. Expected: check reads these as go-yaml v2 does and denies.
  it.each([
    ['0o777', 511],
    ['0O777', 511],
    ['+0o777', 511],
    ['0X1F41', 8001],
    ['0B1111', 15],
  ])(
    'targetSpec.hostPort: %s is the int %d to kubectl: check denies as the webhook does',
    async (text, port) => {
      const { r, report } = await checkHostPortSpelt(tmp(), text, port);
      expect(report.results[0]?.findings.map((f) => f.ruleId)).toContain('target-host-port');
      expect(report.results[0]?.allowed).toBe(false);
      expect(r.code).toBe(1);
    },
  );
});

describe('a directory walk says what it leaves out', () => {
  it('a hidden manifest (.ais.yaml) that kubectl apply -f DIR applies is judged, or at least named in a note', async () => {
    // kubectl apply -f DIR (k8s.io/cli-runtime pkg/resource/visitor.go ExpandPathsToFileVisitors,
    // ignoreFile) keeps every file of the folder whose extension is .json, .yaml or .yml: a dot file
    // such as `.ais.yaml` is applied like any other. findInputs() (src/cli/read.ts) drops every entry
    // whose name starts with "." before it looks at it, with no note: here a multi-target CR with a
    // target hostPort (a webhook deny) sits in `.ais.yaml`, and `check DIR` prints "1 object(s)
    // checked: 0 denied" and exits 0, not a word about the file. The CI job is green, the sync is then
    // refused. (Skipping .git or the .ais-guard-base checkout is right; doing it silently for a
    // manifest kubectl reads is not: the brief and `check --help` promise a note for what is skipped.)
    // Expected: the file is judged (exit 1), or at least a note names it as skipped.
    const dir = tmp();
    writeFileSync(join(dir, '.ais.yaml'), readFileSync(fixture('02'), 'utf8'));
    writeFileSync(join(dir, 'pv.yaml'), readFileSync(fixture('04'), 'utf8'));
    const r = await cli(['check', dir]);
    const judged = r.code === 1 && /DENY {2}target-host-port/.test(r.stdout);
    const named = /\.ais\.yaml.*(skipped|hidden)/.test(r.stdout + r.stderr);
    expect(judged || named ? 'judged or named' : r.stdout + r.stderr).toBe('judged or named');
  });
});

describe('a %YAML directive, which kubectl refuses', () => {
  it.each(['1.2', '1.1'])('%%YAML %s: check does not pass a file kubectl cannot decode', async (version) => {
    // kubectl's YAMLOrJSONDecoder (apimachinery util/yaml YAMLReader) cuts the stream at each "---"
    // line, so the directive is left alone in a chunk with no document, and go-yaml v2
    // (parserc.go yaml_parser_process_directives / parse_document_start) refuses it. Checked with
    // kubectl v1.32.4 (`kubectl label --local -o json x=y -f FILE`): with %YAML 1.1 "error converting
    // YAML to JSON: yaml: line 1: did not find expected <document start>", with %YAML 1.2 "yaml:
    // found incompatible YAML document". `kubectl apply -f` fails on the file. check lets the yaml
    // library honour the directive, judges the object (with %YAML 1.2 even as YAML 1.2:
    // `disablePodAntiAffinity: on` becomes the string "on") and a valid layout exits 0. Some YAML
    // emitters (ruamel-based tools) write this header. A user sees a green check and a failed
    // apply/sync. Expected: an input error (exit 2) at the directive's line, as for the other
    // input kubectl cannot decode (a lone CR, metadata that is no map).
    const dir = tmp();
    const file = join(dir, 'ais.yaml');
    writeFileSync(file, `%YAML ${version}\n---\n${readFileSync(fixture('01'), 'utf8')}`);
    const r = await cli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ais\.yaml:1: error: /);
  });
});

describe('anchors and aliases as kubectl takes them', () => {
  // A hand-written List of a multi-target layout's local PVs (10 nodes x 12 disks), the shared
  // accessModes written once with an anchor and reused with an alias: 119 aliases in one document.
  const pvList = () => {
    let text = 'apiVersion: v1\nkind: List\nitems:\n';
    for (let i = 0; i < 120; i++) {
      const node = `storage-node-${String(Math.floor(i / 12)).padStart(2, '0')}`;
      const disk = `sd${String.fromCharCode(97 + (i % 12))}`;
      text +=
        `- apiVersion: v1\n  kind: PersistentVolume\n  metadata:\n    name: ${node}-pv-ais-${disk}\n` +
        `  spec:\n    capacity: {storage: 8Ti}\n` +
        `    accessModes: ${i === 0 ? '&rwo [ReadWriteOnce]' : '*rwo'}\n` +
        `    persistentVolumeReclaimPolicy: Retain\n    storageClassName: ais-local-storage\n` +
        `    local: {path: /mnt/${disk}}\n    nodeAffinity:\n      required:\n        nodeSelectorTerms:\n` +
        `          - matchExpressions:\n              - {key: kubernetes.io/hostname, operator: In, values: [${node}]}\n`;
    }
    return text;
  };

  it('a List whose one anchor is used 119 times is judged, not refused as an alias bomb', async () => {
    // parseInput() calls doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) with the yaml library's default
    // of 100: its Alias.toJS counts each use of an anchor (times the aliases inside it) and throws
    // "Excessive alias count indicates a resource exhaustion attack" past 100 uses, whatever the size
    // of the expansion. go-yaml v2, which kubectl uses (decode.go (*decoder).unmarshal, the
    // CVE-2019-11254 guard), refuses a document only when more than 100 decode steps come from
    // aliases AND they are over allowedAliasRatio() (99% for documents under 400,000 steps) of all
    // steps: here ~240 of ~4,000, so `kubectl apply -f pvs.yaml` creates the 120 PVs. check exits 2
    // ("document 1: Excessive alias count ...") and judges none of them: the CI job fails on a valid
    // layout, and the PVs (the context the target claims are judged against) are missing.
    // Expected: the 120 PVs are read and judged (exit 0, as the same List without aliases is); a real
    // alias bomb (exponential expansion) stays refused.
    const dir = tmp();
    const file = join(dir, 'pvs.yaml');
    writeFileSync(file, pvList());
    const r = await cli(['check', file]);
    expect(r.stdout).not.toMatch(/Excessive alias count/);
    expect(r.stdout).toMatch(/120 object\(s\) checked: 0 denied/);
    expect(r.code).toBe(0);
  });
});

describe('a UTF-16 manifest (Windows PowerShell 5.1 `helm template ... > out.yaml`)', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
  ])(
    'UTF-16LE with a BOM, %s line ends: judged as kubectl reads it, or refused naming the encoding',
    async (_, eol) => {
      // Windows PowerShell 5.1 writes `>` redirections as UTF-16LE with a BOM. kubectl reads such a file:
      // k8s.io/cli-runtime pkg/resource/visitor.go FileVisitor.Visit wraps it in
      // transform.NewReader(f, unicode.BOMOverride(unicode.UTF8.NewDecoder())), which decodes UTF-16
      // with a BOM. check decodes the bytes as UTF-8 only (load.ts decode()): with CRLF it says
      // "line ends with a lone carriage return (CR): use LF or CRLF line endings", with LF "document 1
      // is not a Kubernetes object" - neither tells the user what is wrong, and the CI job fails on a
      // file `kubectl apply -f` takes (here a hostPort deny the user never gets to see).
      // Expected: decode a BOM-marked UTF-16 file as kubectl does and judge it (DENY target-host-port,
      // exit 1), or at least an input error that says the file is UTF-16 (re-save it as UTF-8).
      const dir = tmp();
      const file = join(dir, 'rendered.yaml');
      const text = readFileSync(fixture('02'), 'utf8').replace(/\n/g, eol);
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      const r = await cli(['check', file]);
      const judged = r.code === 1 && /DENY {2}target-host-port/.test(r.stdout);
      const named = r.code === 2 && /UTF-16/i.test(r.stdout);
      expect(judged || named ? 'judged, or refused naming UTF-16' : r.stdout).toBe(
        'judged, or refused naming UTF-16',
      );
    },
  );
});

describe('a "..." document end without a "---" after it', () => {
  it('the object after "..." that kubectl never sees is not reported as checked and clean', async () => {
    // kubectl's YAMLReader (apimachinery util/yaml) splits documents at "---" lines only; a chunk
    // "A\n...\nB\n" goes whole to go-yaml v2's Unmarshal, which decodes the first document and ignores
    // the rest. Checked with kubectl v1.32.4: `kubectl label --local -o name x=y -f f.yaml` on a
    // ConfigMap, "...", then an AIStore CR prints only configmap/a: the CR is silently never applied.
    // The yaml library starts a new document after "...", so check judges the CR and reports
    // "2 object(s) checked: 0 denied" with exit 0: the user believes the CR was validated and will be
    // applied. (With a denied CR the job fails on an object kubectl would not even send.)
    // Expected: an input error (or at least a note) at the "..." line saying kubectl ignores what
    // follows until the next "---".
    const dir = tmp();
    const file = join(dir, 'f.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ais}\n...\n${readFileSync(fixture('01'), 'utf8')}`,
    );
    const r = await cli(['check', file]);
    expect(r.stdout).toMatch(/f\.yaml:4: (error|note): /);
  });
});
