// review ops22: `ais-guard doctor` must not report healthy (exit 0) a webhook configuration with
// which every call the apiserver makes fails. Each case is one edit of the rendered base install.
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { runChecks } from '../../src/doctor/index.js';
import { renderManifests } from '../../src/deploy/index.js';
import { expectedInstall } from '../../src/doctor/expected.js';
import { absent, found, type Snapshot, type WebhookConfiguration } from '../../src/doctor/types.js';
import { testApp } from '../support/app.js';
import { aistore } from '../support/builders.js';
import { reviewOf } from '../support/review.js';
import { b64, entry, expectedFor, healthySnapshot, makeCerts, NOW } from './support.js';

const FAIL_ENTRY = 'aistores.validate.ais-guard.io';

describe('review ops22: doctor on webhook entries the guard cannot answer', () => {
  const certs = makeCerts();
  /** The checks' statuses after one edit; exit code 0 unless one is "fail" (without --strict). */
  async function afterEdit(edit: (s: Snapshot) => void) {
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    edit(snapshot);
    const results = runChecks(snapshot, expected, NOW);
    return { results, exitsZero: results.every((r) => r.status !== 'fail') };
  }

  it('healthy install: all ok (the baseline the cases below edit)', async () => {
    const { results } = await afterEdit(() => undefined);
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
  });

  // DEFECT: doctor compares rules, objectSelector and matchConditions of each entry
  // (src/doctor/checks/webhook-configurations.ts sameSelection/sameConditions) but not
  // admissionReviewVersions. With admissionReviewVersions: [v1beta1] the apiserver sends
  // admission.k8s.io/v1beta1 reviews, which the guard refuses with 400 ("only admission.k8s.io/v1
  // AdmissionReviews are served", src/server/admission.ts decodeReview): every call fails, and the
  // Fail entry aistores.validate then rejects every AIStore CR change.
  // IMPACT: doctor prints eight "ok" lines and exits 0 for an install that blocks all AIStore
  // writes; docs/doctor.md says custom edits are reported as drift.
  // EXPECTED: webhook-configurations fails for a live entry whose admissionReviewVersions does not
  // list v1 first (the apiserver sends the first version it knows; the guard serves only v1).
  it('admissionReviewVersions [v1beta1] on a Fail entry: every call is refused, doctor must not exit 0', async () => {
    // What the guard answers such a review: 400, i.e. a failed webhook call.
    const review = { ...reviewOf(aistore()), apiVersion: 'admission.k8s.io/v1beta1' };
    const { app } = testApp();
    const res = await request(app).post('/validate').send(review);
    expect(res.status).toBe(400);

    const { results, exitsZero } = await afterEdit((s) => {
      (entry(s, FAIL_ENTRY) as { admissionReviewVersions?: string[] }).admissionReviewVersions = ['v1beta1'];
    });
    expect({ exitsZero, results: results.map((r) => `${r.status} ${r.check}`) }).toMatchObject({
      exitsZero: false,
    });
  });

  // DEFECT: a webhook whose clientConfig.service.path the guard has no route for (a typo, or a
  // validating entry pointed at /mutate) is only a "warn" of webhook-service ("calls ..., deploy/
  // renders ...", src/doctor/checks/webhook-service.ts), so doctor exits 0. The guard answers
  // 404 to POST /validat (src/server/app.ts: only /validate and /mutate are admission routes), so
  // every call of that Fail entry fails and every AIStore change is rejected; on /mutate the
  // guard never denies, so the Fail entry silently enforces nothing.
  // IMPACT: the operator runs doctor during the outage and is told "nothing failed" (exit 0).
  // EXPECTED: a path other than the two the guard serves is a "fail"; a validating entry on
  // /mutate (or mutating on /validate) is a "fail" too.
  it.each([
    ['/validat', 404],
    ['/mutate', 200],
  ])('Fail entry called on path %s: doctor must fail', async (path, status) => {
    const { app } = testApp();
    const res = await request(app)
      .post(path)
      .send(reviewOf(aistore({ disable: true, hostPort: 1 })));
    expect(res.status).toBe(status);
    if (status === 200) expect((res.body as { response: { allowed: boolean } }).response.allowed).toBe(true); // never denies

    const { results, exitsZero } = await afterEdit((s) => {
      entry(s, FAIL_ENTRY).clientConfig!.service!.path = path;
    });
    const service = results.find((r) => r.check === 'webhook-service')!;
    expect({ status: service.status, exitsZero }).toEqual({ status: 'fail', exitsZero: false });
  });
});

