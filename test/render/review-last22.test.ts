// Review "last22": 15c5ee3's wildcard match in render's serving-name check (src/cli/render.ts
// checkServingNames: cert.checkHost(host, { subject: 'never', wildcards: true, partialWildcards: false })),
// which says it matches "as Go's crypto/x509 VerifyHostname matches". It is OpenSSL's X509_check_host,
// which differs from Go (crypto/x509 verify.go VerifyHostname, matchHostnames) in two ways, checked on
// this machine with go1.26 x509.Certificate.VerifyHostname and node's X509Certificate.checkHost on one
// certificate with SAN DNS:*.internal, DNS:*.example.com:
//  - a wildcard over a single-label suffix: Go matches "*.internal" to guard.internal (true);
//    OpenSSL refuses a "*" with fewer than two dots after it (undefined);
//  - a trailing dot in the URL's host (new URL keeps it): Go trims it from both sides before matching
//    (a.example.com. is covered); OpenSSL does not.
// render then exits 2 "tls.crt is not for guard.internal ... the apiserver would refuse every call to the
// guard" -- false: the apiserver's webhook client verifies with Go -- and advises re-issuing a pair
// that works. `ais-guard certs --dns '*.internal'` makes that pair itself (certs.ts HOSTNAME).
// Expected: render accepts the pair (exit 0), as the apiserver would.
import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { ensureCerts } from '../../src/tls/index.js';
import { captureIo, withTempDir } from '../tls/support.js';

async function render(...argv: string[]) {
  const io = captureIo();
  const code = await main(['render', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('render --url with a wildcard pair Go accepts and OpenSSL does not', () => {
  it.each([
    ['*.internal', 'https://guard.internal:9443'],
    ['*.example.com', 'https://guard.example.com.:9443'],
  ])('a pair for %s covers %s', (dns, url) =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, { dnsNames: [dns], ipAddresses: [] });
      const { code, err } = await render('--url', url, '--cert-dir', dir, '--webhooks-only');
      expect(err).toBe('');
      expect(code).toBe(0);
    }),
  );
});
