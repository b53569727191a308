// What caBundle the guard writes when its CA changes (`serve --manage-webhook-config`).
//
// The replicas of the guard see a new Secret one by one: the kubelet projects it into each pod on
// its own sync, up to a minute or two apart. Writing only the new CA at the first reload would make
// the apiserver refuse every replica still serving a certificate of the old CA, and with
// failurePolicy Fail that refuses AIStore writes until the last kubelet caught up. So a change is
// made in two steps, as trust bundles are rotated:
//   overlap: our CA(s) plus every still-valid CA already in the bundle;
//   settle (a grace period later): our CA(s) plus only the CAs newer than ours (by notBefore),
//   less the ones this replica itself served before.
// Settling keeps the newer ones so that a replica that lags (or restarts on a stale volume) can
// never take the new CA out from under the replicas already serving it; it drops the replica's
// own predecessors whatever their dates, so a new CA made before the old one still replaces it.
import { X509Certificate } from 'node:crypto';
import { certificateBlocks } from '../tls/pem-blocks.js';

export type BundleStep = 'overlap' | 'settle';

interface Ca {
  pem: string;
  cert: X509Certificate;
}

/** The certificates of a PEM text, and whether anything in it is not one (nothing can verify with that). */
function certificates(pem: string): { found: Ca[]; broken: boolean } {
  const blocks = certificateBlocks(pem);
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

/** The SHA-256 fingerprints of a PEM text's certificates (none for a text that holds none). */
export const fingerprints = (pem: string): string[] =>
  certificates(pem).found.map((c) => c.cert.fingerprint256);

export interface BundleChange {
  /** ca.crt as read; it is written first and byte for byte. */
  caPem: string;
  step: BundleStep;
  now: Date;
  /**
   * Fingerprints of the CAs this replica served before its current one: settle drops them even
   * when their notBefore is later than ours (a CA made ahead of time, a clock that ran ahead).
   */
  retired?: ReadonlySet<string>;
}

/**
 * The base64 caBundle to write, or undefined when `current` already trusts exactly those
 * certificates (order and spelling aside): no write, no watch event for every informer.
 */
export function nextCaBundle(currentBase64: string | undefined, change: BundleChange): string | undefined {
  const { caPem, step, now, retired } = change;
  const ours = ourCertificates(caPem);
  const oursSet = new Set(ours.map((c) => c.fingerprint256));
  const newestOurs = Math.max(...ours.map(notBefore));
  const { found: current, broken } = certificates(
    Buffer.from(currentBase64 ?? '', 'base64').toString('utf8'),
  );
  const seen = new Set(oursSet);
  const kept = current.filter(({ cert }) => {
    const id = cert.fingerprint256;
    const keep =
      !seen.has(id) &&
      notAfter(cert) > now.getTime() &&
      (step === 'overlap' || (notBefore(cert) > newestOurs && !retired?.has(id)));
    seen.add(id); // once each, however often the bundle repeats it
    return keep;
  });
  const want = new Set([...oursSet, ...kept.map((c) => c.cert.fingerprint256)]);
  const have = new Set(current.map((c) => c.cert.fingerprint256));
  if (!broken && want.size === have.size && [...want].every((f) => have.has(f))) return undefined;
  const text = [caPem.endsWith('\n') ? caPem : `${caPem}\n`, ...kept.map((c) => `${c.pem}\n`)].join('');
  return Buffer.from(text, 'utf8').toString('base64');
}
