// Outside review "auditx" of `ais-guard audit` as the operator of a large shared cluster runs it
// (the hourly deploy/audit CronJob, `audit --apply -o json`): report writes one namespace refuses,
// continue tokens that keep expiring on a slow list, objects being deleted. A small proxy in front of
// the FakeCluster answers some requests itself (as test/audit/list-faults.test.ts does).
import { describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import YAML from 'yaml';
import { KUBE_YAML } from '../../src/k8s/yaml.js';
import type { KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { answerStatus, objectsOf, proxiedPerTest, withUid, type Intercept } from './support/proxied.js';

const inNs = (o: KubeObject, namespace: string): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, namespace } as KubeObject['metadata'],
});

const stand = proxiedPerTest();
const seen = stand.seen;
const start = (objects: KubeObject[], intercept?: Intercept) => stand.start(objects.map(withUid), intercept);
/** An APF 429 as the apiserver words it. */
const TOO_MANY = 'Too many requests, please try again later.';
const RETRY_1S = { 'Retry-After': '1' };
const status = (res: ServerResponse, code: number, reason: string, message = reason) =>
  answerStatus(res, code, reason, { message });

// The valid set in namespace "ais" (CR, claims, pods, PVs): audit exits 0 on it.
const VALID = () => objectsOf('01', '04', '05', '09');

describe('review auditx: audit --apply on a shared cluster', () => {
  it("one namespace refusing its report does not leave every later namespace's report unwritten", async () => {
    // What is wrong: src/audit/apply.ts applyReports PATCHes the reports one after another and throws
    // at the first refusal; runAudit then prints "not applied: ..." and stops. The reports are in
    // namespace order, so one tenant's namespace that refuses the write stops every report after it:
    // a namespace being deleted ("unable to create new content in namespace ... because it is being
    // terminated", 403), a ResourceQuota on count/reports.openreports.io, a tenant's admission policy.
    // What the user sees: in a cluster with tenants "aaa" (being deleted) and "ais" (the real
    // AIStore), the hourly Job never again writes the "ais" report nor the ClusterReport: Policy
    // Reporter keeps showing the results of the last run before "aaa" started terminating, for good.
    // Right: apply every report independently, name each one refused, and exit non-zero at the end;
    // the namespaces that accept their report get it (as kubectl apply -f of several objects does).
    const aaa = objectsOf('01', '04').map((o) => (o.metadata?.namespace ? inNs(o, 'aaa') : o));
    const { fake, kubeconfig } = await start(
      [...VALID(), ...aaa.filter((o) => o.kind !== 'PersistentVolume')],
      (req, res, url) =>
        req.method === 'PATCH' && url.pathname.includes('/namespaces/aaa/')
          ? status(
              res,
              403,
              'Forbidden',
              'reports.openreports.io "ais-guard" is forbidden: unable to create new content in namespace aaa because it is being terminated',
            )
          : false,
    );
    fake.openReportsCrd = true;
    const r = await cli(['audit', ...kubeconfig, '--apply', '-o', 'json']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/aaa/);
    const written = fake.applied.map((a) => `${a.body.kind} ${a.body.metadata?.namespace ?? ''}`);
    expect(written).toContain('Report ais');
    expect(written).toContain('ClusterReport ');
  });
});

describe('review auditx: lists on a large, slow cluster', () => {
  it('a list that outlives etcd compaction every time falls back to one full list, as client-go does', async () => {
    // What is wrong: src/audit/list.ts listAll restarts an expired paged list (410 on a continue
    // token) at most LIST_RESTARTS = 2 times with the same paging, then fails the run ("cannot read
    // the cluster", exit 2). A list that takes longer than the compaction interval (5 min by default;
    // 100,000 PVs at 500 per page on a busy apiserver) expires again on every restart. client-go's
    // pager, which the comment says it follows (k8s.io/client-go/tools/pager ListPager.list: on
    // IsResourceExpired with FullListIfExpired and a continue token set, it lists again with
    // Limit 0 and no continue), falls back to ONE unpaged list, which cannot expire.
    // What the user sees: on the clusters it was built for, the hourly audit Job fails with exit 2
    // most hours, and the reports go stale.
    // Right: after an expired continue token, list once without limit/continue (or at least end with
    // that), and judge the cluster: exit 0 on this valid set.
    const { kubeconfig } = await start(VALID(), (_req, res, url) =>
      url.pathname === '/api/v1/persistentvolumes' && url.searchParams.get('continue')
        ? status(
            res,
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result.',
          )
        : false,
    );
    const r = await cli(['audit', ...kubeconfig]);
    expect(r.stderr).not.toMatch(/cannot read the cluster/);
    expect(r.code).toBe(0);
    expect(seen).toContainEqual(expect.stringMatching(/^GET \/api\/v1\/persistentvolumes(\?(?!.*limit=)|$)/));
  });
});

