// Review check30: a List whose items come through a YAML alias (`items: *targets`, the anchor on
// another key, as a template that reuses one list writes it). kubectl applies the items (go-yaml
// resolves the alias); check judged them at line 0: load.ts gave an item with no node of its own in
// the document the line 0, so the text output said `file:0` and `(line 0)`, the JSON report broke
// its schema (an error's `line` is >= 1), and the SARIF result had `region.startLine: 0`, which
// SARIF 2.1.0 forbids (minimum 1): github/codeql-action/upload-sarif refuses the whole file, so
// every finding of the run is lost from code scanning. Expected: the nearest line the item has
// in the file (the alias it comes through).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROD = readFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), 'utf8');
const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'schema', 'report.v1.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

// The CR of ais-prod.yaml, then a List whose items are an alias: its claim is named the old way
// (denied), item 3 is no object (an error), item 4 has no apiVersion (an error).
const CR = PROD.split('\n---\n')[0]!;
const LIST = `apiVersion: v1
kind: List
reused: &targets
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a, namespace: ais-prod}
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: ais-prod-data-aistore-ais-target-0, namespace: ais-prod}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: ais-local-storage
      resources: {requests: {storage: 5Ti}}
  - 42
  - {kind: Foo}
items: *targets
`;
const INPUT = `${CR}\n---\n${LIST}`;
const ITEMS_LINE = INPUT.split('\n').indexOf('items: *targets') + 1;

describe('review check30: List items through an alias have a line', () => {
  it('text: no line 0', async () => {
    const r = await cli(['check', '-'], INPUT);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`-:${ITEMS_LINE} (document 2) PersistentVolumeClaim`);
    expect(r.stdout).toContain(`DENY  pvc-name (line ${ITEMS_LINE})`);
    expect(r.stdout).toContain(`-:${ITEMS_LINE}: error: List item 3`);
    expect(r.stdout).not.toMatch(/:0[ :]|\(line 0\)/);
  });

  it('json: the report validates against its schema', async () => {
    const r = await cli(['check', '-o', 'json', '-'], INPUT);
    expect(validate(JSON.parse(r.stdout)) ? [] : validate.errors).toEqual([]);
  });

  it('sarif: every region starts at line 1 or later', async () => {
    const r = await cli(['check', '-o', 'sarif', '-'], INPUT);
    const sarif = JSON.parse(r.stdout) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    const lines = sarif.runs[0]!.results.map((x) => [
      x.ruleId,
      x.locations[0]!.physicalLocation.region.startLine,
    ]);
    expect(lines).toEqual([['pvc-name', ITEMS_LINE]]);
  });
});
