// Review fresh24c: doctor's certificate checks on a serving chain through an intermediate CA.
import { describe, expect, it } from '@jest/globals';
import { checkCaBundle } from '../../src/doctor/checks/ca-bundle.js';
import { checkCertificateExpiry } from '../../src/doctor/checks/certificate-expiry.js';
import { DAY, handshake, installTrusting, intermediateCA, NOW, servingCert } from './support.js';

describe('review fresh24c: an expired intermediate CA in tls.crt', () => {
  // Defect: since 840feba doctor builds the chain leaf -> intermediates of tls.crt -> caBundle CA
  // (src/doctor/checks/certs.ts chainTo), but certificate-expiry judges only the leaf and the
  // caBundle CAs that sign (checkCertificateExpiry: judge(serving) + judge(each CA)), and
  // ca-bundle's chainTo/issuedBy checks names and signatures, never validity. An intermediate
  // that expired (a corporate PKI's issuing CA, a cert-manager intermediate Issuer whose CA
  // Certificate lapsed while the leaf it issued earlier is still inside its own dates) breaks
  // every admission call: Go's crypto/x509 Certificate.Verify -> buildChains -> isValid rejects
  // every certificate of the chain outside NotBefore/NotAfter ("x509: certificate has expired or
  // is not yet valid"), for intermediates as for the leaf; OpenSSL (below) refuses it too.
  // Doctor says ok on both checks, exit 0: the SRE is told the certificates are fine while the
  // webhook fails closed (or silently allows everything under failurePolicy Ignore).
  // Expected: certificate-expiry judges every certificate on the path chainTo found (fail:
  // "intermediate CA ... expired on ..."), as the docs' "expired or not valid yet (fail)" promises.
  it('leaf and root valid, the intermediate between them expired: certificate-expiry fails', async () => {
    const root = intermediateCA(undefined, 'corp root CA');
    const expiredIntermediate = intermediateCA(root, 'corp issuing CA', {
      from: new Date(NOW.getTime() - 400 * DAY),
      to: new Date(NOW.getTime() - 10 * DAY),
    });
    const leaf = servingCert(expiredIntermediate, {
      from: new Date(NOW.getTime() - 30 * DAY),
      to: new Date(NOW.getTime() + 300 * DAY),
    });
    const chain = leaf.cert + expiredIntermediate.cert;

    // The real TLS stack refuses it (the dates are in the past of the wall clock too).
    expect(await handshake(chain, leaf.key, root.cert)).toBe('CERT_HAS_EXPIRED');

    const { expected, snapshot } = await installTrusting({ ca: root, serving: leaf }, root.cert, chain);

    const expiry = checkCertificateExpiry(snapshot, expected, NOW);
    const bundle = checkCaBundle(snapshot, expected);
    // Today: both 'ok' ("serving certificate valid until ...; CA "corp root CA" valid until ...").
    expect({ expiry: expiry.status, bundle: bundle.status }).not.toEqual({ expiry: 'ok', bundle: 'ok' });
    expect(expiry).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/corp issuing CA.*expired/),
    });
  });
});

describe('review fresh24c: a caBundle with one certificate block that does not parse', () => {
  // Defect: bundleCerts (src/doctor/checks/certs.ts parsePemChain) throws when ANY CERTIFICATE
  // block fails to parse, so ca-bundle fails "not a base64 PEM certificate bundle" and tells the
  // SRE to re-render the webhooks. The apiserver builds its pool with client-go
  // transport.rootCertPool -> x509.CertPool.AppendCertsFromPEM, which skips a block that does not
  // parse ("if err != nil { continue }", crypto/x509/cert_pool.go) and errs only when no
  // certificate at all was added: the webhook works with the good CA. Doctor exits 1 on a working
  // install (a truncated second block left by a hand-edited bundle), with a wrong fix.
  // Expected: the unparsable block a warn at most; the good CA judged (ok here).
  it('good CA + a garbage CERTIFICATE block: not a fail', async () => {
    const root = intermediateCA(undefined, 'ais-guard webhook CA');
    const leaf = servingCert(root, {
      from: new Date(NOW.getTime() - DAY),
      to: new Date(NOW.getTime() + 300 * DAY),
    });
    const bundle = root.cert + '-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n';
    const { expected, snapshot } = await installTrusting({ ca: root, serving: leaf }, bundle, leaf.cert);
    expect(checkCaBundle(snapshot, expected).status).not.toBe('fail');
  });
});
