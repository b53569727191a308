// Review audit24: doctor against installs whose serving certificate comes from a CA hierarchy.
import { describe, expect, it } from '@jest/globals';
import { checkCaBundle } from '../../src/doctor/checks/ca-bundle.js';
import { checkCertificateExpiry } from '../../src/doctor/checks/certificate-expiry.js';
import type { CheckResult } from '../../src/doctor/types.js';
import { cli } from '../support/cli.js';
import { fakeApiserver, sendJson } from './apiserver.js';
import { DAY, handshake, installTrusting, intermediateCA, makeCerts, NOW, servingCert } from './support.js';

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
    const root = intermediateCA(undefined, 'corp root CA');
    const intermediate = intermediateCA(root);
    const leaf = servingCert(intermediate, {
      from: new Date(NOW.getTime() - DAY),
      to: new Date(NOW.getTime() + 300 * DAY),
    });
    const chain = leaf.cert + intermediate.cert;

    // The real TLS stack accepts it: a client trusting only the root completes the handshake for
    // the name the apiserver dials (Node's verifier, like Go's, uses the served intermediates).
    expect(await handshake(chain, leaf.key, root.cert)).toBe('authorized');

    const { expected, snapshot } = await installTrusting({ ca: root, serving: leaf }, root.cert, chain);
    const result = checkCaBundle(snapshot, expected);
    expect({ status: result.status, message: result.message }).toEqual({
      status: 'ok',
      message: expect.stringMatching(/carry one caBundle/),
    });
  });
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
    const throttled = new Set<string>();
    const { kubeconfig } = await fakeApiserver(certs, {
      caBundle: certs.otherCa.cert,
      // APF: each configuration GET is throttled once, with Retry-After, as a busy apiserver answers.
      first: (_req, url, res) => {
        if (!url.pathname.includes('webhookconfigurations/') || throttled.has(url.pathname)) return false;
        throttled.add(url.pathname);
        sendJson(
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
        return true;
      },
    });
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
    const old = intermediateCA(undefined, 'old CA', {
      from: new Date(NOW.getTime() - 800 * DAY),
      to: new Date(NOW.getTime() - 30 * DAY),
    });
    const { expected, snapshot } = await installTrusting(certs, old.cert + certs.ca.cert);
    expect(checkCaBundle(snapshot, expected).status).toBe('warn'); // calls succeed: the new CA signed it
    const result = checkCertificateExpiry(snapshot, expected, NOW);
    expect({ status: result.status, fix: result.fix }).not.toEqual(
      expect.objectContaining({ status: 'fail' }),
    );
    expect(result.fix ?? '').not.toMatch(/--force/);
  });
});
