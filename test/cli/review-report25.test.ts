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
  // an absolute-path reference. RFC 3986 §5.2.2 resolves a reference whose path starts with "/"
  // by replacing the base's whole path, so against the repository root (GitHub code scanning reads
  // relative uris against the checkout, SARIF 2.1.0 §3.4.3/§3.4.4 against uriBaseId) it names
  // /deploy/ais.yaml at the filesystem or URI root, not deploy/ais.yaml in the repository: the
  // alert is not placed on the file and sarif-summary.mjs annotates a path that does not exist.
  // An empty segment in the middle (`deploy//ais.yaml`) is kept too: a different path segment-wise.
  // Expected: a relative input path stays relative and normalised (`deploy/ais.yaml`), as the
  // directory walk already produces (`check .//` gives `deploy/ais.yaml`).
  it('a file given as .//deploy/ais.yaml is located at deploy/ais.yaml, not /deploy/ais.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-report25-'));
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(join(dir, 'deploy', 'ais.yaml'), PROD);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const given of ['.//deploy/ais.yaml', 'deploy//ais.yaml']) {
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
