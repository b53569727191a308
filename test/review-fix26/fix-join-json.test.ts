// Review "fix26": `check --fix` to stdout with several files, one of them JSON, not first.
import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const EXAMPLES = join(process.cwd(), 'examples', 'multi-target');

const configMap = (name: string) =>
  `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "${name}", "namespace": "ais"}, "data": {"url": "http:\\/\\/example.com\\/${name}", "smile": "\\ud83d\\ude00"}}`;

// Defect: fix.ts joinSources prints the files as one YAML stream, "---" between them. A JSON file is
// read by kubectl as JSON when it is applied alone (apimachinery YAMLOrJSONDecoder: input that
// starts with "{"), so JSON's own escapes `\/` and a surrogate pair `\ud83d\ude00` (PHP json_encode
// writes the first by default, Python json.dumps' ensure_ascii=True the second for any emoji) are
// fine in it, and `check b.json` passes. Joined after a YAML file, the same bytes are a YAML
// document: go-yaml v2 refuses `\/` ("found unknown escape character") and a lone surrogate escape,
// so `ais-guard check --fix a.yaml b.json | kubectl apply -f -` fails on the whole stream
// (checked with apimachinery v0.34 YAMLOrJSONDecoder: "error converting YAML to JSON: yaml: found
// unknown escape character"), and the guard's own `check -` of its output says "unknown escape".
// fix.ts has the translation (asYamlJson) but jsonStreamAsDocuments applies it only to the values
// after the first of a JSON stream: a single-object JSON file, and the first object of a `jq -c`
// stream, go into the YAML stream untranslated. The exit code is 0.
// Expected: every JSON value printed past the stream's start as YAML reads as the same object
// (asYamlJson on it), so the printed stream is one kubectl and `check -` read.
// Suggested fix: fix.ts jsonStreamAsDocuments/joinSources: when the file is not the first part,
// translate its first value too (and a single JSON object file).
describe('check --fix of a YAML file and a JSON file: the printed stream is readable YAML', () => {
  for (const [name, json] of [
    ['one JSON object', `${configMap('one')}\n`],
    ['a jq -c stream of two', `${configMap('first')}\n${configMap('second')}\n`],
  ] as const)
    it(`${name} after a YAML file`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix26-json-'));
      copyFileSync(join(EXAMPLES, '02-pvs.yaml'), join(dir, 'a.yaml'));
      writeFileSync(join(dir, 'b.json'), json);
      // Alone, the JSON file is fine: kubectl decodes it as JSON.
      expect((await cli(['check', '-q', join(dir, 'b.json')])).code).toBe(0);
      const fixed = await cli(['check', '-q', '--fix', join(dir, 'a.yaml'), join(dir, 'b.json')]);
      expect(fixed.code).toBe(0);
      const again = await cli(['check', '-q', '-'], fixed.stdout);
      expect(again.stdout).not.toContain('error');
      expect(again.code).toBe(0);
    });
});
