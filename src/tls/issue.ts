// Issuing the two certificates the webhook needs: a private CA (its PEM is the caBundle the
// apiserver trusts) and a serving certificate for the guard's Service names, signed by that CA.
import { isIP } from 'node:net';
import forge from 'node-forge';
import { keyPairFromPem, randomSerialHex, rsaKeyPairSync, type KeyPair } from './keys.js';

export interface Pem {
  cert: string;
  key: string;
}

export interface ServingCertOptions {
  dnsNames: string[];
  ipAddresses: string[];
  validityDays?: number;
}

export interface CAOptions {
  commonName?: string;
  validityDays?: number;
}

export const DEFAULT_CA_DAYS = 3650;
export const DEFAULT_SERVING_DAYS = 365;
const DAY_MS = 86_400_000;
// Backdated a little: a node whose clock runs behind must not see a brand-new cert as "not yet valid".
const BACKDATE_MS = 5 * 60_000;

/** node-forge writes CRLF line ends; LF is what every other tool writes and diffs cleanly. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/**
 * A century: far past any rotation, and every end date it gives is one X.509 can say (its
 * GeneralizedTime ends at 9999-12-31; a later notAfter is signed but unreadable).
 */
export const MAX_VALIDITY_DAYS = 36_500;

function checkDays(days: number): void {
  if (!(Number.isFinite(days) && days > 0 && days <= MAX_VALIDITY_DAYS))
    throw new Error(`validity must be 1 to ${MAX_VALIDITY_DAYS} days, got ${days}`);
}

function validity(cert: forge.pki.Certificate, days: number, notAfterCap?: Date): void {
  checkDays(days);
  const now = Date.now();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  const notAfter = new Date(now + days * DAY_MS);
  // A certificate that outlives its issuer is no longer valid at the end anyway: say so in the cert.
  cert.validity.notAfter = notAfterCap && notAfterCap < notAfter ? notAfterCap : notAfter;
}

export function issueCA(keys: KeyPair, opts: CAOptions = {}): Pem {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  validity(cert, opts.validityDays ?? DEFAULT_CA_DAYS);
  const subject = [
    { name: 'commonName', value: opts.commonName ?? 'ais-guard webhook CA' },
    { name: 'organizationName', value: 'ais-guard' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    // pathLen 0: this CA signs serving certificates only, never another CA.
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.signer, forge.md.sha256.create());
  return { cert: toPem(cert), key: keys.pem };
}

/** Checked before any key is generated: a typo should not cost a keygen. */
export function checkServingOptions(opts: ServingCertOptions): void {
  for (const ip of opts.ipAddresses) if (!isIP(ip)) throw new Error(`not an IP address: "${ip}"`);
  if (opts.dnsNames.length === 0 && opts.ipAddresses.length === 0)
    throw new Error('a serving certificate needs a DNS name or an IP');
  if (opts.validityDays !== undefined) checkDays(opts.validityDays);
}

export function issueServing(ca: Pem, keys: KeyPair, opts: ServingCertOptions): Pem {
  checkServingOptions(opts);
  const names = [...new Set(opts.dnsNames)];
  const ips = [...new Set(opts.ipAddresses)];

  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = keyPairFromPem(ca.key).signer;
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  validity(cert, opts.validityDays ?? DEFAULT_SERVING_DAYS, caCert.validity.notAfter);
  cert.setSubject([{ name: 'commonName', value: names[0] ?? ips[0]! }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // Clients (the apiserver's Go TLS stack included) match SANs only, never the CN.
    {
      name: 'subjectAltName',
      altNames: [...names.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: toPem(cert), key: keys.pem };
}

export function createCA(opts?: CAOptions): Pem {
  return issueCA(rsaKeyPairSync(), opts);
}

export function createServingCert(ca: Pem, opts: ServingCertOptions): Pem {
  checkServingOptions(opts);
  return issueServing(ca, rsaKeyPairSync(), opts);
}
