// `ais-guard audit` against a stand-in apiserver: what it lists, how it judges (as `check` would),
// the reports it writes (PolicyReports, OpenReports, --report-format), and --apply with and without
// their CRDs.
import { afterEach, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import type { KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { FakeCluster } from './support/fake-cluster.js';
import { objectsOf, withUid } from './support/proxied.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function start(objects: KubeObject[]) {
  cluster = await FakeCluster.start(objects.map(withUid));
  const file = cluster.kubeConfigFile();
  return { cluster, kubeconfig: ['--kubeconfig', file] };
}

// The valid set in namespace "ais", plus the hostPort StatefulSet's twin and a misnamed claim in "ais-prod".
const LIVE = () => [
  ...objectsOf('01', '04', '05', '09'),
  ...objectsOf('06'),
  { ...objectsOf('08')[0]!, metadata: { ...objectsOf('08')[0]!.metadata, namespace: 'ais-prod' } },
];

describe('audit', () => {
  it('lists through paged lists and judges the set as check does: text, exit 1 on a deny', async () => {
    const { kubeconfig } = await start(LIVE());
    const r = await cli(['audit', ...kubeconfig]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'PersistentVolumeClaim ais-prod/ais-prod-data-aistore-ais-target-0 [multi-target',
    );
    expect(r.stdout).toMatch(/FAIL {2}pvc-name: .*Name it|fix: Name it ais-data-aistore-ais-target-0\./);
    expect(r.stdout).toContain('StatefulSet ais-prod/ais-target');
    expect(r.stdout).toMatch(/FAIL {2}target-host-port: container "ais-node"/);
    // The valid namespace is audited, and passes.
    expect(r.stdout).not.toMatch(/AIStore ais\/ais \[/);
    expect(r.stdout).toMatch(/\d+ AIStore object\(s\) audited: 2 failing, \d+ with warnings, \d+ passing\n$/);
  });

  it('exit 0 on a clean cluster; -n keeps one namespace (PVs by their claim)', async () => {
    const { kubeconfig } = await start(LIVE());
    const r = await cli(['audit', ...kubeconfig, '-n', 'ais', '-o', 'json']);
    const report = JSON.parse(r.stdout) as {
      summary: { failing: number };
      objects: { namespace?: string; kind: string; result: string }[];
    };
    expect(r.code).toBe(0);
    expect(report.summary.failing).toBe(0);
    expect(report.objects.map((o) => `${o.kind} ${o.result}`).sort()).toEqual([
      'AIStore pass',
      'PersistentVolume pass',
      'PersistentVolume pass',
      'PersistentVolumeClaim warn',
      // Not "would bind it on CREATE": a live pod's affinity cannot change (src/audit/results.ts).
      'Pod pass',
    ]);
  });

  // Review deploy47: the chart's CronJob ran `audit` with none of the webhook's modes or namespaces,
  // and failed every hour on what the webhook only warns of, or never sees. The results still say
  // what each rule finds (review fix47: during an audit-mode rollout the reports show what enforce
  // would refuse); the modes decide only what fails the run.
  it('judges as the webhook runs: --mode, --rule-mode and --exclude-namespace decide what fails the run', async () => {
    const { kubeconfig } = await start(LIVE());
    const run = async (...args: string[]) => {
      const r = await cli(['audit', ...kubeconfig, '-o', 'json', ...args]);
      const report = JSON.parse(r.stdout) as {
        notes: string[];
        objects: { namespace?: string; kind: string; results: { rule: string; result: string }[] }[];
      };
      const fails = report.objects.flatMap((o) =>
        o.results.filter((x) => x.result === 'fail').map((x) => `${o.kind} ${o.namespace} ${x.rule}`),
      );
      return { code: r.code, fails: fails.sort(), notes: report.notes };
    };
    const both = ['PersistentVolumeClaim ais-prod pvc-name', 'StatefulSet ais-prod target-host-port'];
    expect(await run()).toMatchObject({ code: 1, fails: both });
    const warned = await run('--mode', 'warn');
    expect(warned).toMatchObject({ code: 0, fails: both });
    expect(warned.notes).toContainEqual(
      expect.stringMatching(/^2 failing result\(s\) of rules the webhook runs in mode warn or audit/),
    );
    expect(await run('--mode=warn', '--rule-mode=pvc-name=enforce')).toMatchObject({ code: 1, fails: both });
    expect(await run('--mode=warn', '--rule-mode=target-host-port=enforce')).toMatchObject({ code: 1 });
    expect(await run('--rule-mode', 'pvc-name=audit,target-host-port=warn')).toMatchObject({ code: 0 });
    expect(await run('--exclude-namespace', 'ais-prod')).toMatchObject({ code: 0, fails: [] });
    expect(await run('-n', 'ais-prod', '--exclude-namespace', 'ais')).toMatchObject({ code: 1, fails: both });
  });

  it("--apply --exclude-namespace leaves that namespace's report as it was (it was not looked at)", async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    await cli(['audit', ...kubeconfig, '--apply']);
    const before = fake.applied.length;
    const r = await cli(['audit', ...kubeconfig, '--apply', '--exclude-namespace', 'ais-prod']);
    expect(r.code).toBe(0);
    expect(
      fake.applied.slice(before).map((a) => `${a.body.kind} ${a.body.metadata?.namespace ?? ''}`),
    ).toEqual(['PolicyReport ais', 'ClusterPolicyReport ']);
  });

  it('refuses an unknown mode or rule in one line, exit 2', async () => {
    const { kubeconfig } = await start(LIVE());
    let r = await cli(['audit', ...kubeconfig, '--mode', 'strict']);
    expect(r.stderr).toMatch(/unknown --mode "strict" \(use enforce, warn, audit\)/);
    expect(r.code).toBe(2);
    r = await cli(['audit', ...kubeconfig, '--rule-mode', 'pvc-nam=warn']);
    expect(r.stderr).toMatch(/--rule-mode: unknown rule "pvc-nam".*did you mean "pvc-name"/);
    expect(r.code).toBe(2);
  });

  it('says so when the AIStore CRD is not installed, and still judges the targets', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.aistoreCrd = false;
    const r = await cli(['audit', ...kubeconfig]);
    expect(r.stdout).toMatch(/^note: the AIStore CRD \(aistores\.ais\.nvidia\.com\) is not installed/);
    expect(r.stdout).toMatch(/FAIL {2}target-host-port/);
  });

  it('-o policyreport: a PolicyReport per namespace and a ClusterPolicyReport for PVs, counted', async () => {
    const { kubeconfig } = await start(LIVE());
    const r = await cli(['audit', ...kubeconfig, '-o', 'policyreport']);
    const reports = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS()) as {
      kind: string;
      metadata: { name: string; namespace?: string };
      summary: { pass: number; fail: number; warn: number };
      results: {
        policy: string;
        rule: string;
        result: string;
        severity?: string;
        resources: { kind: string; uid?: string }[];
      }[];
    }[];
    expect(reports.map((p) => `${p.kind} ${p.metadata.namespace ?? ''}/${p.metadata.name}`)).toEqual([
      'PolicyReport ais/ais-guard',
      'PolicyReport ais-prod/ais-guard',
      'ClusterPolicyReport /ais-guard',
    ]);
    const prod = reports[1]!;
    const fails = prod.results.filter((x) => x.result === 'fail');
    expect(fails.map((x) => `${x.resources[0]!.kind} ${x.rule} ${x.severity}`).sort()).toEqual([
      'PersistentVolumeClaim pvc-name high',
      'StatefulSet target-host-port high',
    ]);
    for (const p of reports) {
      expect(p.summary.fail).toBe(p.results.filter((x) => x.result === 'fail').length);
      expect(p.summary.pass + p.summary.warn + p.summary.fail).toBe(p.results.length);
      for (const x of p.results) expect(x.resources[0]!.uid).toMatch(/^uid-/);
    }
    expect(reports[2]!.results.every((x) => x.resources[0]!.kind === 'PersistentVolume')).toBe(true);
  });

  it('--apply without any report CRD: prints the report, says why nothing was written, exit 2', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('AIStore object(s) audited');
    expect(r.stderr).toMatch(
      /^ais-guard audit: not applied: neither openreports\.io\/v1alpha1 nor wgpolicyk8s\.io\/v1alpha2 is served: install the OpenReports CRDs .* or the PolicyReport CRDs /,
    );
    expect(fake.applied).toEqual([]);
  });

  it('--apply --report-format policyreport asks nothing of the OpenReports API (an outage there cannot fail it)', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    fake.failing['/apis/openreports.io'] = 503;
    const r = await cli(['audit', ...kubeconfig, '--apply', '--report-format', 'policyreport']);
    expect(r.code).toBe(1);
    expect(fake.applied.map((a) => a.body.kind)).toEqual([
      'PolicyReport',
      'PolicyReport',
      'ClusterPolicyReport',
    ]);
  });

  it('a report API that cannot be asked (auto): one line naming it, exit 2, nothing written', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.failing['/apis/openreports.io'] = 503;
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ais-guard audit: cannot ask which report APIs are served: .*openreports\.io.*\n$/,
    );
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(fake.applied).toEqual([]);
  });

  it('reports the apiserver refuses: one line each, naming it, the others applied, exit 2', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    fake.failing['/apis/wgpolicyk8s.io/v1alpha2/namespaces'] = 403;
    const r = await cli(['audit', ...kubeconfig, '--apply', '--report-format', 'policyreport']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^ais-guard audit: not applied: PolicyReport ais\/ais-guard: HTTP 403: .*failed on purpose$/,
      ),
      expect.stringMatching(
        /^ais-guard audit: not applied: PolicyReport ais-prod\/ais-guard: HTTP 403: .*failed on purpose$/,
      ),
      'applied ClusterPolicyReport ais-guard',
      '',
    ]);
    expect(fake.applied.map((a) => a.body.kind)).toEqual(['ClusterPolicyReport']);
  });

  it('--apply --report-format both with only the PolicyReport CRDs: nothing written, the missing CRDs named', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    const r = await cli(['audit', ...kubeconfig, '--apply', '--report-format', 'both']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ais-guard audit: not applied: openreports.io/v1alpha1 is not served: install the OpenReports CRDs (reports and clusterreports.openreports.io, from github.com/openreports/reports-api or Kyverno), or use -o report and keep the YAML\n',
    );
    expect(fake.applied).toEqual([]);
  });

  it.each<[string, string[], boolean, boolean, string[]]>([
    ['auto, only OpenReports served', [], false, true, ['Report', 'Report', 'ClusterReport']],
    ['auto, both served: OpenReports only', [], true, true, ['Report', 'Report', 'ClusterReport']],
    [
      'auto, nothing served: PolicyReports',
      [],
      false,
      false,
      ['PolicyReport', 'PolicyReport', 'ClusterPolicyReport'],
    ],
    [
      'both',
      ['--report-format', 'both'],
      false,
      false,
      ['PolicyReport', 'PolicyReport', 'ClusterPolicyReport', 'Report', 'Report', 'ClusterReport'],
    ],
    ['-o openreports', ['-o', 'openreports'], true, false, ['Report', 'Report', 'ClusterReport']],
    [
      '-o policyreport',
      ['-o', 'policyreport'],
      false,
      true,
      ['PolicyReport', 'PolicyReport', 'ClusterPolicyReport'],
    ],
  ])('-o report, %s', async (_name, args, policyReportCrd, openReportsCrd, kinds) => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    Object.assign(fake, { policyReportCrd, openReportsCrd });
    const r = await cli(['audit', ...kubeconfig, ...(args[0] === '-o' ? args : ['-o', 'report', ...args])]);
    expect(r.code).toBe(1);
    const reports = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS()) as { kind: string }[];
    expect(reports.map((p) => p.kind)).toEqual(kinds);
    expect(fake.applied).toEqual([]);
  });

  it('-o openreports: the same results as the PolicyReports, with the report-level source', async () => {
    const { kubeconfig } = await start(LIVE());
    const parse = (stdout: string) =>
      YAML.parseAllDocuments(stdout).map((d) => d.toJS()) as Record<string, unknown>[];
    const policy = parse((await cli(['audit', ...kubeconfig, '-o', 'policyreport'])).stdout);
    const open = parse((await cli(['audit', ...kubeconfig, '-o', 'openreports'])).stdout);
    expect(open.map((o) => `${o.apiVersion} ${o.kind} ${o.source}`)).toEqual([
      'openreports.io/v1alpha1 Report ais-guard',
      'openreports.io/v1alpha1 Report ais-guard',
      'openreports.io/v1alpha1 ClusterReport ais-guard',
    ]);
    const timeless = (o: Record<string, unknown>) =>
      (o.results as { timestamp: unknown }[]).map(({ timestamp: _t, ...rest }) => rest);
    for (const [i, p] of policy.entries()) {
      expect(open[i]!.metadata).toEqual(p.metadata);
      expect(open[i]!.summary).toEqual(p.summary);
      expect(timeless(open[i]!)).toEqual(timeless(p));
    }
  });

  it('usage errors: an unknown --report-format, and -o policyreport with another one', async () => {
    const { kubeconfig } = await start(LIVE());
    const unknown = await cli(['audit', ...kubeconfig, '--report-format', 'sarif']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('unknown --report-format "sarif" (use auto, policyreport, openreports, both)'),
    ]);
    const clash = await cli(['audit', ...kubeconfig, '-o', 'policyreport', '--report-format', 'openreports']);
    expect([clash.code, clash.stderr]).toEqual([
      2,
      expect.stringContaining(
        '-o policyreport asks for policyreport reports, --report-format for openreports',
      ),
    ]);
  });

  it('--apply, auto, OpenReports served: server-side apply of Report and ClusterReport', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    Object.assign(fake, { policyReportCrd: true, openReportsCrd: true });
    const r = await cli(['audit', ...kubeconfig, '--apply', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'applied Report ais/ais-guard\napplied Report ais-prod/ais-guard\napplied ClusterReport ais-guard\n',
    );
    expect(fake.applied.map((a) => a.path)).toEqual([
      'PATCH /apis/openreports.io/v1alpha1/namespaces/ais/reports/ais-guard?fieldManager=ais-guard&force=true',
      'PATCH /apis/openreports.io/v1alpha1/namespaces/ais-prod/reports/ais-guard?fieldManager=ais-guard&force=true',
      'PATCH /apis/openreports.io/v1alpha1/clusterreports/ais-guard?fieldManager=ais-guard&force=true',
    ]);
  });

  it('--apply, auto, only the PolicyReport CRDs: server-side apply of each report, field manager ais-guard', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'applied PolicyReport ais/ais-guard\napplied PolicyReport ais-prod/ais-guard\napplied ClusterPolicyReport ais-guard\n',
    );
    expect(fake.applied.map((a) => a.path)).toEqual([
      'PATCH /apis/wgpolicyk8s.io/v1alpha2/namespaces/ais/policyreports/ais-guard?fieldManager=ais-guard&force=true',
      'PATCH /apis/wgpolicyk8s.io/v1alpha2/namespaces/ais-prod/policyreports/ais-guard?fieldManager=ais-guard&force=true',
      'PATCH /apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/ais-guard?fieldManager=ais-guard&force=true',
    ]);
    expect(fake.applied[0]!.contentType).toBe('application/apply-patch+yaml');
  });

  // A rerun replaces the previous results (docs/audit.md), where nothing is found now too: the hourly
  // CronJob kept a namespace's last FAIL results for good once its AIStore objects were gone.
  it('--apply again after a namespace lost its AIStore objects: that report is applied empty', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    await cli(['audit', ...kubeconfig, '--apply']);
    fake.objects.splice(
      0,
      fake.objects.length,
      ...fake.objects.filter((o) => o.metadata?.namespace !== 'ais-prod'),
    );
    const before = fake.applied.length;
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(r.stderr).toContain('applied PolicyReport ais-prod/ais-guard\n');
    const cleared = fake.applied.slice(before).find((a) => a.body.metadata?.namespace === 'ais-prod')!;
    expect(cleared.body).toMatchObject({
      kind: 'PolicyReport',
      summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 },
      results: [],
    });
  });

  it('-n limits the clearing to its namespaces (the cluster report covers every PV)', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    await cli(['audit', ...kubeconfig, '--apply']);
    fake.objects.splice(0, fake.objects.length);
    const before = fake.applied.length;
    const r = await cli(['audit', ...kubeconfig, '--apply', '-n', 'ais']);
    expect(r.code).toBe(0);
    expect(
      fake.applied.slice(before).map((a) => `${a.body.kind} ${a.body.metadata?.namespace ?? ''}`),
    ).toEqual(['PolicyReport ais', 'ClusterPolicyReport ']);
  });

  // Auto writes OpenReports once the cluster serves them (a Kyverno upgrade): the PolicyReports an
  // earlier run wrote are cleared too, or Policy Reporter, which reads both, shows them for good.
  it('auto, after openreports.io appears: the earlier PolicyReports are applied empty', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    await cli(['audit', ...kubeconfig, '--apply']);
    fake.openReportsCrd = true;
    const before = fake.applied.length;
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(r.code).toBe(1);
    const second = fake.applied.slice(before).map((a) => a.body);
    expect(second.filter((b) => b.kind === 'Report').map((b) => b.metadata?.namespace)).toEqual([
      'ais',
      'ais-prod',
    ]);
    const retired = second.filter((b) => b.kind === 'PolicyReport' || b.kind === 'ClusterPolicyReport');
    expect(retired.map((b) => `${b.kind} ${b.metadata?.namespace ?? ''}`)).toEqual([
      'PolicyReport ais',
      'PolicyReport ais-prod',
      'ClusterPolicyReport ',
    ]);
    for (const b of retired) expect(b).toMatchObject({ results: [], summary: { fail: 0, warn: 0, pass: 0 } });
  });

  it("-n: the cluster report still holds every namespace's PVs (written from a part, it would drop the rest)", async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    const r = await cli(['audit', ...kubeconfig, '--apply', '-n', 'ais-prod']);
    expect(r.stderr).toBe('applied PolicyReport ais-prod/ais-guard\napplied ClusterPolicyReport ais-guard\n');
    const clusterReport = fake.applied.find((a) => a.body.kind === 'ClusterPolicyReport')!
      .body as unknown as {
      results: { resources: { kind: string }[] }[];
    };
    // The PVs are fixture 04's, bound to claims in namespace ais, not ais-prod.
    expect(clusterReport.results.map((x) => x.resources[0]!.kind)).toContain('PersistentVolume');
  });

  it('a cluster that refuses to list the reports: they are applied, the clearing is skipped and said', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    fake.failing['/apis/wgpolicyk8s.io/v1alpha2/policyreports'] = 403;
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ais-guard audit: earlier policyreport reports not cleared .*: 403 .*grants list\)\napplied PolicyReport ais\/ais-guard\n/,
    );
  });

  it('the report list answered 429 while the CRD storage starts: asked again, then cleared as usual', async () => {
    const { cluster: fake, kubeconfig } = await start(LIVE());
    fake.policyReportCrd = true;
    fake.busy['/apis/wgpolicyk8s.io/v1alpha2/policyreports'] = 1;
    const r = await cli(['audit', ...kubeconfig, '--apply']);
    expect(fake.busy['/apis/wgpolicyk8s.io/v1alpha2/policyreports']).toBe(0);
    expect(r.stderr).not.toContain('not cleared');
    expect(r.code).toBe(1);
  });

  it('exit 2 with a reason when the cluster cannot be read', async () => {
    const { cluster: fake, kubeconfig } = await start([]);
    await fake.close();
    cluster = undefined;
    const r = await cli(['audit', ...kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ais-guard audit: cannot read the cluster: /);
  });
});
