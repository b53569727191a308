// The fetch layer and the CLI end to end against a stand-in apiserver (plain HTTP): the paths doctor
// GETs, the SubjectAccessReviews it POSTs, and how refusals become warnings instead of false oks.
// (The real apiserver: test/e2e/13-doctor.e2e.test.ts.)
import { beforeAll, expect, it } from '@jest/globals';
import type { CheckResult } from '../../src/doctor/types.js';
import { cli } from '../support/cli.js';
import { fakeApiserver, type ApiserverOptions } from './apiserver.js';
import { expectedFor, makeCerts, type Certs } from './support.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

/** The stand-in apiserver with these paths (prefixes) refused (403) and these options. */
const apiserver = (refuse: string[] = [], opts: Omit<ApiserverOptions, 'refuse'> = {}) =>
  fakeApiserver(certs, { ...opts, refuse });

const statuses = (stdout: string) =>
  Object.fromEntries(
    (JSON.parse(stdout) as { checks: CheckResult[] }).checks.map((c) => [c.check, c.status]),
  );

it('a healthy install: every check ok, exit 0, and only reads (plus SubjectAccessReviews)', async () => {
  const { kubeconfig, asked } = await apiserver();
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(Object.values(statuses(r.stdout))).toEqual(Array(9).fill('ok'));
  expect(asked).toContain(
    'GET /apis/discovery.k8s.io/v1/namespaces/ais-guard/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dais-guard',
  );
  expect(asked.filter((a) => !a.startsWith('GET ')).every((a) => a.endsWith('/subjectaccessreviews'))).toBe(
    true,
  );
});

it('refusals become warnings naming what could not be read, not oks', async () => {
  const { kubeconfig } = await apiserver([
    '/api/v1/namespaces/ais-guard/secrets',
    '/apis/authorization.k8s.io',
    '/apis/apiextensions.k8s.io',
  ]);
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  expect(r.code).toBe(0);
  expect(statuses(r.stdout)).toEqual({
    'webhook-configurations': 'ok',
    'webhook-service': 'ok',
    'ca-bundle': 'warn',
    'certificate-expiry': 'ok', // the CA in the caBundles is still judged
    rbac: 'warn',
    'namespace-selector': 'ok',
    'failure-policy': 'ok',
    'aistore-crd': 'warn',
    'audit-cronjob': 'ok', // not installed: it is optional
  });
  expect((await cli(['doctor', '--kubeconfig', kubeconfig, '--strict'])).code).toBe(1);
});

it("run as the guard's own ServiceAccount: SelfSubjectAccessReviews instead", async () => {
  const { kubeconfig, asked } = await apiserver(['/apis/authorization.k8s.io/v1/subjectaccessreviews'], {
    self: 'system:serviceaccount:ais-guard:ais-guard',
    deny: ['watch nodes'],
  });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const rbac = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.find((c) => c.check === 'rbac');
  expect(rbac).toMatchObject({
    status: 'fail',
    message: 'ServiceAccount ais-guard/ais-guard may not watch nodes',
  });
  expect(asked.filter((a) => a.endsWith('/selfsubjectaccessreviews'))).toHaveLength(12);
});

it('anyone else who may not create SubjectAccessReviews: not checked (warn)', async () => {
  const { kubeconfig, asked } = await apiserver(['/apis/authorization.k8s.io/v1/subjectaccessreviews'], {
    self: 'jane',
  });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const rbac = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.find((c) => c.check === 'rbac');
  expect(rbac).toMatchObject({ status: 'warn', message: 'not checked: creating a SubjectAccessReview: 403' });
  expect(asked.filter((a) => a.endsWith('/selfsubjectaccessreviews'))).toHaveLength(0);
});

it('a guard run without --manage-webhook-config (the chart, manageWebhookConfig=false): its configuration rights are not asked', async () => {
  const { kubeconfig, asked } = await apiserver([], {
    deny: ['get validatingwebhookconfigurations', 'patch validatingwebhookconfigurations'],
    args: (args) => args.filter((a) => a !== '--manage-webhook-config'),
  });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const rbac = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.find((c) => c.check === 'rbac');
  expect(rbac).toMatchObject({ status: 'ok', message: expect.stringMatching(/\(8 SubjectAccessReviews\)$/) });
  expect(asked).toContain('GET /apis/apps/v1/namespaces/ais-guard/deployments/ais-guard');
  expect(asked.filter((a) => a.endsWith('/subjectaccessreviews'))).toHaveLength(8);
});

