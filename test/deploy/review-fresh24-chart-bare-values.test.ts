// review fresh24: chart values rendered bare that a schema-valid value turns into a non-string.
//
// ff6c725 closed this for fullnameOverride (values.schema.json refuses on, no, null, ...), and
// _helpers.tpl quotes the namespace everywhere for the same reason ("a valid namespace name such as
// 1234 or on is a number or a boolean to YAML 1.1 when bare"). Two other names are still written
// bare while the schema takes any string:
// - certificates.existingSecret, through "ais-guard.tlsSecret": deployment.yaml
//   `secretName: {{ include "ais-guard.tlsSecret" . }}` and servicemonitor.yaml
//   `name: {{ include "ais-guard.tlsSecret" . }}`;
// - priorityClassName: deployment.yaml `priorityClassName: {{ . }}`.
// A Secret or PriorityClass name is a DNS-1123 subdomain: 1234, true, on, null are valid names.
// DEFECT: the schema accepts them and the manifest Helm sends reads them (sigs.k8s.io/yaml, YAML
// 1.1) as a number, boolean or null; the Deployment then fails to decode ("cannot unmarshal number
// into Go struct field SecretVolumeSource...secretName of type string"), after part of the release
// was applied, the failure ff6c725 describes for fullnameOverride.
// IMPACT: `helm install --set certificates.mode=existing-secret --set certificates.existingSecret=1234`
// (a PKI that numbers its Secrets) passes the schema and fails part-way.
// EXPECTED: either the templates quote these names (| quote), or the schema refuses what YAML 1.1
// does not read back as a string. helm is not available here: the template line is filled in as
// Helm's text/template would, and read with the yaml library in YAML 1.1 mode, as Helm reads it.
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEPLOY_DIR } from '../../src/deploy/index.js';

const CHART = join(DEPLOY_DIR, 'helm', 'ais-guard');
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object;
const values = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
const template = (file: string) => readFileSync(join(CHART, 'templates', file), 'utf8');

/**
 * The template's line holding `expr` (`{{ ... }}`, or the same with `| quote` before its `}}`), filled
 * with `value` as text/template prints it: bare, or quoted as Go's strconv.Quote (JSON's form for names).
 */
function rendered(file: string, expr: string, value: string, marker = expr): unknown {
  const quoted = expr.replace(/ \}\}$/, ' | quote }}');
  const line = template(file)
    .split('\n')
    .find((l) => l.includes(marker) || l.includes(marker.replace(expr, quoted)));
  if (!line) throw new Error(`${file}: no line with ${expr}`);
  const text = line.includes(quoted)
    ? line.replace(quoted, JSON.stringify(value))
    : line.replace(expr, value);
  return Object.values(YAML.parse(text.trim(), { version: '1.1' }) as object)[0];
}

const valid = new Ajv({ strict: false }).compile(schema);
const NAMES = ['1234', 'true', 'on', 'null'];

describe('review fresh24: bare-rendered chart values a valid name turns into a non-string', () => {
  it.each(NAMES)('certificates.existingSecret %s: accepted by the schema, rendered as a string', (name) => {
    const given = {
      ...values,
      certificates: {
        ...(values.certificates as object),
        mode: 'existing-secret',
        existingSecret: name,
      },
    };
    const accepted = valid(given);
    const asRendered = [
      rendered('deployment.yaml', '{{ include "ais-guard.tlsSecret" . }}', name),
      rendered('servicemonitor.yaml', '{{ include "ais-guard.tlsSecret" . }}', name),
    ];
    // Refused by the schema, or every place that renders it reads a string.
    expect({ accepted, strings: asRendered.every((v) => v === name) }).not.toEqual({
      accepted: true,
      strings: false,
    });
  });

  it.each(NAMES)('priorityClassName %s: accepted by the schema, rendered as a string', (name) => {
    const accepted = valid({ ...values, priorityClassName: name });
    const asRendered = rendered('deployment.yaml', '{{ . }}', name, 'priorityClassName: {{ . }}');
    expect({ accepted, string: asRendered === name }).not.toEqual({ accepted: true, string: false });
  });
});
