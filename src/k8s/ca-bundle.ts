// What caBundle the guard writes when its CA changes (`serve --manage-webhook-config`).
//
// The replicas of the guard see a new Secret one by one: the kubelet projects it into each pod on
// its own sync, up to a minute or two apart. Writing only the new CA at the first reload would make
// the apiserver refuse every replica still serving a certificate of the old CA, and with
// failurePolicy Fail that refuses AIStore writes until the last kubelet caught up. So a change is
// made in two steps, as trust bundles are rotated:
//   overlap: our CA(s) plus every still-valid CA already in the bundle;
//   settle (a grace period later): our CA(s) plus only the CAs newer than ours.
// Settling keeps the newer ones so that a replica that lags (or restarts on a stale volume) can
// never take the new CA out from under the replicas already serving it.
import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export type BundleStep = 'overlap' | 'settle';

interface Ca {
  pem: string;
  cert: X509Certificate;
}

/** The certificates of a PEM text, and whether anything in it is not one (nothing can verify with that). */
function certificates(pem: string): { found: Ca[]; broken: boolean } {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  const found: Ca[] = [];
  for (const block of blocks) {
    try {
      found.push({ pem: block, cert: new X509Certificate(block) });
    } catch {
      // A corrupt entry: not ours to keep.
    }
  }
  return { found, broken: found.length < blocks.length || (blocks.length === 0 && pem.trim() !== '') };
}

/** Our CA file's certificates; throws when it holds none, so a broken file never replaces a bundle. */
export function ourCertificates(caPem: string): X509Certificate[] {
  const { found, broken } = certificates(caPem);
  if (found.length === 0 || broken) throw new Error('ca.crt is not a PEM certificate bundle');
  return found.map((c) => c.cert);
}

const notBefore = (cert: X509Certificate) => new Date(cert.validFrom).getTime();
const notAfter = (cert: X509Certificate) => new Date(cert.validTo).getTime();

/**
 * The base64 caBundle to write for `step`, or undefined when `current` already trusts exactly
 * those certificates (order and spelling aside): no write, no watch event for every informer.
 * `caPem` is ca.crt as read; it is written first and byte for byte.
 */
export function nextCaBundle(
  currentBase64: string | undefined,
  caPem: string,
  step: BundleStep,
  now: Date,
): string | undefined {
  const ours = ourCertificates(caPem);
  const oursSet = new Set(ours.map((c) => c.fingerprint256));
  const newestOurs = Math.max(...ours.map(notBefore));
  const { found: current, broken } = certificates(
    Buffer.from(currentBase64 ?? '', 'base64').toString('utf8'),
  );
  const seen = new Set(oursSet);
  const kept = current.filter(({ cert }) => {
    const keep =
      !seen.has(cert.fingerprint256) &&
      notAfter(cert) > now.getTime() &&
      (step === 'overlap' || notBefore(cert) > newestOurs);
    seen.add(cert.fingerprint256); // once each, however often the bundle repeats it
    return keep;
  });
  const want = new Set([...oursSet, ...kept.map((c) => c.cert.fingerprint256)]);
  const have = new Set(current.map((c) => c.cert.fingerprint256));
  if (!broken && want.size === have.size && [...want].every((f) => have.has(f))) return undefined;
  const text = [caPem.endsWith('\n') ? caPem : `${caPem}\n`, ...kept.map((c) => `${c.pem}\n`)].join('');
  return Buffer.from(text, 'utf8').toString('base64');
}
