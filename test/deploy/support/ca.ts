// CA certificates with chosen validity, for the caBundle rotation tests (ca-bundle.ts decides by
// notBefore/notAfter, so the tests must set them, not take "now" from the issuer).
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { randomSerialHex, rsaKeyPairSync } from '../../../src/tls/keys.js';

const keys = rsaKeyPairSync(); // one key for all: the tests tell CAs apart by certificate, not key

export function caPem(commonName: string, notBefore: string, notAfter: string): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(notBefore);
  cert.validity.notAfter = new Date(notAfter);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }]);
  cert.sign(keys.signer, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The common names in a base64 bundle, in order. */
export function names(bundleBase64: string | undefined): string[] {
  const text = Buffer.from(bundleBase64 ?? '', 'base64').toString('utf8');
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => /CN=([^\n,]*)/.exec(new X509Certificate(pem).subject)![1]!,
  );
}
