// Review audit24: doctor against installs whose serving certificate comes from a CA hierarchy.
import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import forge from 'node-forge';
import { checkCaBundle } from '../../src/doctor/checks/ca-bundle.js';
import type { Pem } from '../../src/tls/issue.js';
import { keyPairFromPem, randomSerialHex, rsaKeyPairSync } from '../../src/tls/keys.js';
import { found } from '../../src/doctor/types.js';
import { allEntries, b64, DAY, expectedFor, healthySnapshot, NOW, servingCert } from './support.js';

/** A root CA without a path length limit (ais-guard certs' CA has pathLen 0, a PKI root has none). */
function rootCA(commonName: string): Pem {
  const keys = rsaKeyPairSync();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(NOW.getTime() - DAY);
  cert.validity.notAfter = new Date(NOW.getTime() + 3650 * DAY);
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
