#!/usr/bin/env node
// `helm template` of the chart with the monitoring pack on (read from stdin) holds the same
// ServiceMonitor, PrometheusRule and dashboard ConfigMap as `kubectl kustomize
// deploy/overlays/monitoring`, object for object. Writes the chart's PrometheusRule spec to the
// file named by the first argument, for `promtool check rules` on what the chart really installs.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';

const parse = (text) =>
  YAML.parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS())
    .filter(Boolean);
const key = (o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
const overlay = parse(
  execFileSync('kubectl', ['kustomize', 'deploy/overlays/monitoring'], { encoding: 'utf8' }),
);
const chart = new Map(parse(readFileSync(0, 'utf8')).map((o) => [key(o), o]));

let failed = 0;
for (const o of overlay) {
  const same = isDeepStrictEqual(chart.get(key(o)), o);
  console.log(`${same ? 'same' : 'DIFFERENT'}: ${key(o)} (chart and deploy/overlays/monitoring)`);
  if (!same) {
    failed++;
    console.log(YAML.stringify({ chart: chart.get(key(o)) ?? null, overlay: o }));
  }
}
const rule = overlay.find((o) => o.kind === 'PrometheusRule');
writeFileSync(process.argv[2], YAML.stringify(chart.get(key(rule))?.spec ?? {}));
process.exit(failed ? 1 : 0);
