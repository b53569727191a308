// Review cli32: `audit -o report` with nothing to report (no AIStore in the cluster, or none in the
// -n namespaces) printed nothing at all, so `ais-guard audit -o report | kubectl apply -f -` failed
// with kubectl's "error: no objects passed to apply" (an empty List fails the same way: kubectl counts
// its items), and a report an earlier run applied kept its old results. The cluster report is one
// object for every namespace's PVs, so it is printed every time, empty when no PV has a result, and
// each -n namespace gets its report, empty when nothing there is judged; stderr says so.
import { afterEach, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import type { KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';
import { objectsOf, withUid } from '../audit/support/proxied.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function run(objects: KubeObject[], args: string[]) {
  cluster = await FakeCluster.start(objects.map(withUid));
  const r = await cli(['audit', '--kubeconfig', cluster.kubeConfigFile(), ...args]);
  const docs = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS()) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
    summary: Record<string, number>;
    results: unknown[];
  }[];
  return { ...r, docs, names: docs.map((d) => `${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`) };
}

describe('review cli32: audit -o report with nothing to report', () => {
  it('no AIStore in the cluster: an empty cluster report (something to apply), a note on stderr, exit 0', async () => {
    const r = await run([], ['-o', 'report', '--report-format', 'policyreport']);
    expect(r.code).toBe(0);
    expect(r.names).toEqual(['ClusterPolicyReport /ais-guard']);
    expect(r.docs[0]!.apiVersion).toBe('wgpolicyk8s.io/v1alpha2');
    expect(r.docs[0]!.results).toEqual([]);
    expect(r.docs[0]!.summary).toEqual({ pass: 0, fail: 0, warn: 0, error: 0, skip: 0 });
    expect(r.stderr).toMatch(/^note: no AIStore object to report on: the reports are empty/m);
  });

  it('-n a namespace with nothing judged: its report, empty, beside the cluster one', async () => {
    const r = await run(objectsOf('01', '04', '05', '09'), [
      '-o',
      'report',
      '--report-format',
      'openreports',
      '-n',
      'elsewhere',
    ]);
    expect(r.code).toBe(0);
    expect(r.names).toContain('Report elsewhere/ais-guard');
    expect(r.docs.find((d) => d.metadata.namespace === 'elsewhere')!.results).toEqual([]);
    expect(r.names.at(-1)).toBe('ClusterReport /ais-guard');
  });

  it('with results: the reports as before, the cluster one included even when no PV has a result', async () => {
    const objects = objectsOf('01', '04', '05', '09').filter((o) => o.kind !== 'PersistentVolume');
    const r = await run(objects, ['-o', 'report', '--report-format', 'policyreport']);
    expect(r.names).toEqual(['PolicyReport ais/ais-guard', 'ClusterPolicyReport /ais-guard']);
    expect(r.docs[0]!.results.length).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/reports are empty/);
  });
});
