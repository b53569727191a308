// Review report25: `ais-guard check`'s machine-readable outputs as a production CI consumes them
// (JSON against its published schema, JUnit XML as Jenkins/GitLab parse it, SARIF as GitHub code
// scanning places it). Each test is a defect and fails on the commit it was written against.
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROD = readFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), 'utf8');
const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'schema', 'report.v1.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

describe('review report25: check -o json against docs/schema/report.v1.json', () => {
  // DEFECT: a result's `namespace` (and `name`) is copied raw from metadata, so an empty
  // `namespace:` (YAML null: what `namespace: {{ .Values.namespace }}` renders to when the value is
  // unset, or a field whose value was commented out) is printed as `"namespace": null`. The schema
  // says `"namespace": {"type": "string"}` (optional), and docs/json-report.md tells consumers to
  // validate with a 2020-12 validator: every such report is refused, so a CI step that validates the
  // report (as the docs suggest) fails on input that load.ts accepts on purpose (metadataProblem lets
  // null name/namespace through, as kubectl does: a null namespace is "no namespace", the object goes
  // to -n or the context's namespace). The same holds for `name: ~` beside a generateName.
  // Expected: the report matches its schema: the field left out (as for a missing namespace), or the
  // schema says null is allowed.
  it.each([
    ['namespace: (null)', PROD.replaceAll('namespace: ais-prod', 'namespace:')],
    [
      'name: ~ with generateName',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ~\n  generateName: cfg-\n  namespace: ais\ndata: {a: b}\n',
    ],
  ])('%s: the report validates', async (_name, input) => {
    const r = await cli(['check', '-o', 'json', '-'], input);
    expect(r.code).toBeLessThan(2);
    const report = JSON.parse(r.stdout) as unknown;
    expect(validate(report) ? [] : validate.errors).toEqual([]);
  });
});

/** Characters XML 1.0 (Fifth Edition) production [2] Char allows; anything else is a fatal error. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('review report25: check -o junit is well-formed XML 1.0', () => {
  // DEFECT: junit.ts `esc` strips C0 controls but not the other code points XML 1.0 forbids,
  // U+FFFE and U+FFFF (production [2] Char: #x20-#xD7FF | #xE000-#xFFFD | ...). YAML's "\uFFFE"
  // escape (or the raw character in a UTF-8 file) in a name or any value a message quotes reaches
  // the report as is, and every conforming parser stops there: Python's expat says "not well-formed
  // (invalid token)", Jenkins' junit plugin and GitLab's JUnit parser (Nokogiri/libxml2) refuse the
  // whole file. One odd string in one manifest loses the whole test report of the pipeline, not one
  // test case; check itself exits 0 here (no deny), so the job is green with no report at all.
  // Expected: the XML is well-formed whatever the input (the characters dropped or replaced, as the
  // control characters already are).
  it('a name with U+FFFE/U+FFFF does not make the report unparseable', async () => {
    const input =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "cm\\uFFFE"\n  namespace: "ns\\uFFFF"\ndata: {a: b}\n';
    const r = await cli(['check', '-o', 'junit', '-'], input);
    expect(r.stdout).toContain('<testcase ');
    expect(r.stdout).not.toMatch(NOT_XML_CHAR);
  });
});

describe('review report25: check -o sarif artifact locations', () => {
  // DEFECT: sarif.ts `uri` strips one leading "./" and keeps the rest as given, so a file named
  // `.//deploy/ais.yaml` (what `DIR=./; ais-guard check "$DIR/deploy/ais.yaml"` or a script joining
  // "./" and "/x" passes; the text output shows it as given) becomes the SARIF uri `/deploy/ais.yaml`:
  // an absolute-path reference. RFC 3986 5.2.2 resolves a reference whose path starts with "/" by
  // replacing the base's whole path, so against the repository root (SARIF 2.1.0 3.4.3/3.4.4) it
  // names /deploy/ais.yaml at the root, not deploy/ais.yaml in the repository. The upload step the
  // Action uses drops it: github/codeql-action src/fingerprints.ts resolveUriToFile ignores a uri
  // that starts with "/" outside the source root ("as it is outside of the src root"), so the alert
  // gets no fingerprint and is not tracked across runs, and it is not placed on the file;
  // scripts/action/sarif-summary.mjs annotates the nonexistent path /deploy/ais.yaml.
  // Expected: a relative input path stays relative and normalised (`deploy/ais.yaml`), as the
  // directory walk already produces (`check .//` gives `deploy/ais.yaml`).
  it('a file given as .//deploy/ais.yaml is located at deploy/ais.yaml, not /deploy/ais.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-report25-'));
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(join(dir, 'deploy', 'ais.yaml'), PROD);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const given of ['.//deploy/ais.yaml']) {
        const r = await cli(['check', '-o', 'sarif', given]);
        expect(r.code).toBe(1);
        const sarif = JSON.parse(r.stdout) as {
          runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
        };
        const uris = sarif.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
        expect(uris.length).toBeGreaterThan(0);
        for (const uri of uris) expect(uri).toBe('deploy/ais.yaml');
      }
    } finally {
      process.chdir(cwd);
    }
  });
});

const FIXTURES = join(ROOT, 'test', 'fixtures', 'aistore');
const HOSTPORT_CR = readFileSync(join(FIXTURES, '02-aistore-multitarget-target-hostport-deny.yaml'), 'utf8');
const LEGACY_CR = join(FIXTURES, '03-aistore-legacy-toplevel-antiaffinity-mutate.yaml');

/** The <testcase> elements of a JUnit report, each with its <failure> elements. */
function testCases(xml: string) {
  return [...xml.matchAll(/<testcase [^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    failures: [...(m[1] ?? '').matchAll(/<failure [^>]*>([\s\S]*?)<\/failure>/g)].map((f) => f[1]!),
    body: m[1] ?? '',
  }));
}

