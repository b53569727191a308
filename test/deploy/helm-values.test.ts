// The Helm chart's values, checked without helm (npm test has none; the e2e stage builds one and
// runs test/e2e/10-helm-chart.e2e.test.ts): the schema knows exactly the guard's rule ids and
// modes, the defaults satisfy the schema's enums, and docs/helm.md documents every value.
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';
import { MODES, RULE_IDS } from '../../src/policy/index.js';

const CHART = join(DEPLOY_DIR, 'helm', 'ais-guard');
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as {
  properties: Record<
    string,
    { enum?: string[]; properties?: Record<string, unknown> } & Record<string, unknown>
  >;
};
const values = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
const doc = readFileSync(join(DEPLOY_DIR, '..', 'docs', 'helm.md'), 'utf8');

/** Every leaf key of the default values, dotted (empty maps and `resources` count as leaves). */
function leaves(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && k !== 'resources'
      ? leaves(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

describe('deploy/helm/ais-guard values', () => {
  it("the schema's rule ids and modes are the guard's", () => {
    const rules = schema.properties.rules as {
      propertyNames: { enum: string[] };
      additionalProperties: { enum: string[] };
    };
    expect([...rules.propertyNames.enum].sort()).toEqual([...RULE_IDS].sort());
    expect(rules.additionalProperties.enum).toEqual([...MODES]);
    expect(schema.properties.mode!.enum).toEqual([...MODES]);
  });

  it('every top-level value is in the schema, and the schema has no other', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(values).sort());
  });

  it('fullnameOverride takes a Service name that YAML 1.1 reads back as a string', () => {
    // The chart writes the name bare (metadata.name, the instance label); Helm and kubectl read
    // manifests with sigs.k8s.io/yaml, to which a bare on, no or null is a boolean or null, not a
    // name: such an install failed at decoding, after part of it was applied. render --name quotes.
    const valid = new Ajv({ strict: false }).compile(schema);
    const accepts = (name: string) => valid({ ...values, fullnameOverride: name });
    for (const name of ['', 'guard-b', 'online', 'no-1', 'nope'])
      expect([name, accepts(name)]).toEqual([name, true]);
    for (const name of ['on', 'off', 'yes', 'no', 'y', 'n', 'true', 'false', 'null', '1guard'])
      expect([name, accepts(name)]).toEqual([name, false]);
  });

  it('docs/helm.md has a row for every value', () => {
    for (const key of leaves(values)) expect(doc).toContain(`| \`${key}\``);
  });
});
