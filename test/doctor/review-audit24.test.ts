// Review audit24: doctor against installs whose serving certificate comes from a CA hierarchy.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderManifests, type KObject } from '../../src/deploy/index.js';
import type { CheckResult } from '../../src/doctor/types.js';
import { cli } from '../support/cli.js';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import forge from 'node-forge';
import { checkCaBundle } from '../../src/doctor/checks/ca-bundle.js';
import { checkCertificateExpiry } from '../../src/doctor/checks/certificate-expiry.js';
import type { Pem } from '../../src/tls/issue.js';
import { keyPairFromPem, randomSerialHex, rsaKeyPairSync } from '../../src/tls/keys.js';
import { found } from '../../src/doctor/types.js';
import {
  allEntries,
  b64,
  DAY,
  expectedFor,
  healthySnapshot,
  makeCerts,
  NOW,
  servingCert,
} from './support.js';

/** A root CA without a path length limit (ais-guard certs' CA has pathLen 0, a PKI root has none). */
function rootCA(
  commonName: string,
  from = new Date(NOW.getTime() - DAY),
  to = new Date(NOW.getTime() + 3650 * DAY),
): Pem {
  const keys = rsaKeyPairSync();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = from;
  cert.validity.notAfter = to;
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer([{ name: 'commonName', value: commonName }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
  ]);
  cert.sign(keyPairFromPem(keys.pem).signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: keys.pem };
}

/** An intermediate CA signed by `root` (what a corporate PKI or a cert-manager CA Issuer on an intermediate holds). */
function intermediateOf(root: Pem, commonName = 'ais-guard intermediate CA'): Pem {
  const keys = rsaKeyPairSync();
  const rootCert = forge.pki.certificateFromPem(root.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(NOW.getTime() - DAY);
  cert.validity.notAfter = new Date(NOW.getTime() + 1000 * DAY);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(rootCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
  ]);
  cert.sign(keyPairFromPem(root.key).signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: keys.pem };
}

describe('review audit24: doctor ca-bundle with an intermediate CA', () => {
  // Defect: ca-bundle only asks whether a caBundle certificate DIRECTLY issued the serving
  // certificate (src/doctor/checks/certs.ts issuedBy: checkIssued + verify against each bundle CA).
  // A serving certificate issued by an intermediate CA, with tls.crt holding leaf + intermediate
  // (as cert-manager writes it for an intermediate-CA Issuer, and as any corporate PKI hands it
  // out: the chart's certificates.mode=existing-secret) and the caBundle holding the root, is a
  // working install: the apiserver's webhook client verifies with Go crypto/tls, which takes the
  // peer's certs[1:] as Intermediates (crypto/tls handshake_client.go verifyServerCertificate), and
  // the guard serves the whole tls.crt chain. Doctor instead says FAIL "did not sign the serving
  // certificate ...: every call fails TLS" and exits 1 on a healthy install, and its fix tells the
  // SRE to re-render the webhooks with another CA (breaking nothing-is-wrong into real churn).
  // Expected: a chain from the serving certificate through the intermediates in tls.crt to a
  // caBundle certificate counts as signed (ok).
  it('a serving certificate from an intermediate, caBundle = root, tls.crt = leaf + intermediate: ok', async () => {
    const root = rootCA('corp root CA');
    const intermediate = intermediateOf(root);
    const leaf = servingCert(intermediate, {
      from: new Date(NOW.getTime() - DAY),
      to: new Date(NOW.getTime() + 300 * DAY),
    });
    const chain = leaf.cert + intermediate.cert;

    // The real TLS stack accepts it: a client trusting only the root completes the handshake for
    // the name the apiserver dials (Node's verifier, like Go's, uses the served intermediates).
    const server = createServer({ cert: chain, key: leaf.key }, (_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const socket = connect({ host: '127.0.0.1', port, ca: root.cert, servername: 'ais-guard.ais-guard.svc' });
    const [authorized] = await Promise.race([
      once(socket, 'secureConnect').then(() => [socket.authorized]),
      once(socket, 'error').then(([e]) => [String(e)]),
    ]);
    socket.destroy();
    server.close();
    expect(authorized).toBe(true);

    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, { ca: root, serving: leaf });
    allEntries(snapshot).forEach((w) => (w.clientConfig!.caBundle = b64(root.cert)));
    snapshot.servingCert = { source: 'Secret ais-guard/ais-guard-tls', pem: found(chain) };
    const result = checkCaBundle(snapshot, expected);
    expect({ status: result.status, message: result.message }).toEqual({
      status: 'ok',
      message: expect.stringMatching(/carry one caBundle/),
    });
  });
});

let http: Server | undefined;
afterEach(async () => {
  if (!http) return;
  const closing = http;
  http = undefined;
  closing.closeAllConnections();
  await new Promise((r) => closing.close(r));
});

describe('review audit24: doctor on a busy apiserver (API Priority and Fairness)', () => {
  // Defect: src/doctor/fetch.ts get() calls getJson, not getJsonPatiently: a 429 (APF throttling,
  // with Retry-After) is taken as "unreadable", like a 403. On the webhook configurations that turns
  // webhook-configurations into a warn whose fix is "run doctor with a kubeconfig that may get
  // webhook configurations" (wrong: the user may; the apiserver asked to come back in a second),
  // and ca-bundle, webhook-service, namespace-selector and failure-policy into "skip": a broken
  // install (here every caBundle is another CA's: every call fails TLS) exits 0, "nothing to fix".
  // kubectl and client-go retry a 429 after Retry-After for every verb (k8s.io/client-go
  // rest/request.go, checkWait / Request.request retries), and `ais-guard audit` does too
  // (src/k8s/kubeconfig.ts patiently, docs/audit.md "429s with Retry-After"); doctor, run in the same
  // incident against the same apiserver, does not.
  // Expected: the throttled GET is asked again, and the broken caBundle fails the run (exit 1).
  it('webhook configurations answered 429 once: asked again; the broken caBundle still fails', async () => {
    const certs = makeCerts();
    const rendered = await renderManifests({ caBundle: b64(certs.otherCa.cert), webhooksOnly: true });
    const deployment = (await renderManifests({})).find((o) => o.kind === 'Deployment') as KObject;
    const byPath: Record<string, unknown> = {
      '/apis/apps/v1/namespaces/ais-guard/deployments/ais-guard': deployment,
      '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ais-guard': rendered.find(
        (o) => o.kind === 'ValidatingWebhookConfiguration',
      ),
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/ais-guard': rendered.find(
        (o) => o.kind === 'MutatingWebhookConfiguration',
      ),
      '/api/v1/namespaces/ais-guard/services/ais-guard': { spec: { ports: [{ name: 'https', port: 443 }] } },
      '/apis/discovery.k8s.io/v1/namespaces/ais-guard/endpointslices': {
        items: [
          {
            ports: [{ name: 'https', port: 8443 }],
            endpoints: [{ addresses: ['10.1.0.5'], conditions: { ready: true } }],
          },
        ],
      },
      '/api/v1/namespaces/ais-guard/secrets/ais-guard-tls': { data: { 'tls.crt': b64(certs.serving.cert) } },
      '/api/v1/namespaces/ais-guard/serviceaccounts/ais-guard': {},
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/aistores.ais.nvidia.com': {
        spec: { group: 'ais.nvidia.com', versions: [{ name: 'v1beta1', served: true, storage: true }] },
        status: { conditions: [{ type: 'Established', status: 'True' }] },
      },
    };
    const throttled = new Set<string>();
    const send = (res: import('node:http').ServerResponse, code: number, body: unknown, headers = {}) => {
      res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    http = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () =>
          send(res, 201, { ...JSON.parse(Buffer.concat(chunks).toString()), status: { allowed: true } }),
        );
        return;
      }
      // APF: each configuration GET is throttled once, with Retry-After, as a busy apiserver answers.
      if (url.pathname.includes('webhookconfigurations/') && !throttled.has(url.pathname)) {
        throttled.add(url.pathname);
        return send(
          res,
          429,
          {
            kind: 'Status',
            code: 429,
            reason: 'TooManyRequests',
            message: 'Too many requests, please try again later.',
          },
          { 'Retry-After': '1' },
        );
      }
      const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(url.pathname);
      if (ns) return send(res, 200, { metadata: { name: ns[1], labels: {} } });
      const body = byPath[url.pathname];
      return body
        ? send(res, 200, body)
        : send(res, 404, { kind: 'Status', code: 404, message: 'not found' });
    });
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'ais-guard-review-audit24-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
    );
    const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(r.stderr).toBe('');
    const checks = Object.fromEntries(
      (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.map((c) => [c.check, c]),
    );
    expect({ code: r.code, caBundle: checks['ca-bundle']?.status }).toEqual({ code: 1, caBundle: 'fail' });
    expect(checks['webhook-configurations']?.fix ?? '').not.toMatch(/may get webhook configurations/);
  });
});

