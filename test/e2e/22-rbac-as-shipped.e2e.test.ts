// The programs run with the tokens of the ServiceAccounts deploy/ ships, under the RBAC it ships
// (deploy/base, deploy/audit), against the real authorizer: the informers of `serve` list and watch
// every kind, and `audit --apply` (the CronJob's command line, and --report-format both) creates and
// then patches its reports by server-side apply, which the apiserver authorizes as `patch` and, for
// a report not there yet, `create`. Neither role grants `get`, which neither program sends
// (test/review-rbac34 holds the rules against the requests recorded): the runs prove it is not needed.
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { renderManifests } from '../../src/deploy/index.js';
import { kubeCluster, RESOURCES, type ClusterSource } from '../../src/server/cluster.js';
import { ARTIFACTS, KUBECONFIG, ROOT, suffix } from './support/env.js';
import { fixtureObjects, place, yamlStream } from './support/fixtures.js';
import { Cleanup, create, eventually, installCrds, type Obj } from './support/kube.js';
import { aisGuard, kubectl, ok } from './support/run.js';
import { installAistoreCrd } from './support/suite.js';

const GUARD_NS = 'ais-guard';
const MANIFESTS = join(ROOT, 'test', 'e2e', 'manifests');
const OPENREPORTS = join(MANIFESTS, 'openreports-crds.yaml');
const POLICYREPORTS = join(MANIFESTS, 'policyreport-crds.yaml');
const RBAC_KINDS = /^kind: (ServiceAccount|ClusterRole|ClusterRoleBinding)$/m;
const cleanup = new Cleanup();
let namespace: string;

/** A kubeconfig file for a token of this ServiceAccount of the install's namespace. */
async function tokenKubeconfig(account: string): Promise<string> {
  const token = ok(
    await kubectl(['-n', GUARD_NS, 'create', 'token', account, '--duration', '1h']),
    `create token ${account}`,
  ).stdout.trim();
  const admin = YAML.parse(readFileSync(KUBECONFIG, 'utf8')) as {
    clusters: { name: string }[];
  };
  const file = join(mkdtempSync(join(ARTIFACTS, `rbac-${account}-`)), 'kubeconfig');
  writeFileSync(
    file,
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: admin.clusters,
      users: [{ name: account, user: { token } }],
      contexts: [{ name: account, context: { cluster: admin.clusters[0]!.name, user: account } }],
      'current-context': account,
    }),
  );
  return file;
}

/** What `kubectl auth can-i` answers for the ServiceAccount (exit 0 yes, 1 no). */
async function can(account: string, ...what: string[]): Promise<boolean> {
  const r = await kubectl(['auth', 'can-i', ...what, `--as=system:serviceaccount:${GUARD_NS}:${account}`]);
  return r.code === 0;
}

beforeAll(async () => {
  await installAistoreCrd();
  await installCrds(OPENREPORTS, ['reports.openreports.io', 'clusterreports.openreports.io']);
  cleanup.add('OpenReports CRDs', () => kubectl(['delete', '-f', OPENREPORTS]));
  await installCrds(POLICYREPORTS, ['policyreports.wgpolicyk8s.io', 'clusterpolicyreports.wgpolicyk8s.io']);
  cleanup.add('PolicyReport CRDs', () => kubectl(['delete', '-f', POLICYREPORTS]));

  ok(await kubectl(['apply', '-f', 'deploy/base/namespace.yaml']), 'namespace');
  const base = (await renderManifests()).filter((o) =>
    RBAC_KINDS.test(`kind: ${o.kind}`),
  ) as unknown as Obj[];
  ok(await kubectl(['apply', '-f', '-'], yamlStream(base)), 'apply the base RBAC');
  const audit = ok(await kubectl(['kustomize', 'deploy/audit']), 'kubectl kustomize deploy/audit');
  const auditRbac = audit.stdout
    .split(/^---$/m)
    .filter((doc) => RBAC_KINDS.test(doc))
    .join('---\n');
  ok(await kubectl(['apply', '-f', '-'], auditRbac), 'apply the audit RBAC');
  cleanup.add('RBAC', async () => {
    await kubectl(['delete', '--ignore-not-found', '-f', '-'], yamlStream(base));
    await kubectl(['delete', '--ignore-not-found', '-f', '-'], auditRbac);
  });

  namespace = await cleanup.namespace('rbac');
  const to = { namespace, node: `rbac-node-${suffix()}` };
  // Fixture 06: CR "ais" and a misnamed claim (a fail); fixture 04: its disks as PVs (the cluster report).
  for (const o of [...fixtureObjects('06'), ...fixtureObjects('04')].map((x) => place(x, to)))
    if (o.kind === 'PersistentVolume') await cleanup.createOwned(o);
    else await create(o);
  // Earlier files' cluster reports: gone, so the first apply below creates every report.
  await kubectl([
    'delete',
    '--ignore-not-found',
    'clusterreports.openreports.io/ais-guard',
    'clusterpolicyreports.wgpolicyk8s.io/ais-guard',
  ]);
  // RBAC is eventually consistent: the roles in effect before a token is used.
  await eventually('the roles in effect', async () => {
    if (!(await can('ais-guard', 'watch', 'nodes')) || !(await can('ais-guard-audit', 'list', 'pods')))
      throw new Error('not yet');
  });
});
afterAll(() => cleanup.run());

