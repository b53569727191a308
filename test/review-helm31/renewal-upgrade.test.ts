// review helm31: the certificate renewal command of docs/helm.md, run with a newer checkout of the
// chart than the release was installed from (the chart is installed from a clone; a renewal comes a
// year later).
// DEFECT: it said `helm upgrade ... --reuse-values`. With that flag Helm takes the OLD chart's
// values.yaml as the defaults (pkg/action/upgrade.go reuseValues: chart.Values = oldVals), so every
// value added since is missing: the templates fail on it (nil pointer at argocd.syncWaves), or, where
// a missing value means something, the install changes silently (a missing failurePolicy.storageByName
// renders Fail: a guard that is down then blocks the PV binder and other workloads). The renewal
// fails while the certificate runs out, or changes the failure policies.
// EXPECTED: the documented command keeps the release's own values over the NEW chart's defaults
// (--reset-then-reuse-values, Helm >= 3.14 and 4). Simulated here as Helm's upgrade does, for a release
// of the chart's first values.yaml (fixtures/values-6d9e074.yaml) with the certificate files given.
import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { CHART, helm } from './support.js';

const OLD_VALUES = join(import.meta.dirname, 'fixtures', 'values-6d9e074.yaml');

/** The helm upgrade flag docs/helm.md gives for the renewal. */
function documentedFlag(): string {
  const doc = readFileSync(join(CHART, '..', '..', '..', 'docs', 'helm.md'), 'utf8');
  const renewal = doc.slice(doc.indexOf('**Renewing a certificate the chart made**'));
  const flag = /--(reuse-values|reset-then-reuse-values|reset-values)\b/.exec(renewal.slice(0, 1500))?.[0];
  if (!flag) throw new Error('docs/helm.md: no values flag in the renewal command');
  return flag;
}

describe('review helm31: the documented renewal upgrade against a newer chart', () => {
  it('renders, with the failure policies of the new chart', () => {
    const flag = documentedFlag();
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-helm31-'));
    try {
      const chart = join(dir, 'ais-guard');
      cpSync(CHART, chart, { recursive: true });
      // --reuse-values: the old chart's values are the defaults (the new schema still applies).
      if (flag === '--reuse-values') cpSync(OLD_VALUES, join(chart, 'values.yaml'));
      // The release's own values (current.Config): the three files, as --set-file gave them.
      const config = join(dir, 'config.yaml');
      const files = { tlsCrt: 'crt', tlsKey: 'key', caCrt: 'ca' };
      writeFileSync(config, YAML.stringify({ certificates: { files } }));
      const r = helm(['template', 'ais-guard', chart, '-f', config]);
      expect({ flag, status: r.status, stderr: r.stderr }).toEqual({ flag, status: 0, stderr: '' });
      const policies = [
        ...r.stdout.matchAll(/- name: (\S+)\.validate\.ais-guard\.io[\s\S]*?failurePolicy: (\w+)/g),
      ].map((m) => `${m[1]}=${m[2]}`);
      expect(policies).toEqual([
        'aistores=Fail',
        'storage=Fail',
        'volumes=Fail',
        'storage-by-name=Ignore',
        'pods=Ignore',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
