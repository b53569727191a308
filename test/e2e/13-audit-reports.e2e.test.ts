// `ais-guard audit --apply` against a real apiserver with the real report CRDs (issue 18): the
// OpenReports CRDs (openreports.io/v1alpha1) and the wgpolicyk8s.io PolicyReport CRDs, committed in
// test/e2e/manifests with their sources. What the guard writes is stored as sent (nothing pruned by
// the structural schemas), passes strict field validation, and --report-format picks the kinds:
// both, or auto (OpenReports when served). No guard runs: audit reads the cluster and writes reports.
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT, suffix } from './support/env.js';
import { fixtureObjects, place } from './support/fixtures.js';
import { Cleanup, core, create, eventually, installCrds, read, type Obj } from './support/kube.js';
import { aisGuard, kubectl, ok } from './support/run.js';
import { installAistoreCrd } from './support/suite.js';

const MANIFESTS = join(ROOT, 'test', 'e2e', 'manifests');
const OPENREPORTS = join(MANIFESTS, 'openreports-crds.yaml');
const POLICYREPORTS = join(MANIFESTS, 'policyreport-crds.yaml');
const cleanup = new Cleanup();
let namespace: string;

beforeAll(async () => {
  await installAistoreCrd();
  await installCrds(OPENREPORTS, ['reports.openreports.io', 'clusterreports.openreports.io']);
  cleanup.add('OpenReports CRDs', () => kubectl(['delete', '-f', OPENREPORTS]));
  await installCrds(POLICYREPORTS, ['policyreports.wgpolicyk8s.io', 'clusterpolicyreports.wgpolicyk8s.io']);
  cleanup.add('PolicyReport CRDs', () => kubectl(['delete', '-f', POLICYREPORTS]));
  namespace = await cleanup.namespace('audit');
  const to = { namespace, node: `audit-node-${suffix()}` };
  // Fixture 06: CR "ais" and a claim named the old doc's way (a fail); fixture 04: its disks as PVs
  // pre-bound to the target claims (cluster-scoped: the ClusterReport). No webhook is registered.
  for (const o of [...fixtureObjects('06'), ...fixtureObjects('04')].map((x) => place(x, to)))
    if (o.kind === 'PersistentVolume') await cleanup.createOwned(o);
    else await create(o);
  // The cluster reports hold every PV of the cluster: wait until the PVs other files made are gone
  // (their deletion waits on pv-protection), or two audit runs a moment apart report different sets.
  await eventually(
    'only this file’s PVs in the cluster',
    async () => {
      const others = (await core.listPersistentVolume()).items
        .map((pv) => pv.metadata?.name ?? '')
        .filter((name) => !name.startsWith(to.node));
      if (others.length > 0) throw new Error(`still there: ${others.slice(0, 5).join(', ')}`);
    },
    { timeoutMs: 120_000 },
  );
});
afterAll(() => cleanup.run());

type Report = Obj & { source?: string; summary: Record<string, number>; results: Record<string, unknown>[] };
const parse = (stdout: string) => YAML.parseAllDocuments(stdout).map((d) => d.toJS() as Report);
const timeless = (r: Report) => r.results.map(({ timestamp: _t, ...rest }) => rest);