it('the same rights denied to a guard that runs with --manage-webhook-config: fail', async () => {
  const { kubeconfig } = await apiserver([], { deny: ['patch validatingwebhookconfigurations'] });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const rbac = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.find((c) => c.check === 'rbac');
  expect(rbac).toMatchObject({
    status: 'fail',
    message:
      'ServiceAccount ais-guard/ais-guard may not patch validatingwebhookconfigurations.admissionregistration.k8s.io/ais-guard',
  });
  expect(r.code).toBe(1);
});

it('an apiserver that keeps answering 503: said so, never as a missing right, and not exit 0', async () => {
  const { kubeconfig, asked } = await apiserver([], {
    unavailable: { paths: ['/apis/admissionregistration.k8s.io', '/apis/authorization.k8s.io'], code: 503 },
  });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const checks = Object.fromEntries(
    (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.map((c) => [c.check, c]),
  );
  // No Retry-After: asked once, as client-go (rest/request.go checkWait) retries a 5xx only with one.
  expect(asked.filter((a) => a.includes('validatingwebhookconfigurations'))).toHaveLength(1);
  expect(checks['webhook-configurations']).toMatchObject({
    status: 'warn',
    message: expect.stringMatching(
      /could not be read: the apiserver did not answer \(503 the server is currently unable/,
    ),
    fix: expect.stringMatching(/^run doctor again once the apiserver answers/),
  });
  for (const id of ['webhook-service', 'ca-bundle', 'namespace-selector', 'failure-policy'] as const)
    expect(checks[id]).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^not checked: .*the apiserver did not answer \(503/),
      fix: expect.stringMatching(/^run doctor again once the apiserver answers/),
    });
  expect(checks.rbac).toMatchObject({
    status: 'warn',
    message: expect.stringMatching(/the apiserver did not answer \(503\)/),
    fix: expect.stringMatching(/^run doctor again/),
  });
  expect(Object.values(checks).map((c) => c.fix ?? '')).not.toContainEqual(
    expect.stringMatching(/may (get|create)/),
  );
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /^ais-guard doctor: not everything was checked: the apiserver did not answer for ValidatingWebhookConfiguration, MutatingWebhookConfiguration, SubjectAccessReviews\n$/,
  );
  // --strict counts warnings about the install, not reads to try again: still 2, not 1.
  expect((await cli(['doctor', '--kubeconfig', kubeconfig, '--strict'])).code).toBe(2);
});

// Review fresh24c. Defect: b4ab2f6 says "a read still answered 429/5xx is said so ... doctor exits 2
// instead of 0", but fetchSnapshot's read of each excluded namespace (for its labels) drops any
// failure (`if (got.ok) namespaceLabels[ns] = ...`): unansweredReads never names it and
// namespace-selector judges the namespace as if it carried only kubernetes.io/metadata.name.
// The same throttled apiserver that turns every other check into "not checked" and exit 2 here
// yields namespace-selector "ok" and exit 0: "nothing to fix" for a selector doctor could not
// compare with the namespace's real labels (a selector keyed on another label, e.g. the
// control-plane label of kube-system, is judged wrongly in either direction).
// Expected: the unanswered namespace read named on stderr (exit 2), or namespace-selector warns
// "not checked", as docs/doctor.md says of every unanswered read.
it('review fresh24c: an excluded namespace the apiserver does not answer is named, not taken as unlabelled', async () => {
  const expected = await expectedFor('base');
  const ns = expected.excludedNamespaces[0]!;
  const { kubeconfig, asked } = await apiserver([], {
    unavailable: { paths: [`/api/v1/namespaces/${ns}`], code: 503 },
  });
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  expect(asked).toContain(`GET /api/v1/namespaces/${ns}`);
  const checks = Object.fromEntries(
    (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.map((c) => [c.check, c]),
  );
  const notChecked = checks['namespace-selector']?.status === 'warn';
  const named = r.code === 2 && r.stderr.includes(ns);
  // Today: namespace-selector ok, exit 0, nothing on stderr.
  expect({ notChecked, named }).not.toEqual({ notChecked: false, named: false });
});
