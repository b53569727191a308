// The serving certificate and the CA in the caBundles that signed it: fail when expired (or not yet
// valid), warn within 14 days, or a sixth of a short-lived certificate's lifetime, as /readyz does
// (server/certificate.ts expiryWarningMs; the monitoring pack's alert says 14 days, the chart's follows
// renewBefore). An expired CA in the caBundles that signed nothing the guard serves is a warn: remove it.
import type { X509Certificate } from 'node:crypto';
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { expiryWarningMs } from '../../server/certificate.js';
import { ASK_AGAIN, certsHint, nothingToCheck, tlsSecretOf, verdict, type Finding } from './common.js';
import { chainTo } from '../../tls/chain.js';
import { bundleCerts, caBundles, commonName, servingChain, signs } from './certs.js';

const DAY_MS = 86_400_000;

const day = (d: Date) => d.toISOString().slice(0, 10);

function judge(what: string, cert: X509Certificate, now: Date, fix: string): Finding | string {
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  const whole = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  const days = `${whole} day${whole === 1 ? '' : 's'}`;
  if (notAfter <= now) return { status: 'fail', message: `${what} expired on ${day(notAfter)}`, fix };
  if (notBefore > now)
    return { status: 'fail', message: `${what} is not valid before ${notBefore.toISOString()}`, fix };
  // The window of the guard's own /readyz "expiring" (server/certificate.ts) and of the alert.
  if (notAfter.getTime() - now.getTime() < expiryWarningMs(notAfter, notBefore))
    return { status: 'warn', message: `${what} expires on ${day(notAfter)} (in ${days})`, fix };
  return `${what} valid until ${day(notAfter)} (${days})`;
}

export function checkCertificateExpiry(snapshot: Snapshot, expected: Expected, now: Date): CheckResult {
  const findings: Finding[] = [];
  const fine: string[] = [];
  const certManager = expected.overlay === 'cert-manager';
  const ns = expected.namespace;
  const secret = tlsSecretOf(snapshot, expected);
  const renew = certManager
    ? `check the Certificate: kubectl -n ${ns} describe certificate ${expected.name}-serving`
    : `${certsHint(expected)}, then update Secret ${ns}/${secret} (docs/deploy.md "Renewing")`;
  // With cert-manager the CA is its Certificate <name>-ca (deploy/overlays/cert-manager and the
  // chart's templates/certificates.yaml, caDuration), and the cainjector owns every caBundle: a CA
  // from `ais-guard certs` would be overwritten. Once the CA is renewed, the serving certificate
  // is reissued by it, and the cainjector injects that Secret's ca.crt (inject-ca-from).
  const renewCa = certManager
    ? `check the CA Certificate: kubectl -n ${ns} describe certificate ${expected.name}-ca; once it is renewed (cmctl renew -n ${ns} ${expected.name}-ca), reissue the serving one (cmctl renew -n ${ns} ${expected.name}-serving): the cainjector then writes the new CA into every caBundle`
    : `a new CA: ais-guard certs --dir CERTS --force, then every caBundle and the Secret`;
  const chain = servingChain(snapshot);
  const cert = typeof chain === 'string' ? chain : chain[0]!;
  if (typeof cert !== 'string') {
    const r = judge('serving certificate', cert, now, renew);
    if (typeof r === 'string') fine.push(r);
    else findings.push(r);
  }
  // Every certificate on the path Go's verifier builds must be valid too (crypto/x509 verify.go
  // isValid, per chain element): an expired intermediate from tls.crt fails every handshake.
  const judgeIntermediates = (path: X509Certificate[]) => {
    const replace = certManager
      ? renew
      : `put a current intermediate from its issuer after the serving certificate in tls.crt of Secret ${ns}/${secret}`;
    for (const intermediate of path.slice(0, -1)) {
      const r = judge(
        `intermediate CA "${commonName(intermediate.subject)}" (tls.crt)`,
        intermediate,
        now,
        replace,
      );
      if (typeof r === 'string') fine.push(r);
      else findings.push(r);
    }
  };
  const cas = new Map<string, X509Certificate>();
  for (const { bundle } of caBundles(snapshot, expected)) {
    const certs = bundleCerts(bundle);
    if (typeof certs !== 'string') for (const c of certs) cas.set(c.fingerprint256, c);
  }
  // The CAs the apiserver verifies the serving chain with. Another certificate in a caBundle (a CA
  // left beside the new one: docs/deploy.md "A new CA") plays no part in the handshake: Go's
  // x509.CertPool holds it, Certificate.Verify never builds a chain through it, expired or not.
  // Its expiry is no reason to replace the working CA, only to remove it (ca-bundle warns of it too).
  // When the serving chain is unknown, or no CA signed it (ca-bundle fails), each one is judged.
  const signers = typeof chain === 'string' ? [] : [...cas.values()].filter((ca) => signs(ca, chain));
  if (typeof chain !== 'string' && signers[0]) judgeIntermediates(chainTo(chain, signers[0])!);
  for (const ca of cas.values()) {
    const what = `CA "${commonName(ca.subject)}"`;
    if (signers.length > 0 && !signers.includes(ca)) {
      const r = judge(what, ca, now, '');
      if (typeof r === 'string') fine.push(`${r}, signs nothing the guard serves`);
      else if (r.status === 'fail')
        findings.push({
          status: 'warn',
          message: `${r.message}, but signed nothing the guard serves: a CA left in the caBundles`,
          fix: `remove it from every caBundle${certManager ? '' : ' (docs/deploy.md "A new CA")'}`,
        });
      else fine.push(`${r.message}, signs nothing the guard serves`);
      continue;
    }
    const r = judge(what, ca, now, renewCa);
    if (typeof r === 'string') fine.push(r);
    else findings.push(r);
  }
  if (fine.length === 0 && findings.length === 0) {
    const why = typeof cert === 'string' ? `no certificate read (${cert})` : 'no certificate read';
    const { pem } = snapshot.servingCert;
    if (!pem.ok && pem.unanswered)
      return { check: 'certificate-expiry', status: 'warn', message: `not checked: ${why}`, fix: ASK_AGAIN };
    return nothingToCheck('certificate-expiry', snapshot, expected, why);
  }
  return verdict('certificate-expiry', findings, fine.join('; '));
}
