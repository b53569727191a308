// Review "fix22x": render's serving-name check and the certs advice it prints (af6b1dc).
import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { ensureCerts } from '../../src/tls/index.js';
import { captureIo, withTempDir } from '../tls/support.js';

async function render(...argv: string[]) {
  const io = captureIo();
  const code = await main(['render', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('render --url with a wildcard serving pair that `certs --dns *.DOMAIN` makes', () => {
  // `ais-guard certs` takes --dns '*.guard.example.com' (src/cli/certs.ts HOSTNAME allows "*."), and
  // the apiserver's webhook client (Go crypto/tls -> crypto/x509 Certificate.VerifyHostname,
  // matchHostnames) accepts a left-most-label wildcard for https://webhook.guard.example.com. But
  // src/cli/render.ts checkServingNames calls cert.checkHost(host, { wildcards: false }), so render
  // exits 2 "tls.crt is not for webhook.guard.example.com ... the apiserver would refuse every call
  // to the guard" -- false -- and advises a new pair. A user with a wildcard certificate (the usual
  // for an out-of-cluster guard behind a corporate domain) cannot render the webhooks.
  // Expected: render accepts the pair (exit 0) and prints the URL, as the apiserver would call it.
  it('accepts https://webhook.guard.example.com for a pair made with --dns *.guard.example.com', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, { dnsNames: ['*.guard.example.com'], ipAddresses: [] });
      const { code, out, err } = await render(
        '--url',
        'https://webhook.guard.example.com:9443',
        '--cert-dir',
        dir,
        '--webhooks-only',
      );
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain('url: https://webhook.guard.example.com:9443/validate');
    }));
});