describe('review ops22: doctor when the TLS Secret it reads does not exist', () => {
  const certs = makeCerts();
  // DEFECT: doctor reads the serving certificate from Secret <ns>/ais-guard-tls (render's name). A
  // Helm install with certificates.mode=existing-secret mounts another Secret
  // (deploy/helm/ais-guard/templates/_helpers.tpl "ais-guard.tlsSecret"), so that Secret is absent
  // (404) while the guard runs fine. ca-bundle then says the certificate was "not read" and its fix
  // is "let the doctor's user get Secret ais-guard/ais-guard-tls" (src/doctor/checks/ca-bundle.ts):
  // the same advice as for a 403, although RBAC is not the problem and no grant will help; and
  // certificate-expiry reports ok from the CA alone, never having seen the serving certificate.
  // IMPACT: the on-call operator is sent to edit RBAC; the serving certificate's expiry and its
  // signature by the caBundle go unchecked with a green certificate-expiry line.
  // EXPECTED: a missing Secret is named as missing (not as a permission problem), and the fix does
  // not ask for a right the user already has.
  it('absent Secret: the fix does not ask for get rights', async () => {
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    snapshot.servingCert = { source: snapshot.servingCert.source, pem: absent() };
    const ca = runChecks(snapshot, expected, NOW).find((r) => r.check === 'ca-bundle')!;
    expect(ca.status).toBe('warn');
    expect(ca.fix).not.toMatch(/let the doctor's user get Secret/);
  });
});

describe('review ops22: webhook-service runbook for an install named by --name', () => {
  const certs = makeCerts();
  // DEFECT: the fix webhook-service prints when the Service has no ready endpoint is hard-coded to
  // the default install: `kubectl -n NS get pods,endpointslices -l app.kubernetes.io/name=ais-guard;
  // kubectl -n NS rollout status deployment/ais-guard` (src/doctor/checks/webhook-service.ts). An
  // install rendered with `render --name guard-b` (the chart's fullnameOverride) has
  // Deployment guard-b (src/deploy/transform.ts renameInstall), and its pods are told apart from
  // another install's only by app.kubernetes.io/instance=guard-b.
  // IMPACT: during the outage (no ready guard: the Fail entries reject every AIStore change) the
  // operator runs the printed command and gets "deployment ais-guard not found", or, with the
  // default install beside it, the other install's healthy rollout and pods: the wrong diagnosis.
  // EXPECTED: the fix names deployment/guard-b (and selects its pods by its instance label).
  it('no ready endpoints of guard-b: the fix names deployment/guard-b', async () => {
    const expected = await expectedInstall('base', 'ais-guard', 'guard-b');
    const snapshot = await healthySnapshot(expected, certs);
    snapshot.configs = {};
    for (const o of await renderManifests({
      namespace: 'ais-guard',
      name: 'guard-b',
      caBundle: b64(certs.ca.cert),
      webhooksOnly: true,
    }))
      snapshot.configs[o.kind as 'ValidatingWebhookConfiguration'] = found(
        structuredClone(o) as WebhookConfiguration,
      );
    const { service } = snapshot.services['ais-guard/ais-guard']!;
    snapshot.services = { 'ais-guard/guard-b': { service, slices: found([]) } };
    const result = runChecks(snapshot, expected, NOW).find((r) => r.check === 'webhook-service')!;
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/Service ais-guard\/guard-b has no ready endpoints/);
    expect(result.fix).toMatch(/rollout status deployment\/guard-b/);
    expect(result.fix).not.toMatch(/deployment\/ais-guard\b/);
  });

  // Same class: rbac's fix for a denied list/watch says "restore the ClusterRoles ais-guard and
  // ais-guard-webhook-ca" (src/doctor/checks/rbac.ts), but `render --name guard-b` names them
  // guard-b and guard-b-webhook-ca (src/deploy/transform.ts renamed()): kubectl edit/describe of
  // the printed names touches the default install's roles, or finds none.
  it('list denied to guard-b: the fix names the ClusterRoles guard-b and guard-b-webhook-ca', async () => {
    const expected = await expectedInstall('base', 'ais-guard', 'guard-b');
    const snapshot = await healthySnapshot(expected, certs);
    snapshot.access = snapshot.access.map((a) =>
      a.permission.resource === 'persistentvolumes' ? { ...a, allowed: false } : a,
    );
    const result = runChecks(snapshot, expected, NOW).find((r) => r.check === 'rbac')!;
    expect(result.status).toBe('fail');
    expect(result.fix).toMatch(/ClusterRoles guard-b and guard-b-webhook-ca/);
  });
});
