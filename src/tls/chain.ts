// Certificate chains as the apiserver's webhook client verifies them, read with Node's X.509 parser:
// what `doctor` checks of the live install and `render` of the files it is given.
import { X509Certificate } from 'node:crypto';
import { certificateBlocks } from './pem-blocks.js';

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
