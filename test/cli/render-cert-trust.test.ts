// render on certificates the apiserver could not use (outside attack atk54): an expired CA, a
// serving certificate another CA issued or past its end, and an empty --ca-bundle (what
// `$(ais-guard certs ... | tail -n1)` gives when certs failed). Each would make every call to the
// guard fail its TLS handshake, and the Fail entries then refuse every AIStore write; render
// refuses them as it refuses a serving certificate for the wrong name, and says on stderr when a
// certificate is near its end.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { randomSerialHex, rsaKeyPairSync } from '../../src/tls/keys.js';
import { cli } from '../support/cli.js';

const DAY = 86_400_000;
const keys = rsaKeyPairSync();
const day = (offset: number) => new Date(Date.now() + offset * DAY);

/**
 * A certificate with chosen dates: a self-signed CA, or one `issuer` issued (the guard's serving
 * certificate, or an intermediate CA when `ca`). One key signs all: `issuer` is told apart by name.
 */
function certificate(
  name: string,
  [from, to]: [Date, Date],
  issuer?: forge.pki.Certificate,
  ca = !issuer,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = from;
  cert.validity.notAfter = to;
  cert.setSubject([{ name: 'commonName', value: name }]);
  cert.setIssuer(issuer ? issuer.subject.attributes : [{ name: 'commonName', value: name }]);
  cert.setExtensions(
    ca
      ? [{ name: 'basicConstraints', cA: true, critical: true }]
      : [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'ais-guard.ais-guard.svc' }] }],
  );
  cert.sign(keys.signer, forge.md.sha256.create());
  return cert;
}

const pem = (...certs: forge.pki.Certificate[]) => certs.map((c) => forge.pki.certificateToPem(c)).join('');
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A --cert-dir holding ca.crt and tls.crt. */
function certDir(ca: string, tls: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'render-trust-'));
  writeFileSync(join(dir, 'ca.crt'), ca);
  writeFileSync(join(dir, 'tls.crt'), tls);
  return dir;
}

const inDate: [Date, Date] = [day(-10), day(3650)];
const expired: [Date, Date] = [day(-400), day(-35)];
const goodCa = certificate('good-ca', inDate);
const oldCa = certificate('old-ca', expired);
const intermediate = (dates: [Date, Date]) => certificate('intermediate', dates, goodCa, true);

describe('render refuses certificates the apiserver could not use', () => {
  it.each([
    ['an empty --ca-bundle', ['--ca-bundle', ''], /--ca-bundle is empty/],
    ['an expired CA as --ca-bundle', ['--ca-bundle', b64(pem(oldCa))], /--ca-bundle expired on 20/],
    [
      'an expired ca.crt',
      ['--cert-dir', certDir(pem(oldCa), pem(certificate('guard', expired, oldCa)))],
      /ca\.crt expired on 20/,
    ],
    [
      'a tls.crt another CA issued',
      [
        '--cert-dir',
        certDir(pem(goodCa), pem(certificate('guard', inDate, certificate('other-ca', inDate)))),
      ],
      /tls\.crt was not issued by .*ca\.crt/,
    ],
    [
      'an expired tls.crt',
      ['--cert-dir', certDir(pem(goodCa), pem(certificate('guard', expired, goodCa)))],
      /tls\.crt expired on 20/,
    ],
    [
      'a tls.crt only the expired CA of the bundle issued (helper review rvw54)',
      ['--cert-dir', certDir(pem(oldCa, goodCa), pem(certificate('guard', inDate, oldCa)))],
      /tls\.crt was not issued by a CA in date/,
    ],
    [
      'a tls.crt whose intermediate has expired',
      [
        '--cert-dir',
        certDir(pem(goodCa), pem(certificate('guard', inDate, intermediate(expired)), intermediate(expired))),
      ],
      /tls\.crt \(its issuer CN=intermediate\) expired on 20/,
    ],
    [
      'every CA of the bundle expired: the latest end is named',
      ['--ca-bundle', b64(pem(oldCa, certificate('later-ca', [day(-400), day(-2)])))],
      new RegExp(`--ca-bundle expired on ${day(-2).toISOString().slice(0, 10)}`),
    ],
  ])('%s: exit 2, one line, nothing printed', async (_, args, message) => {
    const r = await cli(['render', ...args]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('render takes what the apiserver can use', () => {
  it('a bundle holding an expired CA beside its successor (a rotation)', async () => {
    const r = await cli(['render', '--ca-bundle', b64(pem(oldCa, goodCa)), '--webhooks-only']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`caBundle: ${b64(pem(oldCa, goodCa))}`);
  });

  it('a serving certificate issued by an intermediate it carries after it (cert-manager CA issuer)', async () => {
    const chain = pem(certificate('guard', inDate, intermediate(inDate)), intermediate(inDate));
    const r = await cli(['render', '--cert-dir', certDir(pem(goodCa), chain)]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('a serving certificate not valid yet: printed, with a notice', async () => {
    const r = await cli([
      'render',
      '--cert-dir',
      certDir(pem(goodCa), pem(certificate('guard', [day(5), day(300)], goodCa))),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tls\.crt is not valid until 20/);
  });

  it('a pair in date: no notice', async () => {
    const r = await cli([
      'render',
      '--cert-dir',
      certDir(pem(goodCa), pem(certificate('guard', inDate, goodCa))),
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('a CA and a serving certificate within their renewal window: printed, with a notice for each', async () => {
    const soon: [Date, Date] = [day(-300), day(5)];
    const ca = certificate('ending-ca', soon);
    const r = await cli(['render', '--cert-dir', certDir(pem(ca), pem(certificate('guard', soon, ca)))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('caBundle:');
    expect(r.stderr).toMatch(/ca\.crt expires on 20.*make a new CA/);
    expect(r.stderr).toMatch(/tls\.crt expires on 20.*renew it/);
  });
});
