// Judging certificates already on disk with Node's own X.509 parser (OpenSSL underneath), so
// "is this still good?" is answered by the same code path a TLS handshake would use.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

export function parseCert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

export function notAfter(cert: X509Certificate): Date {
  return new Date(cert.validTo);
}

export function notBefore(cert: X509Certificate): Date {
  return new Date(cert.validFrom);
}

/**
 * Why a private key cannot sign ais-guard's certificates, or undefined when it can. Certificates are
 * built by node-forge, which reads RSA keys only (an ECDSA CA from step-ca or cfssl ended in its
 * "OID is not RSA" stack trace), and keys are read without a passphrase.
 */
export function signingKeyProblem(path: string, keyPem: string): string | undefined {
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    const encrypted =
      (err as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' || keyPem.includes('ENCRYPTED');
    return encrypted
      ? `${path} cannot be read: it is encrypted, and ais-guard reads keys without a passphrase (openssl pkey -in ${path} -out ${path}.plain writes it unencrypted; then move that over it)`
      : `${path} cannot be read as a private key (${(err as Error).message.split('\n')[0]})`;
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'rsa') return undefined;
  const article = /^(dsa|dh|unknown)$/.test(type) ? 'a' : 'an';
  return `${path} is ${article} ${type.toUpperCase()} key: ais-guard certs signs with RSA keys only`;
}

export function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

export function signedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** Exact SAN matches only: no CN fallback, no wildcards (we never issue either). */
export function coversNames(cert: X509Certificate, dnsNames: string[], ipAddresses: string[]): boolean {
  const exact = { subject: 'never', wildcards: false, partialWildcards: false } as const;
  return (
    dnsNames.every((name) => cert.checkHost(name, exact) !== undefined) &&
    ipAddresses.every((ip) => isIP(ip) !== 0 && cert.checkIP(ip) !== undefined)
  );
}

/** The SANs, for messages: "DNS:a, IP Address:127.0.0.1" as OpenSSL prints them. */
export function subjectAltNames(cert: X509Certificate): string {
  return cert.subjectAltName ?? '';
}

/** An IP as one spelling: OpenSSL prints ::1 as 0:0:0:0:0:0:0:1, and the two must compare equal. */
export function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/** The DNS names and IP addresses a certificate names (other SAN types, and quoted odd names, left out). */
export function sanNames(cert: X509Certificate): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:') && !entry.startsWith('DNS:"')) dnsNames.push(entry.slice(4));
    else if (entry.startsWith('IP Address:') && isIP(entry.slice(11)))
      ipAddresses.push(canonicalIp(entry.slice(11)));
  }
  return { dnsNames, ipAddresses };
}
