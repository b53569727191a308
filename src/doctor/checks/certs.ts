// Reading the caBundles and the serving certificate for the two certificate checks, with Node's
// X.509 parser (what src/tls/inspect.ts uses too).
import { X509Certificate } from 'node:crypto';
import type { Expected, Snapshot } from '../types.js';
import { liveEntries } from './common.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text; throws when there is none or one does not parse. */
export function parsePemChain(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((b) => new X509Certificate(b));
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
    by.set(bundle, [...(by.get(bundle) ?? []), entry.name]);
  }
  return [...by].map(([bundle, webhooks]) => ({ bundle, webhooks }));
}

/** A caBundle's certificates, or why it has none. */
export function bundleCerts(bundle: string): X509Certificate[] | string {
  try {
    return parsePemChain(Buffer.from(bundle, 'base64').toString('utf8'));
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
  // A CA's pathLenConstraint bounds the intermediates below it (verify.go isValid,
  // TooManyIntermediates): `ais-guard certs` makes its CA with pathLen 0, a leaf signer only.
  const allows = (c: X509Certificate, below: number) => (maxPathLen(c) ?? Infinity) >= below;
  const climb = (cert: X509Certificate, used: X509Certificate[]): X509Certificate[] | undefined => {
    if (issuedBy(cert, ca) && (cert === ca || allows(ca, used.length))) return [ca];
    if (used.length >= MAX_INTERMEDIATES) return undefined;
    for (const next of intermediates) {
      if (!next.ca || used.includes(next) || !issuedBy(cert, next) || !allows(next, used.length)) continue;
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

/** One DER element at `at`: its tag and the bounds of its content. */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } {
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[start + i]!;
    start += octets;
  }
  return { tag: der[at]!, start, end: start + length };
}

function children(der: Buffer, parent: { start: number; end: number }) {
  const out: ReturnType<typeof element>[] = [];
  for (let at = parent.start; at < parent.end; at = out[out.length - 1]!.end) out.push(element(der, at));
  return out;
}

/** The OID 2.5.29.19 (basicConstraints), DER-encoded. */
const BASIC_CONSTRAINTS = Buffer.from([0x55, 0x1d, 0x13]);

/**
 * basicConstraints' pathLenConstraint (RFC 5280 4.2.1.9), undefined when it has none: Node's
 * X509Certificate shows `ca` but not the length, so it is read from the DER (Certificate ->
 * tbsCertificate -> [3] extensions -> the extension whose OID is basicConstraints -> its OCTET
 * STRING -> SEQUENCE { cA BOOLEAN, pathLenConstraint INTEGER }).
 */
export function maxPathLen(cert: X509Certificate): number | undefined {
  const der = cert.raw;
  try {
    const [tbs] = children(der, element(der, 0));
    const extensions = children(der, tbs!).find((e) => e.tag === 0xa3);
    if (!extensions) return undefined;
    for (const extension of children(der, children(der, extensions)[0]!)) {
      const [oid, ...rest] = children(der, extension);
      if (!der.subarray(oid!.start, oid!.end).equals(BASIC_CONSTRAINTS)) continue;
      const [constraints] = children(der, rest[rest.length - 1]!);
      const integer = children(der, constraints!).find((e) => e.tag === 0x02);
      if (!integer) return undefined;
      let n = 0;
      for (let i = integer.start; i < integer.end; i++) n = n * 256 + der[i]!;
      return n;
    }
  } catch {
    // Not what RFC 5280 describes: no constraint read, as when it has none.
  }
  return undefined;
}
