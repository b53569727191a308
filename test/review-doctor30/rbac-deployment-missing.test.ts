// Review doctor30: a half-installed guard whose Deployment is missing (deleted, or never applied),
// or an apiserver that did not answer for it, with its caBundle rights (ClusterRole
// <name>-webhook-ca) missing too.
// DEFECT: rbac said "Deployment ais-guard/ais-guard not read (not found)" and its fix ended
// "grant doctor's user get on the Deployment to tell": doctor's user may get it; there is nothing to
// get. With the apiserver silent (503), the same grant was asked for instead of running again.
// EXPECTED: a missing Deployment is named as missing and the fix restores it; an unanswered read
// asks to run doctor again; only a refused read (403) asks for the grant.
import { beforeAll, expect, it } from '@jest/globals';
import { checkRbac } from '../../src/doctor/checks/rbac.js';
import { absent, unanswered, unreadable, type Fetched } from '../../src/doctor/types.js';
import { expectedFor, healthySnapshot, makeCerts, type Certs } from '../doctor/support.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

/** rbac with the Deployment read as `guardArgs` and the configuration rights denied. */
async function rbacWith(guardArgs: Fetched<string[]>) {
  const expected = await expectedFor('base');
  const snapshot = await healthySnapshot(expected, certs);
  snapshot.guardArgs = guardArgs;
  for (const a of snapshot.access) if (a.permission.name) a.allowed = false;
  return checkRbac(snapshot, expected);
}

it('Deployment absent: named missing, the fix restores it, no grant asked', async () => {
  const r = await rbacWith(absent());
  expect(r.status).toBe('warn');
  expect(r.message).toMatch(/Deployment ais-guard\/ais-guard does not exist/);
  expect(r.fix).not.toMatch(/grant doctor's user get on the Deployment/);
  expect(r.fix).toMatch(/ais-guard render/);
});

it('Deployment unanswered (503): run again, no grant asked', async () => {
  const r = await rbacWith(unanswered('503 the server is currently unable to handle the request'));
  expect(r.status).toBe('warn');
  expect(r.fix).not.toMatch(/grant doctor's user get on the Deployment/);
  expect(r.fix).toMatch(/run doctor again once the apiserver answers/);
});

it('Deployment refused (403): the grant is the fix', async () => {
  const r = await rbacWith(unreadable('403 forbidden'));
  expect(r.fix).toMatch(/grant doctor's user get on the Deployment to tell/);
});
