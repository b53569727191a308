// `check` on metadata kubectl cannot decode, and `--fix` to stdout byte for byte: what an outside
// review ("check") found by fuzzing every field of the examples with null, lists, maps and numbers.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'schema', 'report.v1.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-review-'));

/** An AIStore CR with the removed top-level field: `--fix` moves it under targetSpec. */
const LEGACY_CR = [
  'apiVersion: ais.nvidia.com/v1beta1',
  'kind: AIStore',
  'metadata:',
  '  name: ais',
  '  namespace: ais',
  'spec:',
  '  size: 2',
  '  disablePodAntiAffinity: true',
  '  stateStorage: {hostPath: {prefix: /etc/ais}}',
  '  targetSpec:',
  '    size: 2',
  '    mounts:',
  '      - path: /data/aistore',
  '        size: 5Ti',
];

describe('objects whose metadata.name/namespace is not a string', () => {
  // An unrendered Helm template (`name: {{ .Values.name }}`) reads as a flow map inside a flow map;
  // `name: 123` and `name: yes` (YAML 1.1 boolean) are a number and a boolean. kubectl cannot
  // decode any of them into ObjectMeta.Name (a Go string), and sigs.k8s.io/yaml refuses a map as a
  // map key outright, so none of these files can be applied. The guard counts them as checked
  // objects, exits 0, and prints a JSON report that breaks docs/schema/report.v1.json.
  const cases = {
    helm: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n  namespace: ais\n',
    number: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n  namespace: ais\n',
    boolean: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yes\n  namespace: ais\n',
  };

  for (const [label, text] of Object.entries(cases)) {
    it(`-o json stays inside its schema (${label})`, async () => {
      const r = await cli(['check', '-o', 'json', '-'], text);
      const report = JSON.parse(r.stdout) as unknown;
      expect(validate(report) ? [] : validate.errors).toEqual([]);
    });

    it(`is an input error with its place, exit 2, not a checked object (${label})`, async () => {
      const r = await cli(['check', '-'], text);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/^-:4: error: .*name/m);
    });
  }

  it('JUnit never names a test case "[object Object]"', async () => {
    const r = await cli(['check', '-o', 'junit', '-'], cases.helm);
    expect(r.stdout).not.toContain('[object Object]');
  });
});

describe('labels and annotations that are not maps of strings', () => {
  // An outside attack (atk53) gave a PV `pv.kubernetes.io/provisioned-by: {toString: x}`: check
  // counted the PV as provisioned and passed it, where the apiserver refuses any annotation or
  // label that is no string. The everyday form is an unquoted `true`, `1.0` or a date.
  const object = (meta: string) =>
    `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv\n${meta}spec:\n  hostPath: {path: /a}\n`;
  const cases: [string, string, RegExp][] = [
    [
      'an unquoted number',
      '  labels:\n    version: 1.0\n',
      /^-:6: error: PersistentVolume metadata\.labels\["version"\] is the number 1, not a string \(quote it\)/m,
    ],
    [
      'an unquoted boolean',
      '  annotations:\n    a: "x"\n    b: true\n',
      /^-:7: error: .*annotations\["b"\] is the boolean true/m,
    ],
    [
      'a map where a string belongs',
      '  annotations:\n    pv.kubernetes.io/provisioned-by: {toString: x}\n',
      /^-:6: error: .*\["pv\.kubernetes\.io\/provisioned-by"\] is a map, not a string: kubectl cannot apply it$/m,
    ],
    [
      'a list for the map',
      '  labels: [a, b]\n',
      /^-:5: error: PersistentVolume metadata\.labels is a list, not a map of strings/m,
    ],
  ];
  for (const [label, meta, said] of cases)
    it(`is an input error with its place, exit 2 (${label})`, async () => {
      const r = await cli(['check', '-'], object(meta));
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: expect.stringMatching(said) });
    });

  it('null values (read as "") and strings pass', async () => {
    const r = await cli(['check', '-'], object('  labels:\n    a: ~\n    b: "1.0"\n'));
    expect(r.code).toBe(0);
  });
});

