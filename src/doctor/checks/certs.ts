// Reading the caBundles and the serving certificate for the two certificate checks, with Node's
// X.509 parser (what src/tls/inspect.ts uses too).
import { X509Certificate } from 'node:crypto';
import { certificateBlocks } from '../../tls/pem-blocks.js';
import type { Expected, Snapshot } from '../types.js';
import { liveEntries } from './common.js';

/**
 * Every certificate in a PEM text; throws when there is none or, unless `skipUnparsable`, one does
 * not parse. A caBundle is read as Go's x509.CertPool reads it (cert_pool.go AppendCertsFromPEM,
 * via client-go's rootCertPool): a block that does not parse is skipped, the rest trusted.
 */
export function parsePemChain(pem: string, { skipUnparsable = false } = {}): X509Certificate[] {
  const blocks = certificateBlocks(pem);
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  const certs: X509Certificate[] = [];
  for (const block of blocks)
    try {
      certs.push(new X509Certificate(block));
    } catch (err) {
      if (!skipUnparsable) throw err;
    }
  if (certs.length === 0) throw new Error('no PEM certificate in it parses');
  return certs;
}

export const commonName = (dn: string): string =>
  /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');

/** The distinct caBundles of the live webhooks, each with the webhooks that carry it. */
export function caBundles(
  snapshot: Snapshot,
  expected: Pick<Expected, 'name'>,
): { bundle: string; webhooks: string[] }[] {
  const by = new Map<string, string[]>();
  for (const { entry } of liveEntries(snapshot, expected)) {
    const bundle = entry.clientConfig?.caBundle ?? '';
    (by.get(bundle) ?? by.set(bundle, []).get(bundle)!).push(entry.name);
  }
  return [...by].map(([bundle, webhooks]) => ({ bundle, webhooks }));
}

/** A caBundle's certificates, or why it has none. */
export function bundleCerts(bundle: string): X509Certificate[] | string {
  try {
    return parsePemChain(Buffer.from(bundle, 'base64').toString('utf8'), { skipUnparsable: true });
  } catch (err) {
    return `not a base64 PEM certificate bundle (${(err as Error).message})`;
  }
}

/** The serving certificate chain as served (leaf first, then its intermediates), or why there is none. */
export function servingChain(snapshot: Snapshot): X509Certificate[] | string {
  const { pem, source } = snapshot.servingCert;
  if (!pem.ok) return `${source}: ${pem.reason}`;
  try {
    return parsePemChain(pem.value);
  } catch (err) {
    return `${source}: ${(err as Error).message}`;
  }
}

/** The serving certificate (the first of its chain), or why there is none. */
export function servingCert(snapshot: Snapshot): X509Certificate | string {
  const chain = servingChain(snapshot);
  return typeof chain === 'string' ? chain : chain[0]!;
}

/** `cert` carries `ca`'s name as issuer and `ca`'s key signed it (or it is `ca` itself). */
export const issuedBy = (cert: X509Certificate, ca: X509Certificate): boolean =>
  cert.fingerprint256 === ca.fingerprint256 || (cert.checkIssued(ca) && cert.verify(ca.publicKey));

/** Longer chains than this are not followed (Go's crypto/x509 gives up on long ones too: maxChainSignatureChecks). */
const MAX_INTERMEDIATES = 8;

/**
 * The chain from the serving certificate up to `ca`, as the apiserver's webhook client builds it:
 * Go's TLS client takes the certificates the server sends after the leaf as intermediates
 * (crypto/tls handshake_client.go, verifyServerCertificate: certs[1:] into opts.Intermediates) and
 * crypto/x509 (verify.go, Certificate.Verify / buildChains) looks for a path through them, each
 * one a CA, to a certificate of the pool (the caBundle). The certificates above the leaf on that
 * path, its issuer first, ending with `ca`; undefined when there is no such path.
 */
export function chainTo(chain: X509Certificate[], ca: X509Certificate): X509Certificate[] | undefined {
  const [leaf, ...intermediates] = chain;
  if (!leaf) return undefined;
  const climb = (cert: X509Certificate, used: X509Certificate[]): X509Certificate[] | undefined => {
    if (issuedBy(cert, ca)) return [ca];
    if (used.length >= MAX_INTERMEDIATES) return undefined;
    for (const next of intermediates) {
      if (!next.ca || used.includes(next) || !issuedBy(cert, next)) continue;
      const rest = climb(next, [...used, next]);
      if (rest) return [next, ...rest];
    }
    return undefined;
  };
  return climb(leaf, []);
}

/** Whether `ca` verifies the serving chain (see chainTo). */
export const signs = (ca: X509Certificate, chain: X509Certificate[]): boolean =>
  chainTo(chain, ca) !== undefined;
