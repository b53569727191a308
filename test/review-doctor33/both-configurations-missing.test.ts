// Review doctor33: both webhook configurations of a base install deleted (the guard uninstalled, a
// `kubectl delete -k` of the wrong overlay).
// DEFECT: the fix said the same re-apply twice, the second time adding "or, for an install
// without mutation, run doctor --overlay validate-only": no help when the validating configuration,
// which validate-only needs too, is missing as well. One line to act on, said twice and half wrong.
// EXPECTED: one re-apply; validate-only is suggested only when the validating configuration is there.
import { beforeAll, expect, it } from '@jest/globals';
import { checkWebhookConfigurations } from '../../src/doctor/checks/webhook-configurations.js';
import { absent, type Expected } from '../../src/doctor/types.js';
import { expectedFor, healthySnapshot, makeCerts, type Certs } from '../doctor/support.js';

let certs: Certs;
let expected: Expected;
beforeAll(async () => {
  certs = makeCerts();
  expected = await expectedFor('base');
});

it('both missing: one re-apply, no validate-only', async () => {
  const snapshot = await healthySnapshot(expected, certs);
  snapshot.configs.ValidatingWebhookConfiguration = absent();
  snapshot.configs.MutatingWebhookConfiguration = absent();
  const r = checkWebhookConfigurations(snapshot, expected);
  expect(r.status).toBe('fail');
  expect(r.fix).toBe('re-apply the manifests: ais-guard render --cert-dir CERTS | kubectl apply -f -');
});

it('only the mutating one missing: validate-only is still offered', async () => {
  const snapshot = await healthySnapshot(expected, certs);
  snapshot.configs.MutatingWebhookConfiguration = absent();
  const r = checkWebhookConfigurations(snapshot, expected);
  expect(r.fix).toMatch(/\(or, for an install without mutation, run doctor --overlay validate-only\)$/);
});