const BEING_DELETED = {
  deletionTimestamp: '2026-12-02T10:00:00Z',
  finalizers: ['kubernetes.io/pvc-protection'],
};
const beingDeleted = (o: KubeObject): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, ...BEING_DELETED } as KubeObject['metadata'],
});

describe('review auditx: objects being deleted', () => {
  it('an AIStore being torn down: its StatefulSet and claims being deleted do not fail the run while the CR is left out', async () => {
    // What is wrong: the audit judges a live CR as the UPDATE from itself, and evaluate() leaves an
    // UPDATE of an object being deleted untouched (src/policy/evaluate.ts: "Being deleted, an object
    // only goes away"), so an AIStore with a deletionTimestamp gives no result and drops out of the
    // audit. Every other object is judged as a CREATE (src/cli/audit.ts audit(), judge live), and a
    // CREATE carrying deletionTimestamp is judged as any other: the hostPort StatefulSet and the
    // misnamed claim of that very CR, both being deleted too, stay FAIL, and the run exits 1.
    // What the user sees: they `kubectl delete aistore ais -n ais-prod` (or the namespace) to get rid
    // of the layout the guard reported; while the teardown runs (the operator decommissions and
    // deletes the target StatefulSet: operator internal/controller/aistore/cluster_controller.go
    // Reconcile, ShouldDecommission -> decommissionCluster -> cleanupClusterRes -> finalize, steps that
    // take minutes and can stall on a target that does not leave; claims wait on pvc-protection
    // until the pods are gone), the hourly Job keeps failing and the report tells them to rename a claim
    // and change a CR that no longer counts, while the CR itself is silently not in the report.
    // Right: an object being deleted is going away and nothing the guard judges can change it (the
    // webhook never judges it again): it must not make the run fail; at most it is said (as being
    // deleted), the same way for the CR and the objects rendered from it.
    const sts = objectsOf('08')[0]!;
    const tornDown = [...objectsOf('06'), inNs(sts, 'ais-prod')].map(beingDeleted);
    const { kubeconfig } = await start([...VALID(), ...tornDown]);
    const r = await cli(['audit', ...kubeconfig, '-o', 'json']);
    const report = JSON.parse(r.stdout) as {
      objects: { kind: string; namespace?: string; result: string }[];
    };
    // As it is: the CR is gone from the audit, its objects being deleted fail.
    expect(
      report.objects
        .filter((o) => o.namespace === 'ais-prod' && o.result === 'fail')
        .map((o) => `${o.kind} ${o.result}`),
    ).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('review auditx: a busy apiserver', () => {
  it('a report write answered 429 with Retry-After (API Priority and Fairness) is asked again', async () => {
    // What is wrong: the lists ride out APF throttling (src/k8s/kubeconfig.ts getJsonPatiently), the
    // writes do not: src/audit/apply.ts applyReports calls client-node's KubernetesObjectApi.patch once,
    // and the first 429 ends the run ("not applied: HTTP 429", exit 2). client-go retries a 429 that
    // carries Retry-After for every verb (rest/request.go, withRetry.IsNextRetry/checkWait, up to 10
    // times), so kubectl apply of the same reports succeeds.
    // What the user sees: on the busy shared clusters APF exists for, the hourly Job fails now and
    // then with exit 2 and leaves every report after the throttled one unwritten.
    // Right: the server-side apply is asked again after Retry-After, as the lists are: exit 0 here.
    let throttled = 0;
    const { fake, kubeconfig } = await start(VALID(), (req, res, url) => {
      if (req.method === 'PATCH' && url.pathname.includes('/reports/') && throttled++ === 0)
        return answerStatus(res, 429, 'TooManyRequests', { message: TOO_MANY, headers: RETRY_1S });
      return false;
    });
    fake.openReportsCrd = true;
    const r = await cli(['audit', ...kubeconfig, '--apply', '-o', 'json']);
    expect(r.stderr).not.toMatch(/not applied/);
    expect(r.code).toBe(0);
    expect(fake.applied.map((a) => `${a.body.kind} ${a.body.metadata?.namespace ?? ''}`)).toContain(
      'Report ais',
    );
  });
  it('the report API discovery answered 429 with Retry-After is asked again', async () => {
    // What is wrong: src/audit/apply.ts served() asks /apis/<group>/<version> with getJson, not
    // getJsonPatiently, so an APF 429 on discovery ends the run at once: "cannot ask which report
    // APIs are served: ... 429", exit 2, nothing written, although the lists a moment earlier were
    // asked again on the same 429. Discovery is not exempt from API Priority and Fairness for a
    // ServiceAccount (it falls in the service-accounts / global-default flow schemas), and client-go
    // retries it as any other GET with Retry-After.
    // What the user sees: the hourly Job fails with exit 2 on a throttled apiserver before it looks at
    // a single report; the reports go stale.
    // Right: discovery is asked again on 429 as the lists are: the reports are applied, exit 0.
    let throttled = 0;
    const { fake, kubeconfig } = await start(VALID(), (req, res, url) => {
      if (req.method === 'GET' && url.pathname === '/apis/openreports.io/v1alpha1' && throttled++ === 0)
        return answerStatus(res, 429, 'TooManyRequests', { message: TOO_MANY, headers: RETRY_1S });
      return false;
    });
    fake.openReportsCrd = true;
    const r = await cli(['audit', ...kubeconfig, '--apply', '-o', 'json']);
    expect(r.stderr).not.toMatch(/cannot ask which report APIs are served/);
    expect(r.code).toBe(0);
    expect(fake.applied.map((a) => `${a.body.kind} ${a.body.metadata?.namespace ?? ''}`)).toContain(
      'Report ais',
    );
  });
});

describe('review auditx: a partial view is said in every output format', () => {
  it('-o report (and --apply -o report) says the AIStore CRD was not read, not only text and json', async () => {
    // What is wrong: collect() notes that the AIStore CRD is not installed (the list answered 404)
    // and the run judges the target objects without their CRs. renderAuditText and renderAuditJson
    // print that note; -o report (src/cli/audit.ts runAudit, render.report) prints only the reports and
    // writes the note nowhere, not even to stderr.
    // What the user sees: `ais-guard audit -o report > reports.yaml` (the route docs/audit.md offers
    // when the report CRDs are missing: "use -o report and keep the YAML") or `--apply -o report`
    // against a cluster whose CRD is gone or whose kubeconfig points at the wrong cluster gives reports
    // with fail: 0 and exit 0, and not a word that no AIStore CR was read: a clean verdict from a
    // partial view (here the misnamed claim of ais-prod, a FAIL with the CR read, is simply missing).
    // Right: the notes go to stderr when stdout holds the reports ("note: the AIStore CRD ... is not
    // installed ...").
    const { fake, kubeconfig } = await start([...VALID(), ...objectsOf('06')]);
    fake.aistoreCrd = false;
    const r = await cli(['audit', ...kubeconfig, '-o', 'report', '--report-format', 'policyreport']);
    expect(r.stdout).toContain('kind: PolicyReport');
    expect(r.stdout + r.stderr).toMatch(/AIStore CRD .*not installed/);
  });
});

describe('review auditx: -o report YAML as kubectl reads it', () => {
  it('a namespace named "on" stays the string "on" when kubectl (go-yaml v2, YAML 1.1) reads the reports', async () => {
    // What is wrong: src/cli/audit.ts prints -o report with YAML.stringify (YAML 1.2), which writes the
    // namespace `on` (a valid DNS label, as are yes, no, off, y, n) plain. kubectl and the apiserver
    // read YAML through go-yaml v2 (YAML 1.1): `namespace: on` is the boolean true. The project
    // writes kubectl YAML with src/k8s/yaml.ts stringifyForKube for exactly this (plan's node names
    // 'y'/'on', commit dee3dc4); audit's reports do not use it.
    // What the user sees: `ais-guard audit -o report > reports.yaml` (docs/audit.md: "use -o report
    // and keep the YAML"), then `kubectl apply -f reports.yaml` once the CRDs are there: "cannot
    // unmarshal bool into Go struct field ObjectMeta.metadata.namespace of type string", and the
    // resources of the results name namespace true.
    // Right: the reports are written so that go-yaml v2 reads back the same strings ("on" quoted).
    const moved = JSON.parse(
      JSON.stringify(VALID()).replace(/"namespace":"ais"/g, '"namespace":"on"'),
    ) as KubeObject[];
    const { kubeconfig } = await start(moved);
    const r = await cli(['audit', ...kubeconfig, '-o', 'report', '--report-format', 'policyreport']);
    expect(r.stdout).toContain('kind: PolicyReport');
    const docs = YAML.parseAllDocuments(r.stdout, KUBE_YAML).map(
      (d) => d.toJS() as { kind: string; metadata: { namespace?: unknown } },
    );
    const report = docs.find((d) => d.kind === 'PolicyReport');
    expect(report?.metadata.namespace).toBe('on');
  });
});