describe('audit --apply with both report CRDs served', () => {
  it('--report-format both: PolicyReports and OpenReports written, and stored exactly as printed', async () => {
    const applied = await aisGuard([
      'audit',
      '-n',
      namespace,
      '--apply',
      '--report-format',
      'both',
      '-o',
      'json',
    ]);
    expect([applied.code, applied.stderr]).toEqual([
      1,
      `applied PolicyReport ${namespace}/ais-guard\napplied ClusterPolicyReport ais-guard\n` +
        `applied Report ${namespace}/ais-guard\napplied ClusterReport ais-guard\n`,
    ]);
    const printed = parse(
      (await aisGuard(['audit', '-n', namespace, '-o', 'report', '--report-format', 'both'])).stdout,
    );
    expect(printed.map((r) => `${r.apiVersion} ${r.kind}`)).toEqual([
      'wgpolicyk8s.io/v1alpha2 PolicyReport',
      'wgpolicyk8s.io/v1alpha2 ClusterPolicyReport',
      'openreports.io/v1alpha1 Report',
      'openreports.io/v1alpha1 ClusterReport',
    ]);
    for (const sent of printed) {
      const stored = (await read(sent)) as Report | undefined;
      expect(stored?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'ais-guard' });
      expect([sent.kind, stored?.source, stored?.summary, timeless(stored!)]).toEqual([
        sent.kind,
        sent.source,
        sent.summary,
        timeless(sent),
      ]);
    }
    const report = printed[2]!;
    expect(report.source).toBe('ais-guard');
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.results).toContainEqual(
      expect.objectContaining({ policy: 'ais-guard', rule: 'pvc-name', result: 'fail', severity: 'high' }),
    );
  });

  it('the reports pass strict field validation; a misspelt field does not (the check is real)', async () => {
    const yaml = (await aisGuard(['audit', '-n', namespace, '-o', 'openreports'])).stdout;
    const strict = [
      'apply',
      '--server-side',
      '--field-manager=e2e',
      '--force-conflicts',
      '--dry-run=server',
      '--validate=strict',
      '-f',
      '-',
    ];
    const accepted = await kubectl(strict, yaml);
    expect([accepted.code, accepted.stderr]).toEqual([0, '']);
    expect(accepted.stdout).toContain(`report.openreports.io/ais-guard serverside-applied (server dry run)`);
    const misspelt = await kubectl(
      strict,
      yaml.replace('  - source: ais-guard\n', '  - sources: ais-guard\n'),
    );
    expect(misspelt.code).not.toBe(0);
    expect(misspelt.stderr).toContain('.results[0].sources: field not declared in schema');
  });

  it('--report-format auto (the default): OpenReports, as the cluster serves them; the PolicyReports of the run before are emptied', async () => {
    const applied = await aisGuard(['audit', '-n', namespace, '--apply', '-o', 'json']);
    // Policy Reporter reads both kinds: the PolicyReports "both" wrote would show every result twice.
    expect([applied.code, applied.stderr]).toEqual([
      1,
      `applied Report ${namespace}/ais-guard\napplied ClusterReport ais-guard\n` +
        `applied PolicyReport ${namespace}/ais-guard\napplied ClusterPolicyReport ais-guard\n`,
    ]);
    const retired = (await read({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: 'ais-guard', namespace },
    } as Obj)) as Report | undefined;
    expect([retired?.results ?? [], retired?.summary.fail]).toEqual([[], 0]);
    const table = ok(await kubectl(['get', 'reports', '-n', namespace]), 'kubectl get reports');
    const cluster = ok(await kubectl(['get', 'clusterreports']), 'kubectl get clusterreports');
    expect(cluster.stdout).toMatch(/^NAME\s+PASS\s+FAIL\s+WARN\s+ERROR\s+SKIP\s+AGE\nais-guard\s+\d+\s/);
    expect(table.stdout).toMatch(
      /^NAME\s+PASS\s+FAIL\s+WARN\s+ERROR\s+SKIP\s+AGE\nais-guard\s+\d+\s+[1-9]\d*\s/,
    );
    // Real output for docs/audit.md.
    const yaml = (await aisGuard(['audit', '-n', namespace, '-o', 'report'])).stdout;
    console.log(
      `$ ais-guard audit -n ${namespace} --apply -o json >/dev/null\n${applied.stderr}` +
        `$ kubectl get reports -n ${namespace}\n${table.stdout}$ kubectl get clusterreports\n${cluster.stdout}` +
        `$ ais-guard audit -n ${namespace} -o report\n${yaml.split('\n').slice(0, 60).join('\n')}`,
    );
  });
});
