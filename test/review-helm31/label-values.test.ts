// review helm31: label keys and values the schema accepted and the apiserver refuses. The chart
// renders them faithfully (toYaml quotes them), but a key with a space or a value with ': ' is no
// Kubernetes label: the Deployment (nodeSelector is validated as labels), the ServiceMonitor, the
// PrometheusRule or the dashboard ConfigMap is then refused part-way through `helm install`.
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CHART } from './support.js';

const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object;
const defaults = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
const valid = new Ajv({ strict: false }).compile(schema);

/** The values with `labels` as each label map the chart renders. */
const places = (labels: Record<string, string>) => ({
  'serviceMonitor.labels': { ...defaults, serviceMonitor: { ...defaults.serviceMonitor, labels } },
  'prometheusRule.labels': { ...defaults, prometheusRule: { ...defaults.prometheusRule, labels } },
  nodeSelector: { ...defaults, nodeSelector: labels },
});

const GOOD: Record<string, string>[] = [
  { release: 'kube-prometheus-stack' },
  { 'example.com/team': 'storage_A.1' },
  { 'kubernetes.io/os': 'linux' },
  { empty: '' },
  { x: 'a'.repeat(63) },
];
const BAD: Record<string, string>[] = [
  { 'my label': 'x' },
  { release: 'y: z' },
  { release: 'kube prometheus' },
  { release: '-leading' },
  { x: 'a'.repeat(64) },
  { ['a'.repeat(64)]: 'x' },
  { '/x': 'y' },
];

describe('review helm31: label keys and values', () => {
  it.each(GOOD)('%j: accepted everywhere', (labels) => {
    for (const [where, values] of Object.entries(places(labels)))
      expect({ where, ok: valid(values) }).toEqual({ where, ok: true });
  });

  it.each(BAD)('%j: refused everywhere', (labels) => {
    for (const [where, values] of Object.entries(places(labels)))
      expect({ where, ok: valid(values) }).toEqual({ where, ok: false });
  });

  it('grafanaDashboard.labelName and labelValue are a label too', () => {
    const dash = (over: object) =>
      valid({ ...defaults, grafanaDashboard: { ...defaults.grafanaDashboard, ...over } });
    expect(dash({ labelName: 'grafana_dashboard', labelValue: '1' })).toBe(true);
    expect(dash({ labelName: 'grafana dashboard' })).toBe(false);
    expect(dash({ labelValue: 'yes please' })).toBe(false);
  });
});
