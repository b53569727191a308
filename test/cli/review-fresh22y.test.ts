// Review "fresh22y": `ais-guard check` input handling after the last session's reader changes
// (9db6925..c8aaa3b: Go-prefixed ints, %-directives, "...", UTF-16, go-yaml's alias budget). The bar
// for what an object IS: what kubectl sends, i.e. apimachinery util/yaml YAMLReader (cuts the stream
// at "---" lines) -> sigs.k8s.io/yaml YAMLToJSON -> go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2) resolve.go
// resolve() for each plain scalar -> encoding/json.Marshal of the decoded value.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluate, type KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

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
  // in 67f91c6, in the form the brief of that fix named ("0_x1").
  // Expected: these read as go-yaml v2 reads them (underscores stripped before the sign/prefix
  // test), so check denies by target-host-port as the webhook does.
  const hostPortCr = (hostPort: string) =>
    readFileSync(fixture('02'), 'utf8').replace('hostPort: 51081', `hostPort: ${hostPort}`);

  it.each([
    ['0_x1F41', 8001],
    ['+_51081', 51081],
    ['0_o777', 511],
    ['0_b1111', 15],
  ])(
    'targetSpec.hostPort: %s is the int %d to kubectl: check denies as the webhook does',
    async (text, port) => {
      const file = join(tmp(), 'ais.yaml');
      writeFileSync(file, hostPortCr(text));
      // The webhook's verdict on the object kubectl sends.
      const sent = parse(hostPortCr(String(port))) as KubeObject;
      expect(evaluate({ operation: 'CREATE', object: sent }).allowed).toBe(false);
      const r = await cli(['check', '-o', 'json', file]);
      const report = JSON.parse(r.stdout) as {
        results: { allowed: boolean; findings: { ruleId: string }[] }[];
      };
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