describe('review audit24: doctor certificate-expiry after a CA rotation', () => {
  // Defect: certificate-expiry judges every certificate in the caBundles as "the CA"
  // (src/doctor/checks/certificate-expiry.ts: each of caBundles() -> judge), including one that
  // signed nothing the guard serves. A CA left in the caBundles beside the current one is a state
  // docs/deploy.md ("A new CA with --manage-webhook-config": a new CA made before the one it
  // replaces, a rollback to an older CA: "remove such a CA from the caBundles by hand") and every
  // hand-made rotation leave; once that leftover expires, the install is still healthy: the apiserver's webhook client builds a pool of the
  // bundle's certificates (client-go transport, x509.CertPool.AppendCertsFromPEM) and verifies the
  // serving certificate against the new CA; an expired certificate in the pool that is not in the
  // chain plays no part. Doctor says FAIL 'CA "old CA" expired on …', exits 1, and its fix is
  // "a new CA: ais-guard certs --dir CERTS --force, then every caBundle and the Secret": replacing
  // the working CA, a needless rollout of every caBundle and the Secret in the middle of an
  // incident. ca-bundle already warns of the extra CA ("also trusts … which did not sign the
  // serving certificate"), which is the right finding and the right fix (remove it).
  // Expected: an expired CA that did not sign the serving certificate is not a failure of
  // certificate-expiry (at most a warn pointing at removing it from the caBundles); the CA that
  // signed the serving certificate is judged as now.
  it('old expired CA left in the caBundle beside the new one that signed the serving certificate: not a fail', async () => {
    const certs = makeCerts();
    const old = rootCA('old CA', new Date(NOW.getTime() - 800 * DAY), new Date(NOW.getTime() - 30 * DAY));
    const expected = await expectedFor('base');
    const snapshot = await healthySnapshot(expected, certs);
    allEntries(snapshot).forEach((w) => (w.clientConfig!.caBundle = b64(old.cert + certs.ca.cert)));
    expect(checkCaBundle(snapshot, expected).status).toBe('warn'); // calls succeed: the new CA signed it
    const result = checkCertificateExpiry(snapshot, expected, NOW);
    expect({ status: result.status, fix: result.fix }).not.toEqual(
      expect.objectContaining({ status: 'fail' }),
    );
    expect(result.fix ?? '').not.toMatch(/--force/);
  });
});
