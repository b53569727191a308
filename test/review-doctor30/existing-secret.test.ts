// Review doctor30: a Helm install with certificates.mode=existing-secret mounts a Secret of its own
// name (deploy/helm/ais-guard/templates/_helpers.tpl "ais-guard.tlsSecret"), not <name>-tls.
// DEFECT: doctor read the serving certificate from the rendered name only (expected.tlsSecret), so on
// such a healthy install ca-bundle warned "serving certificate not read (Secret ais-guard/ais-guard-tls:
// not found)" (exit 1 with --strict), and neither the caBundle's signature nor the serving
// certificate's expiry was judged. docs/doctor.md says the Secret read is "the TLS Secret the
// Deployment mounts", and doctor reads that Deployment anyway.
// EXPECTED: the Secret named in the live Deployment's volumes is read; a healthy install passes clean,
// and a fix that names the Secret names that one.
import { beforeAll, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderManifests, type KObject } from '../../src/deploy/index.js';
import type { CheckResult } from '../../src/doctor/types.js';
import { fakeApiserver, sendJson } from '../doctor/apiserver.js';
import { b64, DAY, makeCerts, servingCert, type Certs } from '../doctor/support.js';
import { cli } from '../support/cli.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

type Pod = { volumes: { secret?: { secretName: string } }[] };

/** The stand-in apiserver of an install whose Deployment mounts Secret `corp-tls` (serving `crt`). */
async function existingSecretInstall(crt: string) {
  const deployment = (await renderManifests({})).find((o) => o.kind === 'Deployment') as KObject & {
    spec: { template: { spec: Pod } };
  };
  for (const v of deployment.spec.template.spec.volumes) if (v.secret) v.secret.secretName = 'corp-tls';
  const answers: Record<string, [number, unknown]> = {
    '/apis/apps/v1/namespaces/ais-guard/deployments/ais-guard': [200, deployment],
    '/api/v1/namespaces/ais-guard/secrets/corp-tls': [200, { data: { 'tls.crt': b64(crt) } }],
    '/api/v1/namespaces/ais-guard/secrets/ais-guard-tls': [404, { kind: 'Status', code: 404 }],
  };
  return fakeApiserver(certs, {
    first: (_req: IncomingMessage, url: URL, res: ServerResponse) => {
      const answer = answers[url.pathname];
      if (answer) sendJson(res, ...answer);
      return answer !== undefined;
    },
  });
}

const checksOf = (stdout: string) =>
  Object.fromEntries((JSON.parse(stdout) as { checks: CheckResult[] }).checks.map((c) => [c.check, c]));

it('healthy existing-secret install: every check ok, the serving certificate read from the mounted Secret', async () => {
  const { kubeconfig } = await existingSecretInstall(certs.serving.cert);
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json', '--strict']);
  const checks = checksOf(r.stdout);
  expect(Object.values(checks).map((c) => [c.check, c.status])).toEqual(
    Object.keys(checks).map((id) => [id, 'ok']),
  );
  expect(checks['ca-bundle']!.message).toMatch(/from Secret ais-guard\/corp-tls/);
  expect(checks['certificate-expiry']!.message).toMatch(/^serving certificate valid until/);
  expect(r.code).toBe(0);
});

it('its serving certificate expiring: the fix names the mounted Secret', async () => {
  const soon = servingCert(certs.ca, {
    from: new Date(Date.now() - 300 * DAY),
    to: new Date(Date.now() + 3 * DAY),
  });
  const { kubeconfig } = await existingSecretInstall(soon.cert);
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const expiry = checksOf(r.stdout)['certificate-expiry']!;
  expect(expiry).toMatchObject({
    status: 'warn',
    message: expect.stringMatching(/^serving certificate expires/),
  });
  expect(expiry.fix).toMatch(/Secret ais-guard\/corp-tls/);
  expect(expiry.fix).not.toMatch(/ais-guard-tls/);
});
