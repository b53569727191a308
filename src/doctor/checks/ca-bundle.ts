// Every webhook carries one caBundle, and that CA signed the certificate the guard serves, for the
// name the apiserver dials (<service>.<namespace>.svc, or the URL's host). Otherwise every call
// fails its TLS handshake: the guard looks down although it runs.
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { CheckResult, Expected, Snapshot } from '../types.js';
import {
  certsHint,
  liveEntries,
  list,
  nothingToCheck,
  ASK_AGAIN,
  renderHint,
  tlsSecretOf,
  verdict,
  type Finding,
} from './common.js';
import { bundleCerts, caBundles, commonName, servingChain, signs } from './certs.js';

/** The host names the apiserver verifies: one per Service or URL the webhooks call. */
function dialledNames(snapshot: Snapshot, expected: Expected): string[] {
  const names = new Set<string>();
  for (const { entry } of liveEntries(snapshot, expected)) {
    const { service, url } = entry.clientConfig ?? {};
    if (url) names.add(new URL(url).hostname.replace(/^\[|\]$/g, ''));
    else if (service) names.add(`${service.name}.${service.namespace}.svc`);
  }
  return [...names];
}

const covers = (cert: X509Certificate, name: string): boolean =>
  isIP(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name, { subject: 'never' }) !== undefined;

function caFix(expected: Expected, secret: string): string {
  return expected.overlay === 'cert-manager'
    ? `check cert-manager's cainjector (kubectl -n cert-manager logs deploy/cert-manager-cainjector) and the inject-ca-from annotation`
    : `${renderHint(expected)} with the CERTS the Secret was made from, or keep ca.crt in Secret ${expected.namespace}/${secret} and run the guard with --manage-webhook-config`;
}

export function checkCaBundle(snapshot: Snapshot, expected: Expected): CheckResult {
  const bundles = caBundles(snapshot, expected);
  const secret = tlsSecretOf(snapshot, expected);
  if (bundles.length === 0)
    return nothingToCheck('ca-bundle', snapshot, expected, 'no webhook configuration to compare');
  const findings: Finding[] = [];
  const empty = bundles.find((b) => b.bundle === '');
  if (empty)
    findings.push({
      status: 'fail',
      message: `no caBundle on ${list(empty.webhooks)}`,
      fix: caFix(expected, secret),
    });
  const set = bundles.filter((b) => b.bundle !== '');
  if (set.length > 1)
    findings.push({
      status: 'fail',
      message: `the webhooks carry ${set.length} different caBundles (${set.map((b) => list(b.webhooks, 2)).join(' / ')})`,
      fix: caFix(expected, secret),
    });
  // The leaf and the intermediates the guard serves with it (tls.crt), as the apiserver sees them.
  const chain = servingChain(snapshot);
  const cert = typeof chain === 'string' ? chain : chain[0]!;
  for (const { bundle, webhooks } of set) {
    const cas = bundleCerts(bundle);
    if (typeof cas === 'string') {
      findings.push({
        status: 'fail',
        message: `caBundle of ${list(webhooks, 2)}: ${cas}`,
        fix: caFix(expected, secret),
      });
      continue;
    }
    if (typeof chain === 'string') continue;
    const signers = cas.filter((ca) => signs(ca, chain));
    const others = cas.filter((ca) => !signers.includes(ca));
    // During a CA rotation (--manage-webhook-config keeps the old CA --ca-overlap seconds) this is
    // expected; long after one it is a replaced CA the apiserver still trusts.
    if (signers.length > 0 && others.length > 0)
      findings.push({
        status: 'warn',
        message: `the caBundle of ${list(webhooks, 2)} also trusts ${others.map((c) => `CA "${commonName(c.subject)}" (from ${c.validFrom})`).join(', ')}, which did not sign the serving certificate`,
        fix: 'right after a CA change, nothing: the guard drops an older CA --ca-overlap seconds after it (docs/deploy.md, "A new CA"); otherwise remove that certificate from every caBundle',
      });
    if (signers.length === 0)
      findings.push({
        status: 'fail',
        message: `the caBundle of ${list(webhooks, 2)} (CA "${cas.map((c) => commonName(c.subject)).join('", "')}") did not sign the serving certificate from ${snapshot.servingCert.source} (issuer "${commonName(chain[0]!.issuer)}"): every call fails TLS`,
        fix: caFix(expected, secret),
      });
  }
  if (typeof cert === 'string') {
    const fromSecret = snapshot.servingCert.source.startsWith('Secret');
    const { pem } = snapshot.servingCert;
    findings.push({
      status: 'warn',
      message: `serving certificate not read (${cert}): caBundle not compared with it`,
      fix: !fromSecret
        ? `make the guard at ${snapshot.servingCert.source.replace(/^TLS at /, '')} answer (see webhook-service)`
        : !pem.ok && pem.absent
          ? // No right is missing: the Secret was deleted (the guard serves what it read before), or,
            // when the Deployment could not be read, the guard mounts another (fetch.ts reads the
            // one the live Deployment names, e.g. the chart's certificates.existingSecret).
            `check which Secret the guard mounts (kubectl -n ${expected.namespace} get deployment/${expected.name} -o jsonpath='{.spec.template.spec.volumes[*].secret.secretName}') and that the caBundle signed its tls.crt (openssl verify -CAfile ca.crt tls.crt); a deleted ${secret}: ${renderHint(expected)}`
          : !pem.ok && pem.unanswered
            ? ASK_AGAIN
            : `let the doctor's user get Secret ${expected.namespace}/${secret}`,
    });
  } else {
    const uncovered = dialledNames(snapshot, expected).filter((n) => !covers(cert, n));
    if (uncovered.length > 0)
      findings.push({
        status: 'fail',
        message: `the serving certificate does not name ${list(uncovered)} (it has ${cert.subjectAltName ?? 'no SANs'})`,
        fix: `reissue it (${certsHint(expected)} reissues a certificate that lacks a name), then update Secret ${expected.namespace}/${secret}`,
      });
  }
  if (findings.length === 0 && typeof cert !== 'string')
    return {
      check: 'ca-bundle',
      status: 'ok',
      message: `${set.reduce((n, b) => n + b.webhooks.length, 0)} webhooks carry one caBundle, which signed the serving certificate from ${snapshot.servingCert.source} (names ${list(dialledNames(snapshot, expected))})`,
    };
  return verdict('ca-bundle', findings, '');
}