describe('review report25: check -o junit as Jenkins and GitLab read it', () => {
  // DEFECT: an object with two deny findings (a multi-target CR with both targetSpec.hostPort and
  // targetSpec.hostNetwork: rules target-host-port and target-host-network) becomes one <testcase>
  // with two <failure> elements. Jenkins' junit plugin reads one: CaseResult.getError /
  // getErrorMessage take testCase.elementText("failure") / element("failure"), dom4j's FIRST
  // matching child, so the second deny (its message, its fix) is never shown on the build's test
  // page; the Ant/windyroad JUnit.xsd that many consumers validate against allows one failure per
  // test case (xs:choice of error|failure, maxOccurs 1); GitLab's parser (lib/gitlab/ci/parsers/
  // test/junit.rb, Hash.from_xml) turns several into an Array as the case's "system output".
  // The user fixes the one deny they see and the next run fails again on the one they did not.
  // Expected: one <failure> per test case that carries every deny of the object (the text output
  // lists both).
  it('every deny of an object is in the one <failure> a consumer reads', async () => {
    const input = HOSTPORT_CR.replace(
      '    hostPort: 51081\n',
      '    hostPort: 51081\n    hostNetwork: true\n',
    );
    const text = await cli(['check', '-'], input);
    expect(text.stdout).toMatch(/DENY {2}target-host-port/);
    expect(text.stdout).toMatch(/DENY {2}target-host-network/);
    const r = await cli(['check', '-o', 'junit', '-'], input);
    expect(r.code).toBe(1);
    const [cr] = testCases(r.stdout);
    expect(cr!.failures).toHaveLength(1);
    expect(cr!.failures[0]).toContain('target-host-port');
    expect(cr!.failures[0]).toContain('target-host-network');
  });

  // DEFECT: with --strict a warning fails the run (exit 1, README "1 deny findings (or warnings with
  // --strict)"; the Action's verdict step fails the job on it), but junit.ts counts and marks only
  // action "deny" as <failure>: the report says tests="1" failures="0" errors="0". GitLab's merge
  // request widget and Jenkins' test trend show every test passing on a pipeline that is red because
  // of ais-guard, and the warning that failed it is only in a <system-out>. renderJunitChunks is not
  // even given the strict flag (check.ts: `junit: () => renderJunitChunks(report)`).
  // Expected: under --strict, a warning (not an info finding) fails its test case, as it fails the
  // run: the report's failure count agrees with the exit code.
  it('--strict: a warning that fails the run fails its test case', async () => {
    const r = await cli(['check', '--strict', '-o', 'junit', LEGACY_CR]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/failures="0"/);
    expect(
      testCases(r.stdout)
        .flatMap((c) => c.failures)
        .join('\n'),
    ).toContain('legacy-anti-affinity-field');
  });

  // DEFECT: findings other than denies are listed in the test case's <system-out> as
  // `${f.action} ${f.ruleId}: ...`, so an info finding (target-disk-binding: the guard binds a
  // claim or pod to its disk, "asks nothing of the user", never fails --strict) reads "warn
  // target-disk-binding: ..." in JUnit, where the text output says INFO, the JSON report
  // severity "info" and SARIF level "note". A reader of the CI test report is told to act on a
  // warning that needs nothing (model.ts informational()).
  // Expected: the same word as the other formats ("info").
  it('an info finding is not labelled "warn" in <system-out>', async () => {
    const r = await cli(['check', '-o', 'junit', join(ROOT, 'examples', 'multi-target')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('target-disk-binding');
    expect(r.stdout).not.toMatch(/warn target-disk-binding/);
  });
});

describe('review report25: List items kubectl cannot type', () => {
  // A List's items are judged (load.ts judgeDocument: `judged(item, ['items', j], ...)`) without the
  // apiVersion/kind check a top-level document gets ("skipped: no apiVersion and kind"). kubectl
  // types every item of a List (cli-runtime FlattenListVisitor -> mapper.infoForObject ->
  // apimachinery UnstructuredObjectTyper.ObjectKinds: "object has no kind field" /
  // "object has no apiVersion field" when either is empty or not a string), so `kubectl apply` of
  // such a List fails ("unable to get type info from the object ...: Object 'Kind' is missing").
  const LIST = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: 1', // a number: GetAPIVersion reads "" (not a string)
    '  kind: ConfigMap',
    '  metadata: {name: a, namespace: ais}',
    '- apiVersion: v1',
    '  kind: [PersistentVolumeClaim]', // a list, not a kind
    '  metadata: {name: b, namespace: ais}',
    '',
  ].join('\n');

  // DEFECT: the item's raw apiVersion/kind are copied into the JSON result, so the report has
  // `"apiVersion": 1` and `"kind": ["PersistentVolumeClaim"]` where docs/schema/report.v1.json says
  // `{"type": "string"}`: a consumer validating the report (docs/json-report.md) refuses all of it.
  // Expected: the report validates.
  it('-o json: the report validates against its schema', async () => {
    const r = await cli(['check', '-o', 'json', '-'], LIST);
    const report = JSON.parse(r.stdout) as unknown;
    expect(
      validate(report) ? [] : validate.errors!.filter((e) => e.instancePath.startsWith('/results')),
    ).toEqual([]);
  });

  // DEFECT: both items count as checked objects and the run exits 0 ("2 object(s) checked: 0
  // denied"), a pass for a file kubectl refuses to apply; the JUnit report shows two passing test
  // cases, SARIF nothing. Expected: an input error naming the item (exit 2), as for a document
  // kubectl cannot decode (metadataProblem), or at least the item skipped with a note.
  it('the run does not pass a List kubectl refuses', async () => {
    const r = await cli(['check', '-'], LIST);
    expect(r.stdout).not.toMatch(/2 object\(s\) checked/);
    expect(r.code).not.toBe(0);
  });
});