describe('as shipped: neither role grants get', () => {
  it('is the control: the tokens below could not read one object by name', async () => {
    expect(await can('ais-guard', 'get', 'nodes')).toBe(false);
    expect(await can('ais-guard-audit', 'get', 'reports.openreports.io', '-n', namespace)).toBe(false);
    expect(await can('ais-guard-audit', 'create', 'reports.openreports.io', '-n', namespace)).toBe(true);
  });
});

describe("serve's informers with the guard's ServiceAccount token", () => {
  let source: ClusterSource | undefined;
  afterAll(() => source?.stop());

  it('list, then watch, every kind', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(await tokenKubeconfig('ais-guard'));
    source = kubeCluster(kc, { syncTimeoutMs: 60_000, retryBaseMs: 200, retryMaxMs: 2_000 });
    await source.start();
    await eventually('every watch established', () => {
      const kinds = source!.status().kinds;
      for (const r of RESOURCES)
        if (!kinds[r.name]?.connected || kinds[r.name]?.lastError)
          throw new Error(`${r.name}: ${kinds[r.name]?.lastError ?? 'not connected'}`);
    });
    expect(Object.values(source.status().kinds).map((k) => [k.synced, k.restarts])).toEqual(
      RESOURCES.map(() => [true, 0]),
    );
  });
});

describe("audit --apply with the audit ServiceAccount's token", () => {
  let file: string;
  beforeAll(async () => {
    file = await tokenKubeconfig('ais-guard-audit');
  });

  it('--report-format both: every report created (server-side apply of objects not there yet)', async () => {
    const r = await aisGuard([
      'audit',
      '-n',
      namespace,
      '--apply',
      '--report-format',
      'both',
      '-o',
      'json',
      '--kubeconfig',
      file,
    ]);
    expect([r.code, r.stderr]).toEqual([
      1,
      `applied PolicyReport ${namespace}/ais-guard\napplied ClusterPolicyReport ais-guard\n` +
        `applied Report ${namespace}/ais-guard\napplied ClusterReport ais-guard\n`,
    ]);
  });

  it("the CronJob's own arguments: OpenReports patched, the earlier PolicyReports found (list) and emptied", async () => {
    const job = ok(await kubectl(['kustomize', 'deploy/audit']), 'kustomize').stdout;
    const args = (
      YAML.parseAllDocuments(job)
        .map((d) => d.toJS() as { kind: string; spec?: unknown })
        .find((o) => o.kind === 'CronJob') as {
        spec: { jobTemplate: { spec: { template: { spec: { containers: { args: string[] }[] } } } } };
      }
    ).spec.jobTemplate.spec.template.spec.containers[0]!.args;
    expect(args).toEqual([
      'audit',
      '--apply',
      '-o',
      'json',
      '--exclude-namespace=kube-system',
      '--exclude-namespace=kube-public',
      '--exclude-namespace=kube-node-lease',
      '--exclude-namespace=$(AIS_GUARD_NAMESPACE)',
    ]);
    const r = await aisGuard([...args, '-n', namespace, '--kubeconfig', file]);
    expect([r.code, r.stderr]).toEqual([
      1,
      `applied Report ${namespace}/ais-guard\napplied ClusterReport ais-guard\n` +
        `applied PolicyReport ${namespace}/ais-guard\napplied ClusterPolicyReport ais-guard\n`,
    ]);
  });
});
