// The serving certificate and the CA in the caBundles: fail when expired (or not yet valid), warn
// within 14 days (the monitoring pack's alert uses the same window).
import type { X509Certificate } from 'node:crypto';
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { EXPIRY_WARNING_DAYS } from '../../server/certificate.js';
import { certsHint, skip, verdict, type Finding } from './common.js';
import { bundleCerts, caBundles, commonName, servingCert } from './certs.js';

const DAY_MS = 86_400_000;

const day = (d: Date) => d.toISOString().slice(0, 10);

function judge(what: string, cert: X509Certificate, now: Date, fix: string): Finding | string {
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  if (notAfter <= now) return { status: 'fail', message: `${what} expired on ${day(notAfter)}`, fix };
  if (notBefore > now)
    return { status: 'fail', message: `${what} is not valid before ${notBefore.toISOString()}`, fix };
  // The window of the guard's own /readyz "expiring" (server/certificate.ts) and of the alert.
  if (notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS)
    return { status: 'warn', message: `${what} expires on ${day(notAfter)} (in ${days} days)`, fix };
  return `${what} valid until ${day(notAfter)} (${days} days)`;
}

export function checkCertificateExpiry(snapshot: Snapshot, expected: Expected, now: Date): CheckResult {
  const findings: Finding[] = [];
  const fine: string[] = [];
  const certManager = expected.overlay === 'cert-manager';
  const ns = expected.namespace;
  const renew = certManager
    ? `check the Certificate: kubectl -n ${ns} describe certificate ${expected.name}-serving`
    : `${certsHint(expected)}, then update Secret ${ns}/${expected.tlsSecret} (docs/deploy.md "Renewing")`;
  // With cert-manager the CA is its Certificate <name>-ca (deploy/overlays/cert-manager and the
  // chart's templates/certificates.yaml, caDuration), and the cainjector owns every caBundle: a CA
  // from `ais-guard certs` would be overwritten. Once the CA is renewed, the serving certificate
  // is reissued by it, and the cainjector injects that Secret's ca.crt (inject-ca-from).
  const renewCa = certManager
    ? `check the CA Certificate: kubectl -n ${ns} describe certificate ${expected.name}-ca; once it is renewed (cmctl renew -n ${ns} ${expected.name}-ca), reissue the serving one (cmctl renew -n ${ns} ${expected.name}-serving): the cainjector then writes the new CA into every caBundle`
    : `a new CA: ais-guard certs --dir CERTS --force, then every caBundle and the Secret`;
  const cert = servingCert(snapshot);
  if (typeof cert !== 'string') {
    const r = judge('serving certificate', cert, now, renew);
    if (typeof r === 'string') fine.push(r);
    else findings.push(r);
  }
  const cas = new Map<string, X509Certificate>();
  for (const { bundle } of caBundles(snapshot, expected)) {
    const certs = bundleCerts(bundle);
    if (typeof certs !== 'string') for (const c of certs) cas.set(c.fingerprint256, c);
  }
  for (const ca of cas.values()) {
    const r = judge(`CA "${commonName(ca.subject)}"`, ca, now, renewCa);
    if (typeof r === 'string') fine.push(r);
    else findings.push(r);
  }
  if (fine.length === 0 && findings.length === 0)
    return skip(
      'certificate-expiry',
      typeof cert === 'string' ? `no certificate read (${cert})` : 'no certificate read',
    );
  return verdict('certificate-expiry', findings, fine.join('; '));
}
