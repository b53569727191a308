// doctor's audit-cronjob check through the stand-in apiserver: the CronJob <name>-audit read from the
// guard's namespace, the report APIs' discovery and its ServiceAccount's SubjectAccessReviews asked
// only when it is installed, and the exit codes (a failed last run warns; no report API fails; a
// CronJob doctor may not read is a warn, one the apiserver did not answer exits 2).
import { beforeAll, expect, it } from '@jest/globals';
import { renderManifests, type KObject } from '../../src/deploy/index.js';
import type { CheckResult, CronJob } from '../../src/doctor/types.js';
import { cli } from '../support/cli.js';
import { fakeApiserver, type ApiserverOptions } from '../doctor/apiserver.js';
import { makeCerts, type Certs } from '../doctor/support.js';

const CRONJOB = '/apis/batch/v1/namespaces/ais-guard/cronjobs/ais-guard-audit';
const OPENREPORTS = '/apis/openreports.io/v1alpha1';
const POLICYREPORT = '/apis/wgpolicyk8s.io/v1alpha2';
const AUDIT_SA = 'system:serviceaccount:ais-guard:ais-guard-audit';
const SCHEDULED = '2026-12-01T10:17:00Z';
const JOB = `ais-guard-audit-${Date.parse(SCHEDULED) / 60_000}`;

let certs: Certs;
let cronJob: KObject & CronJob;
beforeAll(async () => {
  certs = makeCerts();
  cronJob = (await renderManifests({ withAudit: true })).find((o) => o.kind === 'CronJob') as KObject &
    CronJob;
});

/** The stand-in with the audit CronJob installed (status as given), these report APIs served. */
function withAudit(status: CronJob['status'], apis: string[], opts: ApiserverOptions = {}) {
  const serve: Record<string, unknown> = { [CRONJOB]: { ...cronJob, status } };
  for (const api of apis) serve[api] = { kind: 'APIResourceList', groupVersion: api.slice(6), resources: [] };
  return fakeApiserver(certs, { ...opts, serve: { ...serve, ...opts.serve } });
}

async function doctor(kubeconfig: string, ...extra: string[]) {
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json', ...extra]);
  const checks = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks;
  return { ...r, audit: checks.find((c) => c.check === 'audit-cronjob'), checks };
}

it('not installed: ok, and nothing more is asked for it', async () => {
  const { kubeconfig, asked } = await fakeApiserver(certs);
  const r = await doctor(kubeconfig);
  expect(r.audit).toEqual({
    check: 'audit-cronjob',
    status: 'ok',
    message: expect.stringMatching(/^CronJob ais-guard\/ais-guard-audit not installed \(optional/),
  });
  expect(r.code).toBe(0);
  expect(asked).toContain(`GET ${CRONJOB}`);
  expect(asked.filter((a) => a.includes('openreports.io') || a.includes('wgpolicyk8s.io'))).toEqual([]);
  expect(asked.filter((a) => a.endsWith('/subjectaccessreviews'))).toHaveLength(12); // the guard's only
});

it("installed and healthy: ok, the report APIs and its ServiceAccount's 18 rights asked", async () => {
  const { kubeconfig, asked } = await withAudit(
    { lastScheduleTime: SCHEDULED, lastSuccessfulTime: SCHEDULED },
    [OPENREPORTS],
  );
  const r = await doctor(kubeconfig);
  expect(r.audit).toMatchObject({
    status: 'ok',
    message: expect.stringMatching(
      /served: openreports\.io\/v1alpha1\): last run succeeded .*\(18 SubjectAccessReviews\)$/,
    ),
  });
  expect(r.checks.every((c) => c.status === 'ok')).toBe(true);
  expect(r.code).toBe(0);
  expect(asked).toEqual(expect.arrayContaining([`GET ${OPENREPORTS}`, `GET ${POLICYREPORT}`]));
  expect(asked.filter((a) => a.endsWith('/subjectaccessreviews'))).toHaveLength(12 + 18);
});

it("its ServiceAccount may not list pods (the guard's may): fail, exit 1, the guard's rbac still ok", async () => {
  const { kubeconfig } = await withAudit({}, [OPENREPORTS], { denyAs: { [AUDIT_SA]: ['list pods'] } });
  const r = await doctor(kubeconfig);
  expect(r.audit).toMatchObject({
    status: 'fail',
    message: expect.stringMatching(
      /ServiceAccount ais-guard\/ais-guard-audit may not list pods: every run exits 2/,
    ),
  });
  expect(r.checks.find((c) => c.check === 'rbac')?.status).toBe('ok');
  expect(r.code).toBe(1);
});

it('no report API served: fail (every run exits 2), exit 1', async () => {
  const { kubeconfig } = await withAudit({}, []);
  const r = await doctor(kubeconfig);
  expect(r.audit).toMatchObject({
    status: 'fail',
    message: expect.stringMatching(
      /neither openreports\.io\/v1alpha1 nor wgpolicyk8s\.io\/v1alpha2 is served \(--report-format auto\)/,
    ),
  });
  expect(r.code).toBe(1);
});

it('the last run failed: a warn naming the Job to read, exit 0, --strict 1; text output too', async () => {
  const { kubeconfig } = await withAudit(
    { lastScheduleTime: SCHEDULED, lastSuccessfulTime: '2026-12-01T09:17:00Z' },
    [POLICYREPORT],
  );
  const r = await doctor(kubeconfig);
  expect(r.audit).toMatchObject({
    status: 'warn',
    message: expect.stringContaining(`the last run (Job ${JOB}, scheduled ${SCHEDULED}) did not succeed`),
    fix: expect.stringMatching(new RegExp(`^kubectl -n ais-guard logs job/${JOB}: exit 1 means .* exit 2 `)),
  });
  expect(r.code).toBe(0);
  expect((await cli(['doctor', '--kubeconfig', kubeconfig, '--strict'])).code).toBe(1);
  const text = await cli(['doctor', '--kubeconfig', kubeconfig]);
  expect(text.stdout).toMatch(
    new RegExp(`^warn +audit-cronjob +CronJob ais-guard/ais-guard-audit: .*logs job/${JOB}`, 'm'),
  );
});

it('CronJobs not readable (403): warn "not checked", exit 0', async () => {
  const { kubeconfig } = await fakeApiserver(certs, { refuse: ['/apis/batch/'] });
  const r = await doctor(kubeconfig);
  expect(r.audit).toMatchObject({
    status: 'warn',
    message: expect.stringMatching(
      /^not checked: CronJob ais-guard\/ais-guard-audit could not be read \(403/,
    ),
    fix: expect.stringContaining('get cronjobs.batch in ais-guard'),
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});

it('CronJob not answered (503): said so, and not exit 0', async () => {
  const { kubeconfig } = await fakeApiserver(certs, { unavailable: { paths: ['/apis/batch/'], code: 503 } });
  const r = await doctor(kubeconfig);
  expect(r.audit).toMatchObject({ status: 'warn', fix: expect.stringMatching(/^run doctor again/) });
  expect(r.stderr).toMatch(/the apiserver did not answer for CronJob\n$/);
  expect(r.code).toBe(2);
});