describe('`--fix` to stdout is the same bytes `--fix --write` would write', () => {
  // README: "--fix edits the text of the nodes a patch changes and nothing else: every other byte of
  // the file (..., CRLF, a BOM, ...) stays as it was". `ais-guard check --fix one.yaml > fixed.yaml`
  // drops the file's BOM (joinSources strips it from every file, not only mid-stream) and adds a
  // final line break the file did not have, so the printed fix is not the file --write makes.
  it('a single file with a BOM and no final line break', async () => {
    const dir = tmp();
    const file = join(dir, 'cr.yaml');
    const before = '\uFEFF' + LEGACY_CR.join('\r\n'); // BOM, CRLF, no final line break
    writeFileSync(file, before);
    const printed = await cli(['check', '--fix', file]);
    const written = await cli(['check', '--fix', '--write', file]);
    expect(written.stderr).toContain('rewrote 1 file(s)');
    expect(printed.stdout).toBe(readFileSync(file, 'utf8'));
  });
});

describe('an object with an empty `metadata:` (its fields commented out)', () => {
  // `metadata:` with nothing under it is null, not {}; objectLabel's `metadata = {}` default does
  // not cover null, so any finding on such an object crashes the text report with a TypeError and
  // its stack trace: the whole report (every other file's verdict) is lost. kubectl refuses the
  // object (metadata.name: Required value), so this is bad input, owed a one-line error.
  const CR = [
    'apiVersion: ais.nvidia.com/v1beta1',
    'kind: AIStore',
    'metadata:',
    '#  name: ais',
    'spec:',
    '  size: 2',
    '  targetSpec:',
    '    size: 2',
    '    hostNetwork: true',
    '',
  ].join('\n');

  for (const flags of [[], ['--fix']]) {
    it(`an input error with its place, exit 2, no stack trace (check ${flags.join(' ')} -)`, async () => {
      const r = await cli(['check', ...flags, '-'], CR);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/^-:3: error: AIStore metadata is empty/m);
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
    });
  }

  it('-o junit: a whole document with the error as a test case', async () => {
    const r = await cli(['check', '-o', 'junit', '-'], CR);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/<error message="AIStore metadata is empty[^"]*"\/><\/testcase>/);
    expect(r.stdout.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});

describe('objects of the kinds the rules judge, with no name', () => {
  // `name: ~`, `name: ""` or no name at all and no generateName: the apiserver refuses the object
  // (ValidateObjectMeta: "name or generateName is required"); judged as "(unnamed)", an AIStore's
  // claims came out as "-ais1" and were refused for that.
  const named = (meta: string) =>
    `apiVersion: ais.nvidia.com/v1beta1\nkind: AIStore\n${meta}spec:\n  size: 2\n  targetSpec:\n    mounts:\n      - {path: /ais1, size: 10Gi}\n`;
  it.each([
    ['name: ~', named('metadata:\n  name: ~\n  namespace: ais\n'), 4],
    ['name: ""', named('metadata:\n  name: ""\n  namespace: ais\n'), 4],
    ['no name', named('metadata:\n  namespace: ais\n'), 4],
    ['no metadata', named(''), 1],
  ])('%s is an input error at its place', async (_, text, line) => {
    const r = await cli(['check', '-'], text);
    expect(r.stdout).toContain(`-:${line}: error: AIStore has no metadata.name (nor generateName)`);
    expect(r.stdout).not.toMatch(/DENY/);
    expect(r.code).toBe(2);
  });

  it('generateName will do (kubectl create), and other kinds are not asked (a kubeconfig in a walk)', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: probe-\n  namespace: ais\nspec:\n  containers: []\n';
    expect((await cli(['check', '-'], pod)).code).toBe(0);
    expect((await cli(['check', '-'], 'apiVersion: v1\nkind: Config\nclusters: []\n')).code).toBe(0);
  });
});
