// Review doctor33: no guard pod ready behind the Service, seen by an on-call at 3 a.m.
// DEFECT: webhook-service said "Service ais-guard/ais-guard has no ready endpoints: no guard pod is
// running and ready" and nothing of what that does to the cluster right now: the webhooks whose
// failurePolicy is Fail refuse everything they are sent (AIStore CR creates and spec changes, the
// operator's target StatefulSets, pre-bound PVs), while Ignore ones admit it unchecked. Whether
// deploys are blocked, and so how urgent the page is, had to be worked out from the failure-policy
// line and docs/deploy.md.
// EXPECTED: the line names the Fail webhooks that now refuse what they are sent (or says that
// everything is admitted unchecked when all are Ignore), pointing at docs/deploy.md.
import { beforeAll, expect, it } from '@jest/globals';
import { checkWebhookService } from '../../src/doctor/checks/webhook-service.js';
import { found, type Snapshot } from '../../src/doctor/types.js';
import { allEntries, expectedFor, healthySnapshot, makeCerts, type Certs } from '../doctor/support.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

const noPods = (s: Snapshot) => (s.services['ais-guard/ais-guard']!.slices = found([]));

it('base: the three Fail webhooks refuse what they are sent', async () => {
  const expected = await expectedFor('base');
  const snapshot = await healthySnapshot(expected, certs);
  noPods(snapshot);
  const r = checkWebhookService(snapshot, expected);
  expect(r.status).toBe('fail');
  expect(r.message).toMatch(/no ready endpoints/);
  expect(r.message).toMatch(
    /failurePolicy Fail: aistores\.validate\.ais-guard\.io, storage\.validate\.ais-guard\.io, volumes\.validate\.ais-guard\.io refuse what they are sent until a guard is ready/,
  );
  expect(r.message).toMatch(/docs\/deploy\.md/);
});

it('every webhook Ignore (audit): admitted unchecked, nothing refused', async () => {
  const expected = await expectedFor('audit');
  const snapshot = await healthySnapshot(expected, certs);
  noPods(snapshot);
  const r = checkWebhookService(snapshot, expected);
  expect(r.status).toBe('fail');
  expect(r.message).not.toMatch(/refuse/);
  expect(r.message).toMatch(/every webhook is Ignore: what they select is admitted unchecked/);
});

it('a failurePolicy left unset counts as Fail, as the API defaults it', async () => {
  const expected = await expectedFor('audit');
  const snapshot = await healthySnapshot(expected, certs);
  noPods(snapshot);
  const pods = allEntries(snapshot).find((w) => w.name === 'pods.validate.ais-guard.io')!;
  delete pods.failurePolicy;
  expect(checkWebhookService(snapshot, expected).message).toMatch(
    /failurePolicy Fail: pods\.validate\.ais-guard\.io refuse/,
  );
});
