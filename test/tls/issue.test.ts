// The certificates themselves, read back with Node's own X.509 parser and used in a real TLS
// handshake: what the apiserver will do with them.
import { describe, expect, it, jest } from '@jest/globals';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { createCA, createServingCert, serviceDnsNames } from '../../src/tls/index.js';

const DAY_MS = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

const daysFromNow = (date: string) => (new Date(date).getTime() - Date.now()) / DAY_MS;

describe('createCA', () => {
  const ca = createCA();
  const x509 = new X509Certificate(ca.cert);

  it('is a self-signed CA valid for 10 years', () => {
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkIssued(x509)).toBe(true);
    expect(daysFromNow(x509.validTo)).toBeGreaterThan(3649);
    expect(daysFromNow(x509.validTo)).toBeLessThanOrEqual(3650);
    expect(daysFromNow(x509.validFrom)).toBeLessThan(0);
  });

  it('has an RSA 2048 key matching the certificate', () => {
    expect(x509.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.checkPrivateKey(createPrivateKey(ca.key))).toBe(true);
  });

  it('has a random, positive, 16-byte serial number', () => {
    const other = new X509Certificate(createCA().cert);
    expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(other.serialNumber).not.toBe(x509.serialNumber);
  });

  it('takes a name and a validity', () => {
    const short = new X509Certificate(createCA({ commonName: 'test CA', validityDays: 30 }).cert);
    expect(short.subject).toContain('CN=test CA');
    expect(daysFromNow(short.validTo)).toBeCloseTo(30, 0);
  });
});

describe('createServingCert', () => {
  const ca = createCA();
  const caX509 = new X509Certificate(ca.cert);
  const dnsNames = serviceDnsNames('ais-guard', 'ais-guard');
  const serving = createServingCert(ca, { dnsNames, ipAddresses: ['127.0.0.1', '::1'] });
  const x509 = new X509Certificate(serving.cert);

  it('is signed by the CA', () => {
    expect(x509.checkIssued(caX509)).toBe(true);
    expect(x509.verify(caX509.publicKey)).toBe(true);
    expect(x509.verify(new X509Certificate(createCA().cert).publicKey)).toBe(false);
    expect(x509.ca).toBe(false);
  });

  it('names every Service DNS name and IP as SANs', () => {
    expect(x509.subjectAltName).toBe(
      'DNS:ais-guard, DNS:ais-guard.ais-guard, DNS:ais-guard.ais-guard.svc, ' +
        'DNS:ais-guard.ais-guard.svc.cluster.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(x509.checkHost('ais-guard.ais-guard.svc', { subject: 'never' })).toBe('ais-guard.ais-guard.svc');
    expect(x509.checkHost('other.ais-guard.svc', { subject: 'never' })).toBeUndefined();
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('is for server authentication only, with signature and key-encipherment usage', () => {
    expect(x509.keyUsage).toEqual([SERVER_AUTH]);
    // Node does not expose the keyUsage bits; node-forge decodes the extension independently.
    const keyUsage = forge.pki.certificateFromPem(serving.cert).getExtension('keyUsage') as Record<
      string,
      boolean
    >;
    expect(keyUsage).toMatchObject({ digitalSignature: true, keyEncipherment: true, critical: true });
    expect(keyUsage.keyCertSign).toBeFalsy();
  });

  it('is valid for a year by default, or the given days, and never beyond the CA', () => {
    expect(daysFromNow(x509.validTo)).toBeCloseTo(365, 0);
    const month = new X509Certificate(
      createServingCert(ca, { dnsNames, ipAddresses: [], validityDays: 30 }).cert,
    );
    expect(daysFromNow(month.validTo)).toBeCloseTo(30, 0);
    const shortCA = createCA({ validityDays: 10 });
    const capped = new X509Certificate(createServingCert(shortCA, { dnsNames, ipAddresses: [] }).cert);
    expect(capped.validTo).toBe(new X509Certificate(shortCA.cert).validTo);
  });

  it('refuses bad input', () => {
    expect(() => createServingCert(ca, { dnsNames: [], ipAddresses: [] })).toThrow(/DNS name or an IP/);
    expect(() => createServingCert(ca, { dnsNames, ipAddresses: ['localhost'] })).toThrow(/not an IP/);
    expect(() => createServingCert(ca, { dnsNames, ipAddresses: [], validityDays: 0 })).toThrow(
      /1 to 36500 days/,
    );
    // Past 9999-12-31 a notAfter is signed but unreadable (X.509 GeneralizedTime).
    expect(() => createServingCert(ca, { dnsNames, ipAddresses: [], validityDays: 3_000_000 })).toThrow(
      /1 to 36500 days, got 3000000/,
    );
  });

  it('passes a real TLS handshake, hostname check included', async () => {
    const server = https.createServer({ cert: serving.cert, key: serving.key }, (_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const get = (servername: string) =>
      new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, servername, ca: ca.cert, agent: false }, (res) => {
            res.setEncoding('utf8');
            let body = '';
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
    try {
      await expect(get('ais-guard.ais-guard.svc')).resolves.toBe('ok');
      await expect(get('elsewhere.example.com')).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
    } finally {
      server.close();
    }
  });

  it("generates keys natively, never with node-forge's slow JavaScript generator", () => {
    const forgeKeygen = jest.spyOn(forge.pki.rsa, 'generateKeyPair');
    try {
      const pem = createServingCert(ca, { dnsNames, ipAddresses: [] });
      expect(forgeKeygen).not.toHaveBeenCalled();
      // Node's PKCS#8 PEM; node-forge would have written a PKCS#1 "RSA PRIVATE KEY".
      expect(pem.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    } finally {
      forgeKeygen.mockRestore();
    }
  });
});

describe('serviceDnsNames', () => {
  it('gives the four forms the Service is reachable by', () => {
    expect(serviceDnsNames('guard', 'ops')).toEqual([
      'guard',
      'guard.ops',
      'guard.ops.svc',
      'guard.ops.svc.cluster.local',
    ]);
  });
});
